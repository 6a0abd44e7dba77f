import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { pipeline as pipelineCallback, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import type { ClosureFile } from './closure-files';

export interface BuiltBlob {
  digest: string;
  size: number;
}

/** Fixed metadata so that the same files give the same bytes (and digest) on any machine. */
const EPOCH = new Date(0);

/**
 * Writes a deterministic tar+gzip of `files` to `outFile`, streaming: memory does not grow
 * with file size. Entries are sorted by path with fixed owner, mode and mtime.
 */
export async function writeLayer(files: ClosureFile[], outFile: string): Promise<BuiltBlob> {
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const entries = files.map((file) => ({
    path: file.path,
    size: file.size,
    mode: file.executable ? 0o755 : 0o644,
    content: () => fs.createReadStream(file.absPath),
  }));
  await pipeline(deterministicTarGz(entries, { mtime: EPOCH, level: compressionLevel(files) }), measure, fs.createWriteStream(outFile));
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** A regular file of a deterministic tarball: bytes in memory, or a stream opened when its turn comes. */
export interface TarEntry {
  path: string;
  size: number;
  mode: number;
  content: Buffer | (() => NodeJS.ReadableStream);
}

/**
 * A tar+gzip stream whose bytes depend only on the entries: sorted by path, owner 0, one mtime
 * for all. Shared by resource layers and npm package tarballs.
 */
export function deterministicTarGz(entries: TarEntry[], options: { mtime: Date; level: number }): Readable {
  const pack = tar.pack();
  // The callback form returns the gzip stream and destroys it with any error of the pack.
  const gzip = pipelineCallback(pack, zlib.createGzip({ level: options.level }), () => undefined);
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  (async () => {
    for (const entry of sorted) await addEntry(pack, entry, options.mtime);
    pack.finalize();
  })().catch((err: Error) => gzip.destroy(err));
  return gzip;
}

/** Above this, a layer is a model more than code: stored in gzip framing, not deflated. */
const STORED_ABOVE_BYTES = 64 * 1024 * 1024;

/**
 * Models rarely compress, and deflating 200 MiB took 5.6 of a 7.3 s store here: model-sized
 * layers are stored (level 0, still valid gzip); code layers get fast compression (level 1).
 * The level depends only on the inputs, so the bytes stay deterministic.
 */
export function compressionLevel(files: ClosureFile[]): number {
  return files.reduce((sum, file) => sum + file.size, 0) > STORED_ABOVE_BYTES ? 0 : 1;
}

function addEntry(pack: tar.Pack, file: TarEntry, mtime: Date): Promise<void> {
  return new Promise((resolve, reject) => {
    const entry = pack.entry(
      { name: file.path, size: file.size, mode: file.mode, mtime, uid: 0, gid: 0, uname: '', gname: '', type: 'file' },
      (err) => (err ? reject(err) : resolve()),
    );
    if (Buffer.isBuffer(file.content)) entry.end(file.content);
    else file.content().on('error', reject).pipe(entry);
  });
}
