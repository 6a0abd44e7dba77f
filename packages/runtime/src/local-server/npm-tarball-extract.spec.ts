import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { UserError } from '../errors';
import { extractNpmTarball } from './npm-tarball-extract';

// Archives written by GNU tar and by npm itself: the reader is checked against the real writers.

let work: string;
let counter = 0;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-extract-'));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** `tar czf` of `files` under `package/`, in the given format, plus a symlink when asked. */
function gnuTarball(files: Record<string, string | Buffer>, format: 'gnu' | 'pax' | 'ustar', extra: (root: string) => void = () => undefined): string {
  const root = path.join(work, `src-${counter++}`);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, 'package', file)), { recursive: true });
    fs.writeFileSync(path.join(root, 'package', file), content);
  }
  extra(root);
  const tgz = path.join(work, `${counter}.tgz`);
  execFileSync('tar', ['czf', tgz, `--format=${format}`, '-C', root, 'package']);
  return tgz;
}

async function extract(tgz: string | Buffer): Promise<string> {
  const dir = path.join(work, `out-${counter++}`);
  fs.mkdirSync(dir);
  const source = typeof tgz === 'string' ? fs.createReadStream(tgz) : Readable.from([tgz]);
  await extractNpmTarball(source, dir, 'test package');
  return dir;
}

async function refusal(tgz: string | Buffer): Promise<Error> {
  try {
    await extract(tgz);
  } catch (err) {
    return err as Error;
  }
  throw new Error('the tarball was accepted');
}

const longName = `${'deep/'.repeat(30)}${'n'.repeat(120)}.js`;

describe('extractNpmTarball', () => {
  it.each(['gnu', 'pax', 'ustar'] as const)('extracts a %s tarball, dropping the package/ prefix, with modes and long names', async (format) => {
    const files: Record<string, string> = { 'package.json': '{"name":"x"}', 'lib/a.js': 'exports.a = 1;\n', 'bin/run': '#!/bin/sh\n' };
    if (format !== 'ustar') files[longName] = 'long';
    const tgz = gnuTarball(files, format, (root) => fs.chmodSync(path.join(root, 'package/bin/run'), 0o755));
    const dir = await extract(tgz);
    for (const [file, content] of Object.entries(files)) expect(fs.readFileSync(path.join(dir, file), 'utf8')).toBe(content);
    expect(fs.statSync(path.join(dir, 'bin/run')).mode & 0o777).toBe(0o755);
  });

  it('extracts what npm pack writes', async () => {
    const pkg = path.join(work, 'pkg');
    fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'packed', version: '1.0.0' }));
    fs.writeFileSync(path.join(pkg, 'lib/index.js'), 'module.exports = 42;\n');
    const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: pkg, encoding: 'utf8' }));
    const dir = await extract(path.join(work, filename));
    expect(fs.readFileSync(path.join(dir, 'lib/index.js'), 'utf8')).toBe('module.exports = 42;\n');
  });

  it('streams a large file whole, across many chunks', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i, i);
    const dir = await extract(gnuTarball({ 'model.bin': big, 'after.txt': 'after' }, 'pax'));
    expect(createHash('sha256').update(fs.readFileSync(path.join(dir, 'model.bin'))).digest('hex')).toBe(createHash('sha256').update(big).digest('hex'));
    expect(fs.readFileSync(path.join(dir, 'after.txt'), 'utf8')).toBe('after');
  });

  it('skips links that stay inside the package, as npm does, and refuses one that leaves it', async () => {
    const inside = gnuTarball({ 'a.js': 'a' }, 'gnu', (root) => fs.symlinkSync('a.js', path.join(root, 'package/b.js')));
    expect(fs.readdirSync(await extract(inside))).toEqual(['a.js']);

    for (const [target, shown] of [['/etc/passwd', '/etc/passwd'], ['../../outside', '../../outside']]) {
      const leaving = gnuTarball({ 'a.js': 'a' }, 'gnu', (root) => fs.symlinkSync(target, path.join(root, 'package/passwd')));
      const error = await refusal(leaving);
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toBe(`test package holds a link that leaves its package directory: package/passwd -> ${shown}`);
    }
  });

  it('refuses a FIFO (or device file) and an absolute path', async () => {
    const fifo = gnuTarball({ 'a.js': 'a' }, 'gnu', (root) => execFileSync('mkfifo', [path.join(root, 'package/pipe')]));
    expect((await refusal(fifo)).message).toBe('test package holds a device file or FIFO: package/pipe');

    const root = path.join(work, 'absolute');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'x.js'), 'x');
    const tgz = path.join(work, 'absolute.tgz');
    execFileSync('tar', ['czf', tgz, '-P', '--format=gnu', '--transform', 's,^,/package/,', '-C', root, 'x.js']);
    expect((await refusal(tgz)).message).toBe('test package holds an entry outside its package directory: /package/x.js');
  });

  it('extracts into a directory named relative to the working directory', async () => {
    const tgz = gnuTarball({ 'a.js': 'a' }, 'pax');
    const dir = path.join(work, 'relative');
    fs.mkdirSync(dir);
    await extractNpmTarball(fs.createReadStream(tgz), path.relative(process.cwd(), dir), 'test package');
    expect(fs.readFileSync(path.join(dir, 'a.js'), 'utf8')).toBe('a');
  });

  it('refuses an entry that would land outside the package directory, before writing it', async () => {
    const root = path.join(work, 'evil');
    fs.mkdirSync(path.join(root, 'package'), { recursive: true });
    fs.writeFileSync(path.join(root, 'escape.js'), 'pwned');
    const tgz = path.join(work, 'evil.tgz');
    // -P keeps the `..` that GNU tar would otherwise strip, as a hostile writer would.
    execFileSync('tar', ['czf', tgz, '-P', '--format=gnu', '--transform', 's,^,package/../../,', '-C', root, 'escape.js']);
    const error = await refusal(tgz);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe('test package holds an entry outside its package directory: package/../../escape.js');
    // It would have landed beside the work directory: out-N/../../escape.js.
    expect(fs.existsSync(path.join(path.dirname(work), 'escape.js'))).toBe(false);
  });

  it('refuses what is not a gzip, a truncated archive and a header with a wrong checksum', async () => {
    const tgz = fs.readFileSync(gnuTarball({ 'a.js': 'x'.repeat(3000) }, 'gnu'));
    expect((await refusal(Buffer.from('not a tarball'))).message).toMatch(/^test package is not a valid npm tarball \(gzip'd tar\): /);

    const tar = zlib.gunzipSync(tgz);
    expect((await refusal(zlib.gzipSync(tar.subarray(0, 512 + 1000)))).message).toBe('test package is not a valid npm tarball: it ends inside an entry');

    const corrupt = Buffer.from(tar);
    corrupt[10] ^= 0x20;
    const error = await refusal(zlib.gzipSync(corrupt));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe("test package is not a valid npm tarball: a header's checksum does not match");
  });
});
