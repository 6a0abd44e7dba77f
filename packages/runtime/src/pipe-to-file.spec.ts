import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeToFile } from './pipe-to-file';

describe('pipeToFile', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipe-to-file-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes what the streams give', async () => {
    const upper = new Transform({ transform: (chunk, _encoding, done) => done(null, chunk.toString().toUpperCase()) });
    await pipeToFile(path.join(dir, 'out'), { flags: 'wx' }, Readable.from([Buffer.from('ham')]), upper);
    expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe('HAM');
  });

  // The caller removes the temp file when a stream fails: it must not be created after that.
  it('rejects only once the file is closed, so that a file removed on failure stays removed', async () => {
    for (let i = 0; i < 50; i++) {
      const file = path.join(dir, `tmp-${i}`);
      const failing = new Transform({ transform: (_chunk, _encoding, done) => done(new Error('digest mismatch')) });
      await expect(pipeToFile(file, { flags: 'wx' }, Readable.from([Buffer.alloc(10)]), failing)).rejects.toThrow('digest mismatch');
      fs.rmSync(file, { force: true });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
