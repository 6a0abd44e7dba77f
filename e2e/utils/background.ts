import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { shellEnv } from './run';

export interface BackgroundProcess {
  child: ChildProcess;
  /** What it wrote so far (stdout and stderr, interleaved). */
  output(): string;
  /** Resolves with the first match of `pattern` in its output; rejects when it exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` to the process group, then waits for the leader to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A command run in the background the way a user runs one from a second terminal, in a process
 * group of its own (so that signals reach what `npx` started under it), its output going to
 * `logFile`: a file, not a pipe, so that it never blocks while the test runs a synchronous
 * command.
 */
export function startBackground(command: string, args: string[], options: { cwd: string; env?: Record<string, string | undefined>; logFile: string }): BackgroundProcess {
  const fd = openSync(options.logFile, 'w');
  const child = spawn(command, args, { cwd: options.cwd, env: shellEnv(options.env), stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const output = () => (existsSync(options.logFile) ? readFileSync(options.logFile, 'utf8') : '');
  return {
    child,
    output,
    waitFor: async (pattern, timeoutMs = 60_000) => {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
        const match = pattern.exec(output());
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null) break;
      }
      throw new Error(`${command} ${args.join(' ')} did not print ${pattern} (exit ${child.exitCode ?? child.signalCode ?? 'none'}); its output:\n${output()}`);
    },
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        process.kill(-child.pid!, signal);
      }),
  };
}
