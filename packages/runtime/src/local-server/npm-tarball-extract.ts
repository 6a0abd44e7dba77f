import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { UserError } from '../errors';
import { pipeToFile } from '../pipe-to-file';

// A tar reader of node built-ins: the runtime ships inside every client package, and tar-stream
// would bring streamx, bare-fs, bare-stream, teex and friends into each consumer's install.
// npm tarballs need little of tar: ustar headers, pax `path`/`size` records, GNU long names.

const BLOCK = 512;

interface Entry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'hardlink' | 'special' | 'other';
  /** A link's target (symbolic: relative to the link; hard: an archive path). */
  linkname: string;
  mode: number;
  size: number;
}

/**
 * Extracts an npm tarball (`package/…` entries) into `dir`, as npm would: the first path
 * component is dropped and links inside the package are skipped (pacote does the same). Refused:
 * an absolute path, a path or a link that leaves `dir`, a device file or FIFO. Entries are
 * written as they come, so extract into a fresh directory and move it in place when this
 * resolves (as `prepareServerPackage` does). Streams: memory does not grow with a file's size.
 */
export async function extractNpmTarball(source: NodeJS.ReadableStream, into: string, what: string): Promise<void> {
  const dir = path.resolve(into);
  const gunzip = zlib.createGunzip();
  const reader = new ByteReader(gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>, what);
  try {
    await Promise.all([pipeline(source, gunzip), extractEntries(reader, dir, what)]);
  } catch (err) {
    gunzip.destroy();
    if (err instanceof UserError) throw err;
    throw new UserError(`${what} is not a valid npm tarball (gzip'd tar): ${(err as Error).message}`);
  }
}

