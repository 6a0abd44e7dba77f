import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The worker's entry script; its file identity is part of every address, so a new build never talks to an old worker. */
export const WORKER_MAIN = path.join(__dirname, 'worker-main.js');

/**
 * Variables Nx sets per task or per invocation. They differ between tasks that may share a
 * worker, and no target reads them; every other variable is part of the address.
 */
const PER_TASK_VARIABLE = /^(NX_(TASK_TARGET_|TASK_HASH$|TERMINAL_|STREAM_OUTPUT$|PREFIX_OUTPUT$|INVOCATION_ROOT_PID$|FORKED_TASK_EXECUTOR$)|LERNA_PACKAGE_NAME$)/;

/** The environment a worker runs tasks in: the task's own, less what Nx sets per task. */
export function workerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !PER_TASK_VARIABLE.test(key)));
}

/**
 * The socket of the worker for tasks of this build, workspace, working directory and
 * environment: tasks that would run alike in a process of their own share it, so that a worker
 * never runs a task with another task's credentials, registry or Node. undefined when there
 * is no private place for sockets (the directory is not ours alone) or the worker is not built.
 */
export function taskWorkerSocket(root: string, cwd: string, env: NodeJS.ProcessEnv, where = { workerMain: WORKER_MAIN, tmpDir: os.tmpdir() }): string | undefined {
  const dir = privateSocketDir(where.tmpDir);
  const build = buildIdentity(where.workerMain);
  if (!dir || !build) return undefined;
  const variables = Object.entries(workerEnvironment(env)).sort(([a], [b]) => (a < b ? -1 : 1));
  const key = createHash('sha256').update(JSON.stringify([build, root, cwd, variables])).digest('hex');
  // Socket paths are limited to ~104 bytes: a short name in a short directory.
  return path.join(dir, `${key.slice(0, 32)}.sock`);
}

/** Node, and the worker script by file identity (a reinstall or rebuild gets a new inode or size or time). */
function buildIdentity(workerMain: string): string | undefined {
  try {
    const stat = fs.statSync(workerMain);
    return `${process.execPath}@${process.version}:${workerMain}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** `<tmp>/modelos-tasks-<uid>`, mode 0700: another user could otherwise hand our worker tasks. */
function privateSocketDir(tmpDir: string): string | undefined {
  const uid = process.getuid?.() ?? 0;
  const dir = path.join(tmpDir, `modelos-tasks-${uid}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const stat = fs.lstatSync(dir);
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}
