import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The file's bytes, or undefined when it cannot be read (missing or unreadable): a cache miss to its callers. */
export function readIfPresent(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes to a temp file beside `file` (its directory made if missing), then renames it over
 * `file`: a reader sees the whole file or none. The temp name is unique per write, so concurrent
 * writers (the tasks of a batch, parallel processes) never write into each other's temp file.
 */
export function writeFileAtomically(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, data);
  fs.renameSync(temp, file);
}
