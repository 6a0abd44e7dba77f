import { Transform } from 'node:stream';

/** Wraps a transfer in a pass-through that reports it; `undefined` when progress is off. */
export type ProgressMeter = (label: string, totalBytes?: number) => Transform;

const MiB = 1024 * 1024;

/**
 * Progress for people: on a TTY, outside CI and without `--json`. Scripts and CI logs get
 * nothing, since a redrawn line is noise there.
 */
export function wantsProgress(options: { json?: boolean; stream?: { isTTY?: boolean }; env?: NodeJS.ProcessEnv }): boolean {
  const env = options.env ?? process.env;
  return !options.json && !!(options.stream ?? process.stderr).isTTY && !env.CI;
}

/**
 * One redrawn line per transfer (`label  120.0/200.0 MiB  95.3 MiB/s`), at most every 200 ms,
 * only for transfers that reach `minBytes`, closed with a final line when the transfer ends.
 */
export function progressMeter(out: NodeJS.WritableStream, minBytes = 8 * MiB): ProgressMeter {
  return (label, totalBytes) => {
    const started = Date.now();
    let bytes = 0;
    let drawnAt = 0;
    const draw = (final: boolean) => {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      const amount = totalBytes === undefined ? `${(bytes / MiB).toFixed(1)} MiB` : `${(bytes / MiB).toFixed(1)}/${(totalBytes / MiB).toFixed(1)} MiB`;
      out.write(`\r\x1b[K${label}  ${amount}  ${(bytes / MiB / seconds).toFixed(1)} MiB/s${final ? '\n' : ''}`);
    };
    return new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        const now = Date.now();
        if (bytes >= minBytes && now - drawnAt >= 200) {
          drawnAt = now;
          draw(false);
        }
        done(null, chunk);
      },
      flush(done) {
        if (bytes >= minBytes) draw(true);
        done();
      },
    });
  };
}
