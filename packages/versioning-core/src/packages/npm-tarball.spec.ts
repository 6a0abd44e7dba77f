import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { npmTarball, type PackageFile } from './npm-tarball';

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
