import { constants } from 'node:zlib';
import { deterministicTarGz } from '../artifact/layer';

/** A file of a package, relative to the package root (`lib/ham/src/ham.js`). */
export interface PackageFile {
  path: string;
  content: Buffer;
  executable?: boolean;
}

/** The mtime npm gives every entry of a packed tarball. */
const NPM_MTIME = new Date('1985-10-26T08:15:00.000Z');

/**
 * An npm package tarball (`npm pack` layout: every file under `package/`), whose bytes depend
 * only on the files: sorted entries, fixed mtime, owner and modes (0644, 0755 for executables).
 */
export async function npmTarball(files: PackageFile[]): Promise<Buffer> {
  const entries = files.map((file) => ({
    path: `package/${file.path}`,
    size: file.content.length,
    mode: file.executable ? 0o755 : 0o644,
    content: file.content,
  }));
  const chunks: Buffer[] = [];
  for await (const chunk of deterministicTarGz(entries, { mtime: NPM_MTIME, level: constants.Z_BEST_COMPRESSION })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