async function extractEntries(reader: ByteReader, dir: string, what: string): Promise<void> {
  const overrides: { path?: string; size?: number; linkpath?: string } = {};
  for (;;) {
    const header = await reader.read(BLOCK);
    if (!header || header.every((byte) => byte === 0)) return reader.drain();
    const flag = String.fromCharCode(header[156]);
    const entry = parseHeader(header, what);
    if (flag === 'x' || flag === 'L' || flag === 'K') {
      const body = await reader.readPadded(entry.size);
      if (flag === 'x') Object.assign(overrides, paxRecords(body));
      else overrides[flag === 'L' ? 'path' : 'linkpath'] = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const size = overrides.size ?? entry.size;
    const name = overrides.path ?? entry.name;
    const linkname = overrides.linkpath ?? entry.linkname;
    delete overrides.path;
    delete overrides.size;
    delete overrides.linkpath;
    await writeEntry({ ...entry, name, size, linkname }, reader, dir, what);
  }
}

function parseHeader(header: Buffer, what: string): Entry {
  const text = (start: number, length: number) => header.toString('utf8', start, start + length).replace(/\0.*$/s, '');
  const octal = (start: number, length: number) => {
    const field = text(start, length).trim();
    if (!/^[0-7]*$/.test(field)) throw new UserError(`${what} is not a valid npm tarball: a header field reads ${JSON.stringify(field)}`);
    return field ? parseInt(field, 8) : 0;
  };
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  if (sum !== octal(148, 8)) throw new UserError(`${what} is not a valid npm tarball: a header's checksum does not match`);
  const prefix = text(345, 155);
  const name = text(0, 100);
  const flag = String.fromCharCode(header[156]);
  const type = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : flag === '2' ? 'symlink' : flag === '1' ? 'hardlink' : '346'.includes(flag) ? 'special' : 'other';
  return { name: prefix ? `${prefix}/${name}` : name, type, linkname: text(157, 100), mode: octal(100, 8), size: octal(124, 12) };
}

/** `<length> <key>=<value>\n` records of a pax extended header. */
function paxRecords(body: Buffer): { path?: string; size?: number; linkpath?: string } {
  const found: { path?: string; size?: number; linkpath?: string } = {};
  for (const record of body.toString('utf8').split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(record);
    if (match?.[1] === 'path' || match?.[1] === 'linkpath') found[match[1]] = match[2];
    if (match?.[1] === 'size' && /^\d+$/.test(match[2])) found.size = Number(match[2]);
  }
  return found;
}

async function writeEntry(entry: Entry, reader: ByteReader, dir: string, what: string): Promise<void> {
  const relative = entry.name.split('/').slice(1).join('/');
  const target = path.resolve(dir, relative);
  if (entry.name.startsWith('/') || (relative && !target.startsWith(dir + path.sep))) {
    throw new UserError(`${what} holds an entry outside its package directory: ${entry.name}`);
  }
  if (entry.type === 'special') throw new UserError(`${what} holds a device file or FIFO: ${entry.name}`);
  const link = entry.type === 'symlink' || entry.type === 'hardlink';
  if (link && leavesPackage(entry, target, dir)) {
    throw new UserError(`${what} holds a link that leaves its package directory: ${entry.name} -> ${entry.linkname}`);
  }
  if (!relative || entry.type === 'other' || link) return reader.skipPadded(entry.size);
  if (entry.type === 'directory') {
    fs.mkdirSync(target, { recursive: true });
    return reader.skipPadded(entry.size);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Owner bits from the tarball, never less than read-write for the owner (npm does the same).
  const mode = (entry.mode & 0o777) | 0o600;
  await pipeToFile(target, { mode }, Readable.from(reader.chunks(entry.size)));
  await reader.skip(padding(entry.size));
}

/** A symbolic link resolves from its own directory, a hard link from the archive's root (`package/…`). */
function leavesPackage(link: Entry, target: string, dir: string): boolean {
  if (path.isAbsolute(link.linkname)) return true;
  const to = link.type === 'hardlink' ? path.resolve(dir, link.linkname.split('/').slice(1).join('/')) : path.resolve(path.dirname(target), link.linkname);
  return to !== dir && !to.startsWith(dir + path.sep);
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Exact-length reads over a stream of chunks; a stream that ends inside an entry is a truncated tarball. */
class ByteReader {
  private buffered: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(
    private readonly source: AsyncIterator<Buffer>,
    private readonly what: string,
  ) {}

  /** `length` bytes, or null when the stream ended cleanly before any of them. */
  async read(length: number): Promise<Buffer | null> {
    while (this.buffered.length < length && (await this.fill()));
    if (this.buffered.length === 0 && length > 0) return null;
    if (this.buffered.length < length) throw this.truncated();
    const bytes = this.buffered.subarray(0, length);
    this.buffered = this.buffered.subarray(length);
    return bytes;
  }

  async readPadded(length: number): Promise<Buffer> {
    const bytes = (await this.read(length)) ?? Buffer.alloc(0);
    if (bytes.length < length) throw this.truncated();
    await this.skip(padding(length));
    return Buffer.from(bytes);
  }

  /** The next `length` bytes as they arrive. */
  async *chunks(length: number): AsyncGenerator<Buffer> {
    let left = length;
    while (left > 0) {
      if (this.buffered.length === 0 && !(await this.fill())) throw this.truncated();
      const piece = this.buffered.subarray(0, Math.min(left, this.buffered.length));
      this.buffered = this.buffered.subarray(piece.length);
      left -= piece.length;
      yield piece;
    }
  }

  async skip(length: number): Promise<void> {
    for await (const piece of this.chunks(length)) void piece;
  }

  async skipPadded(length: number): Promise<void> {
    await this.skip(length + padding(length));
  }

  /** Reads what follows the end-of-archive blocks, so that the gunzip stream finishes. */
  async drain(): Promise<void> {
    while (await this.fill()) this.buffered = Buffer.alloc(0);
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, next.value]) : next.value;
    return true;
  }

  private truncated(): UserError {
    return new UserError(`${this.what} is not a valid npm tarball: it ends inside an entry`);
  }
}
