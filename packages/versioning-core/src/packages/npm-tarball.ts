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

/** What a client package may unpack to in memory: a client is a few kilobytes; a gzip bomb is refused at this. */
const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;

/**
 * The files of an npm tarball, in memory (a client package is a few kilobytes): `package/`
 * dropped, directories and links inside the package skipped. Refused: an absolute path, a path
 * or link that leaves the package, a device file or FIFO, and more than 64 MiB unpacked.
 */
export async function readNpmTarball(bytes: Buffer, what: string): Promise<PackageFile[]> {
  const files: PackageFile[] = [];
  let unpacked = 0;
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    // A refused archive fails the pipeline below; the entry being read is destroyed with the same error.
    body.on('error', () => undefined);
    const relative = path.posix.normalize(header.name.split('/').slice(1).join('/'));
    const refusal = refuseEntry(header, relative, what);
    if (refusal) {
      body.resume();
      return next(refusal);
    }
    const chunks: Buffer[] = [];
    body.on('data', (data: unknown) => {
      const chunk = data as Buffer;
      unpacked += chunk.length;
      if (unpacked <= MAX_UNPACKED_BYTES) chunks.push(chunk);
      else if (!extract.destroyed) extract.destroy(new UserError(`${what} unpacks to more than 64 MiB: refused`));
    });
    body.on('end', () => {
      if (header.type === 'file' && relative !== '.') files.push({ path: relative, content: Buffer.concat(chunks), executable: ((header.mode ?? 0) & 0o111) !== 0 });
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

/** Why an entry of `what` is refused before any of it is read; undefined when it is not. */
function refuseEntry(header: tar.Header, relative: string, what: string): UserError | undefined {
  if (header.name.startsWith('/') || relative === '..' || relative.startsWith('../')) return new UserError(`${what} holds an entry outside its package directory: ${header.name}`);
  if (['character-device', 'block-device', 'fifo'].includes(header.type ?? '')) return new UserError(`${what} holds a device file or FIFO: ${header.name}`);
  if (header.type === 'symlink' || header.type === 'link') {
    const linkname = header.linkname ?? '';
    // A symbolic link resolves from its own directory, a hard link from the archive's root (`package/…`).
    const to = header.type === 'link' ? path.posix.normalize(linkname.split('/').slice(1).join('/')) : path.posix.join(path.posix.dirname(relative), linkname);
    if (path.posix.isAbsolute(linkname) || to === '..' || to.startsWith('../')) return new UserError(`${what} holds a link that leaves its package directory: ${header.name} -> ${linkname}`);
  }
  return undefined;
}
