import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { npmTarball, readNpmTarball, type PackageFile } from './npm-tarball';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-tarball-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const files: PackageFile[] = [
  { path: 'package.json', content: Buffer.from('{"name":"@x/ham","version":"1.0.0"}\n') },
  { path: 'server.js', content: Buffer.from('#!/usr/bin/env node\n'), executable: true },
  { path: 'lib/ham/src/ham.js', content: Buffer.from('exports.a = 1;\n') },
];

function write(name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

describe('npmTarball', () => {
  it('gives the same bytes for the same files in any order', async () => {
    const first = await npmTarball(files);
    const second = await npmTarball([...files].reverse());
    expect(second.equals(first)).toBe(true);
    const changed = await npmTarball([...files.slice(1), { ...files[0], content: Buffer.from('{"name":"@x/ham","version":"1.0.1"}\n') }]);
    expect(changed.equals(first)).toBe(false);
  });

  it('lays files out as npm pack does: package/ prefix, sorted, npm mtime, 0644 and 0755', async () => {
    const listing = execFileSync('tar', ['tvzf', write('ham-1.0.0.tgz', await npmTarball(files))], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
    expect(listing.trim().split('\n')).toEqual([
      expect.stringMatching(/^-rw-r--r-- 0\/0 +15 1985-10-26 08:15 package\/lib\/ham\/src\/ham\.js$/),
      expect.stringMatching(/^-rw-r--r-- 0\/0 +36 1985-10-26 08:15 package\/package\.json$/),
      expect.stringMatching(/^-rwxr-xr-x 0\/0 +20 1985-10-26 08:15 package\/server\.js$/),
    ]);
  });
});

describe('readNpmTarball', () => {
  /** `tar czf` of a package/ tree made by `make`, with extra tar flags (a hostile writer's). */
  function tarball(make: (root: string) => void, flags: string[] = [], members = ['package']): Buffer {
    const root = path.join(dir, 'src');
    fs.mkdirSync(path.join(root, 'package'), { recursive: true });
    fs.writeFileSync(path.join(root, 'package/a.js'), 'a');
    make(root);
    const tgz = path.join(dir, 'x.tgz');
    execFileSync('tar', ['czf', tgz, '--format=gnu', ...flags, '-C', root, ...members]);
    return fs.readFileSync(tgz);
  }
  const refusal = (bytes: Buffer): Promise<Error> => readNpmTarball(bytes, 'client-v1.0.0').then(
    () => new Error('not refused'),
    (caught: unknown) => caught as Error,
  );

  it('reads the files of what npmTarball writes', async () => {
    const read = await readNpmTarball(await npmTarball(files), 'client-v1.0.0');
    const byPath = (a: PackageFile, b: PackageFile) => (a.path < b.path ? -1 : 1);
    expect(read.sort(byPath)).toEqual(files.map((file) => ({ ...file, executable: !!file.executable })).sort(byPath));
  });

  it('skips a link inside the package and refuses one that leaves it, a FIFO and an absolute path', async () => {
    const inside = await readNpmTarball(tarball((root) => fs.symlinkSync('a.js', path.join(root, 'package/b.js'))), 'client-v1.0.0');
    expect(inside.map((file) => file.path)).toEqual(['a.js']);
    fs.rmSync(path.join(dir, 'src'), { recursive: true });

    const leaving = await refusal(tarball((root) => fs.symlinkSync('../../etc/passwd', path.join(root, 'package/passwd'))));
    expect(leaving).toBeInstanceOf(UserError);
    expect(leaving.message).toBe('client-v1.0.0 holds a link that leaves its package directory: package/passwd -> ../../etc/passwd');
    fs.rmSync(path.join(dir, 'src'), { recursive: true });

    const fifo = await refusal(tarball((root) => execFileSync('mkfifo', [path.join(root, 'package/pipe')])));
    expect(fifo.message).toBe('client-v1.0.0 holds a device file or FIFO: package/pipe');
    fs.rmSync(path.join(dir, 'src'), { recursive: true });

    const absolute = await refusal(tarball(() => undefined, ['-P', '--transform', 's,^,/,'], ['package/a.js']));
    expect(absolute.message).toBe('client-v1.0.0 holds an entry outside its package directory: /package/a.js');
  });

  it('refuses a package that unpacks to more than 64 MiB (a gzip bomb) without holding it', async () => {
    const bomb = tarball((root) => fs.writeFileSync(path.join(root, 'package/zeros.bin'), Buffer.alloc(65 * 1024 * 1024)));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const error = await refusal(bomb);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe('client-v1.0.0 unpacks to more than 64 MiB: refused');
  });
});
