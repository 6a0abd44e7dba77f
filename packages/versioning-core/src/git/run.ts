import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { UserError } from '../errors';

/**
 * Variables a surrounding git sets (hooks, `rebase --exec`) to pin its own repository; left in,
 * they would override `-C` and make us read another repository than the workspace's.
 */
const REPOSITORY_PINNING_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
];

export type GitProcess = ChildProcessByStdio<null, Readable, Readable>;

/**
 * Starts `git -C <dir> <args>`; messages in English (LC_ALL=C) so that failures can be recognised.
 * `input` is written to git's stdin (`--stdin` commands); a git that exits before reading it all
 * reports itself by its exit code, not by a broken pipe.
 */
export function spawnGit(dir: string, args: string[], input?: string): GitProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C' };
  for (const name of REPOSITORY_PINNING_VARS) delete env[name];
  if (input === undefined) return spawn('git', ['-C', dir, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const child = spawn('git', ['-C', dir, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined);
  child.stdin.end(input);
  return child as unknown as GitProcess;
}

export interface GitExit {
  /** Exit code; null when the process ended by a signal. */
  code: number | null;
  stderr: string;
}

/** Resolves when the process has ended (its pipes closed); collects stderr on the way. */
export function gitExit(child: GitProcess): Promise<GitExit> {
  const stderr: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  return new Promise((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new UserError('git was not found on PATH: install git to version resources') : error),
    );
    child.once('close', (code) => resolve({ code, stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

export interface GitOutput extends GitExit {
  stdout: string;
}

/** Runs git to completion; a non-zero exit is the caller's to interpret (some codes are answers). */
export async function runGit(dir: string, args: string[], input?: string): Promise<GitOutput> {
  const child = spawnGit(dir, args, input);
  const stdout: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  const exit = await gitExit(child);
  return { ...exit, stdout: Buffer.concat(stdout).toString('utf8') };
}

/** The UserError for a git failure: "not a repository" named as such, anything else by git's first line. */
export function gitFailure(dir: string, stderr: string): UserError {
  if (/not a git repository/i.test(stderr)) {
    return new UserError(`${dir} is not inside a git repository: resources are versioned from a git work tree (run \`git init\` and commit)`);
  }
  const firstLine = stderr.split('\n').find((line) => line.trim() !== '') ?? 'no message';
  return new UserError(`git failed in ${dir}: ${firstLine.replace(/^(fatal|error): /, '')}`);
}

/**
 * Calls `onRecord` with every NUL-terminated record of a stream, decoded as UTF-8 only once
 * whole (a chunk may end inside a multi-byte character). Stops calling once `onRecord` returns true.
 */
export function onNulRecords(stream: Readable, onRecord: (record: string) => boolean | void): void {
  let pending: Buffer = Buffer.alloc(0);
  let stopped = false;
  stream.on('data', (chunk: Buffer) => {
    if (stopped) return;
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let start = 0;
    for (let end = pending.indexOf(0, start); end !== -1; end = pending.indexOf(0, start)) {
      const record = pending.toString('utf8', start, end);
      start = end + 1;
      if (onRecord(record) === true) {
        stopped = true;
        return;
      }
    }
    pending = pending.subarray(start);
  });
}
