import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { UserError } from '../errors';

/**
 * Extracts an npm tarball (`package/…` entries) into `dir`, as npm would: the first path
 * component is dropped and links are skipped (pacote does the same). An entry that would land
 * outside `dir` is refused.
 */
export async function extractNpmTarball(source: NodeJS.ReadableStream, dir: string, what: string): Promise<void> {
  const extract = tar.extract();
  extract.on('entry', (header, body, next) => {
    writeEntry(header, body, dir, what).then(() => next(), next);
  });
  try {
    await pipeline(source, zlib.createGunzip(), extract);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${what} is not a valid npm tarball (gzip'd tar): ${(err as Error).message}`);
  }
}

type EntryBody = tar.ExtractEvents['entry'][1];

async function writeEntry(header: tar.Header, body: EntryBody, dir: string, what: string): Promise<void> {
  const relative = header.name.split('/').slice(1).join('/');
  const target = path.resolve(dir, relative);
  if (!relative || (header.type !== 'file' && header.type !== 'directory')) {
    body.resume();
    return;
  }
  if (path.isAbsolute(relative) || !target.startsWith(dir + path.sep)) {
    body.resume();
    throw new UserError(`${what} holds an entry outside its package directory: ${header.name}`);
  }
  if (header.type === 'directory') {
    fs.mkdirSync(target, { recursive: true });
    body.resume();
    return;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Owner bits from the tarball, never less than read-write for the owner (npm does the same).
  const mode = ((header.mode ?? 0o644) & 0o777) | 0o600;
  await pipeline(body, fs.createWriteStream(target, { mode }));
}
