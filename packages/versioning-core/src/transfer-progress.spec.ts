import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { progressMeter, wantsProgress } from './transfer-progress';

async function transfer(bytes: number, minBytes: number, total?: number): Promise<string> {
  const out = new PassThrough();
  let written = '';
  out.on('data', (chunk) => (written += chunk));
  const chunks = Array.from({ length: bytes / 65536 }, () => Buffer.alloc(65536));
  await pipeline(Readable.from(chunks), progressMeter(out, minBytes)('ham/model.bin', total), new PassThrough().resume());
  return written;
}

describe('progressMeter', () => {
  it('draws bytes and rate of a long transfer and ends its line', async () => {
    const text = await transfer(4 * 1024 * 1024, 1024 * 1024, 4 * 1024 * 1024);
    expect(text).toMatch(/\r\x1b\[Kham\/model\.bin {2}4\.0\/4\.0 MiB {2}[\d.]+ MiB\/s\n$/);
  });

  it('stays silent for short transfers', async () => {
    expect(await transfer(65536 * 4, 1024 * 1024)).toBe('');
  });
});

describe('wantsProgress', () => {
  it('is on for a TTY only, never in CI or with --json', () => {
    const tty = { isTTY: true };
    expect(wantsProgress({ stream: tty, env: {} })).toBe(true);
    expect(wantsProgress({ stream: tty, env: { CI: 'true' } })).toBe(false);
    expect(wantsProgress({ stream: tty, env: {}, json: true })).toBe(false);
    expect(wantsProgress({ stream: { isTTY: false }, env: {} })).toBe(false);
  });
});
