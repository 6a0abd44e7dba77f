import { spawn } from 'node:child_process';
import * as net from 'node:net';
import type { ExecutorContext } from '@nx/devkit';
import { wantsProgress } from '@modelos/versioning-core/transfer-progress';
import type { ResourceTargetOptions } from '../resource-executor';
import { consoleOutput, type TaskOutput } from '../task-output';
import { onMessages, send, type TaskRun, type WorkerMessage } from './protocol';
import { taskWorkerSocket, WORKER_MAIN, workerEnvironment } from './worker-address';

/**
 * Per task, Nx starts a process that loads the plugin, then the target's body and the engine:
 * ~100 ms of CPU a task, more than the task's own work. The task worker is a process that
 * keeps them loaded: a task's process hands its task over a Unix socket and prints what comes
 * back, as it would have printed it. The first task of a run finds no worker, starts one in the
 * background and runs itself; the worker exits after a few idle seconds.
 *
 * undefined: run the task in this process (no worker yet, none wanted, or the worker declined).
 * Not wanted: MODELOS_TASK_WORKER=0, Windows, or a task that redraws transfer progress on a
 * terminal (the meter needs this process's TTY).
 */
export async function runInTaskWorker<O extends ResourceTargetOptions>(task: string, options: O, context: ExecutorContext): Promise<{ success: boolean } | undefined> {
  if (process.env.MODELOS_TASK_WORKER === '0' || process.platform === 'win32' || wantsProgress({ json: options.json })) return undefined;
  const socketPath = taskWorkerSocket(context.root, context.cwd, process.env);
  if (!socketPath) return undefined;
  const socket = await connectToWorker(socketPath);
  if (!socket) {
    startTaskWorker(socketPath, context.root, context.cwd);
    return undefined;
  }
  return handOver(socket, task, options, context);
}

/** Hands one task to the worker on `socket` and prints what it says; undefined when it declines. */
export function handOver<O extends ResourceTargetOptions>(socket: net.Socket, task: string, options: O, context: ExecutorContext): Promise<{ success: boolean } | undefined> {
  const node = context.projectName ? context.projectGraph.nodes[context.projectName] : undefined;
  send(socket, {
    task,
    options: options as Record<string, unknown>,
    projectName: context.projectName,
    targetName: context.targetName,
    configurationName: context.configurationName,
    isVerbose: context.isVerbose,
    nxJson: context.nxJsonConfiguration,
    graph: { projects: Object.keys(context.projectGraph.nodes).length, root: node?.data.root },
    run: runOf(context),
  });
  return relay(socket, consoleOutput(options.json === true));
}

/** This task's run, for the worker to share git facts among its tasks; Nx forks every task of a run from its one process. */
function runOf(context: ExecutorContext): TaskRun | undefined {
  if (!context.taskGraph || !context.targetName) return undefined;
  const projects = Object.values(context.taskGraph.tasks)
    .filter((task) => task.target.target === context.targetName)
    .map((task) => task.target.project);
  return { id: String(process.ppid), target: context.targetName, projects };
}

/** The worker's socket, connected; undefined when no worker listens there. */
export function connectToWorker(socketPath: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => resolve(socket));
    // No worker (ENOENT), or a socket left by one that died (ECONNREFUSED): the task runs here.
    socket.once('error', () => resolve(undefined));
  });
}

/** Prints the worker's lines through `out` as they come; the task's outcome, or undefined when declined. */
function relay(socket: net.Socket, out: TaskOutput): Promise<{ success: boolean } | undefined> {
  return new Promise((resolve) => {
    let outcome: { success: boolean } | undefined | null = null;
    onMessages(socket, (message) => {
      const m = message as WorkerMessage;
      if ('line' in m) out[m.line](m.value as string);
      else if ('done' in m) outcome = { success: m.done };
      else if ('declined' in m) outcome = undefined;
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (outcome !== null) return resolve(outcome);
      // The worker died mid-task (killed, out of memory): the task may have done part of its work.
      out.error('the modelos task worker ended before the task finished: run the task again (MODELOS_TASK_WORKER=0 runs tasks without it)');
      resolve({ success: false });
    });
  });
}

/** Starts a worker in the background, in its own session so that it outlives this task. */
function startTaskWorker(socketPath: string, root: string, cwd: string): void {
  const child = spawn(process.execPath, [WORKER_MAIN, socketPath, root], { cwd, env: workerEnvironment(process.env), detached: true, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
