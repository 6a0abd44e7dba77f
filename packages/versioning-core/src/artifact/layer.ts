import * as fs from 'node:fs';
import { pipeline as pipelineCallback, Transform, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import type { ClosureFile } from './closure-files';

/** Fixed metadata so that the same files give the same bytes (and digest) on any machine. */
const EPOCH = new Date(0);

/**
 * The deterministic tar+gzip of a project's code files, as a stream: entries sorted by path
 * with fixed owner, mode and mtime, read one file at a time, so memory does not grow with size.
 */
export function codeLayerStream(files: ClosureFile[]): Readable {
  const entries = files.map((file) => ({
    path: file.path,
    size: file.size,
    mode: fileMode(file),
    content: () => fs.createReadStream(file.absPath),
  }));
  return deterministicTarGz(entries, { mtime: EPOCH, level: compressionLevel(files) });
}

export function fileMode(file: ClosureFile): number {
  return file.executable ? 0o755 : 0o644;
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
  const gzip = pipelineCallback(pack, zlib.createGzip({ level: options.level }), unixGzipHeader(), () => undefined);
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  (async () => {
    for (const entry of sorted) await addEntry(pack, entry, options.mtime);
    pack.finalize();
  })().catch((err: Error) => gzip.destroy(err));
  return gzip;
}

/** Byte 9 of a gzip header: the OS zlib was built for (3 Unix, 19 macOS, 10 Windows). */
const GZIP_OS_BYTE = 9;
const GZIP_OS_UNIX = 3;

/**
 * Sets the gzip header's OS byte to Unix: zlib writes the one it was built for, so a layer stored
 * on a Mac and the same layer stored by Linux CI would otherwise differ in that byte, and digest.
 */
function unixGzipHeader(): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const at = GZIP_OS_BYTE - offset;
      offset += chunk.length;
      if (at < 0 || at >= chunk.length) return done(null, chunk);
      const fixed = Buffer.from(chunk);
      fixed[at] = GZIP_OS_UNIX;
      done(null, fixed);
    },
  });
}

/** Above this, a code layer (many mid-sized files) is stored in gzip framing, not deflated. */
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
    // A consumer that gives up (an upload the registry reset) destroys the pack, and with it the
    // entry being written: its error must end this entry, not the process.
    entry.on('error', reject);
    if (Buffer.isBuffer(file.content)) entry.end(file.content);
    else file.content().on('error', reject).pipe(entry);
  });
}
