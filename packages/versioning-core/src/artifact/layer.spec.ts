import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClosureFile } from './closure-files';
import { pipeline } from 'node:stream/promises';
import { digestFile } from '../oci';
import { codeLayerStream, compressionLevel } from './layer';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer, mode = 0o644): ClosureFile {
  const absPath = path.join(dir, 'src', name);
  fs.mkdirSync(path.dirname(absPath), { recursive: true });
  fs.writeFileSync(absPath, content, { mode });
  const stat = fs.statSync(absPath);
  return { path: `ham/${name}`, absPath, size: stat.size, executable: (mode & 0o111) !== 0, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs };
}

/** Writes the layer stream to a file, as a test's window on its bytes. */
async function writeLayer(files: ClosureFile[], outFile: string): Promise<{ digest: string; size: number }> {
  await pipeline(codeLayerStream(files), fs.createWriteStream(outFile));
  return digestFile(outFile);
}

describe('codeLayerStream', () => {
  it('gives the same bytes for the same files, whatever their order, mtime or owner', async () => {
    const a = file('a.ts', 'export const a = 1;\n');
    const b = file('bin/run.sh', '#!/bin/sh\n', 0o755);
    const first = await writeLayer([a, b], path.join(dir, 'one.tar.gz'));
    fs.utimesSync(a.absPath, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const second = await writeLayer([b, a], path.join(dir, 'two.tar.gz'));
    expect(second).toEqual(first);
    expect(fs.readFileSync(path.join(dir, 'one.tar.gz'))).toEqual(fs.readFileSync(path.join(dir, 'two.tar.gz')));

    const listing = execFileSync('tar', ['tvzf', path.join(dir, 'one.tar.gz')], { encoding: 'utf8' });
    expect(listing).toMatch(/^-rw-r--r-- 0\/0 +20 1970-01-01 00:00 ham\/a\.ts$/m);
    expect(listing).toMatch(/^-rwxr-xr-x 0\/0 +10 1970-01-01 00:00 ham\/bin\/run\.sh$/m);
  });

  it('writes the same gzip header on every machine: no mtime, and Unix as the OS whatever zlib was built for', async () => {
    await writeLayer([file('a.ts', 'x')], path.join(dir, 'one.tar.gz'));
    const header = fs.readFileSync(path.join(dir, 'one.tar.gz')).subarray(0, 10);
    // Magic, deflate, no flags, mtime 0, the extra flags of level 1 (4: fastest), OS 3 (Unix).
    expect([...header]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3]);
  });

  it('changes digest when a byte changes', async () => {
    const before = await writeLayer([file('a.ts', 'x')], path.join(dir, 'one.tar.gz'));
    const after = await writeLayer([file('a.ts', 'y')], path.join(dir, 'two.tar.gz'));
    expect(after.digest).not.toBe(before.digest);
  });
});

describe('compressionLevel', () => {
  it('deflates code layers and stores model-sized ones', () => {
    const sized = (size: number) => ({ path: 'm', absPath: 'm', size, executable: false, mtimeMs: 0, ctimeMs: 0 });
    expect(compressionLevel([sized(1024)])).toBe(1);
    expect(compressionLevel([sized(40 * 1024 * 1024), sized(40 * 1024 * 1024)])).toBe(0);
  });
});
