import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClosureFile } from '../artifact/closure-files';
import { FileDigestCache } from './file-digests';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'file-digests-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
}

/** What listClosureFiles gives for these workspace-relative paths. */
function closureFiles(...files: string[]): ClosureFile[] {
  return files.map((file) => {
    const stat = fs.statSync(path.join(root, file));
    return { path: file, absPath: path.join(root, file), size: stat.size, executable: false, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs };
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('FileDigestCache', () => {
  it('records path, size and sha256 of every file', async () => {
    write('ham/a.txt', 'alpha');
    write('ham/model.bin', 'weights');
    const cache = new FileDigestCache(path.join(root, 'cache'));
    expect(await cache.records('ham', closureFiles('ham/a.txt', 'ham/model.bin'))).toEqual([
      { path: 'ham/a.txt', size: 5, sha256: sha256('alpha') },
      { path: 'ham/model.bin', size: 7, sha256: sha256('weights') },
    ]);
  });

  it('reads again only the files whose stat changed, also from a new process (a new cache object)', async () => {
    write('ham/a.txt', 'alpha');
    write('ham/model.bin', 'weights');
    await new FileDigestCache(path.join(root, 'cache')).records('ham', closureFiles('ham/a.txt', 'ham/model.bin'));
    // Mark every cached digest: what comes back marked was taken from the cache, not read.
    const [cacheFile] = fs.readdirSync(path.join(root, 'cache')).map((file) => path.join(root, 'cache', file));
    const marked = sha256('from the cache');
    fs.writeFileSync(cacheFile, fs.readFileSync(cacheFile, 'utf8').replace(/[0-9a-f]{64}/g, marked));
    write('ham/a.txt', 'ALPHA');
    const records = await new FileDigestCache(path.join(root, 'cache')).records('ham', closureFiles('ham/a.txt', 'ham/model.bin'));
    expect(records.map((record) => record.sha256)).toEqual([sha256('ALPHA'), marked]);
  });

  it('rehashes everything when the cache file is corrupt', async () => {
    write('ham/a.txt', 'alpha');
    const cache = new FileDigestCache(path.join(root, 'cache'));
    await cache.records('ham', closureFiles('ham/a.txt'));
    for (const file of fs.readdirSync(path.join(root, 'cache'))) fs.writeFileSync(path.join(root, 'cache', file), '{"ham/a.txt": {"size": 5');
    expect((await cache.records('ham', closureFiles('ham/a.txt')))[0].sha256).toBe(sha256('alpha'));
  });

  it('leaves deferred uncached files unread until settled; only a remembered digest is cached', async () => {
    write('ham/a.txt', 'alpha');
    write('ham/model.bin', 'weights');
    write('ham/other.bin', 'more weights');
    const files = closureFiles('ham/a.txt', 'ham/model.bin', 'ham/other.bin');
    const cache = new FileDigestCache(path.join(root, 'cache'));
    const { records, pending } = await cache.recordsDeferring('ham', files, (file) => file.path.endsWith('.bin'));
    expect(records.map((record) => record.sha256)).toEqual([sha256('alpha'), '', '']);
    pending[0].settle(sha256('weights'), true);
    pending[1].settle(sha256('trusted'), false);
    expect(records.map((record) => record.sha256)).toEqual([sha256('alpha'), sha256('weights'), sha256('trusted')]);
    const again = await cache.recordsDeferring('ham', files, (file) => file.path.endsWith('.bin'));
    expect(again.records.map((record) => record.sha256)).toEqual([sha256('alpha'), sha256('weights'), '']);
    expect(again.pending.map((p) => p.file.path)).toEqual(['ham/other.bin']);
  });
});
