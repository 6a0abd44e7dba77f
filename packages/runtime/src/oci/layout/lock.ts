import * as fs from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { UserError } from '../../errors';

export interface LockOptions {
  /** A lock older than this was left by a crashed process and is taken over. */
  staleMs: number;
  /** Give up waiting after this long. */
  timeoutMs: number;
}

const DEFAULTS: LockOptions = { staleMs: 30_000, timeoutMs: 120_000 };

/**
 * Runs `fn` while holding `lockPath`, a file created exclusively ('wx'), so that processes
 * updating the same file (parallel `nx run-many` stores) take turns instead of losing writes.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: Partial<LockOptions> = {}): Promise<T> {
  const { staleMs, timeoutMs } = { ...DEFAULTS, ...options };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await fs.open(lockPath, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    // Holders keep the lock for milliseconds, so an old lock means its holder died.
    const age = await lockAge(lockPath);
    if (age !== undefined && age > staleMs) {
      await fs.rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new UserError(`timed out waiting for lock ${lockPath}; if no mdl or nx process is running, delete that file`);
    }
    await delay(5 + Math.random() * 20);
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

async function lockAge(lockPath: string): Promise<number | undefined> {
  try {
    return Date.now() - (await fs.stat(lockPath)).mtimeMs;
  } catch {
    return undefined; // released meanwhile
  }
}
