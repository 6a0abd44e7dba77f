import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { deterministicTarGz } from '../artifact/layer';
import { UserError } from '../errors';

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
  for await (const chunk of deterministicTarGz(entries, { mtime: NPM_MTIME, level: zlib.constants.Z_BEST_COMPRESSION })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The files of an npm tarball, in memory (a client package is a few kilobytes): `package/`
 * dropped, links and directories skipped, and any path that would leave the package refused.
 */
export async function readNpmTarball(bytes: Buffer, what: string): Promise<PackageFile[]> {
  const files: PackageFile[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    const relative = header.name.split('/').slice(1).join('/');
    const chunks: Buffer[] = [];
    body.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    body.on('end', () => {
      if (header.type !== 'file' || !relative) return next();
      if (path.posix.isAbsolute(relative) || path.posix.normalize(relative).startsWith('..')) {
        return next(new UserError(`${what} holds an entry outside its package directory: ${header.name}`));
      }
      files.push({ path: path.posix.normalize(relative), content: Buffer.concat(chunks), executable: ((header.mode ?? 0) & 0o111) !== 0 });
      next();
    });
  });
  try {
    await pipeline(Readable.from([bytes]), zlib.createGunzip(), extract);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${what} is not a valid npm tarball (gzip'd tar): ${(err as Error).message}`);
  }
  return files;
}
