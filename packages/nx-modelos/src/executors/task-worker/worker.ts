import * as fs from 'node:fs';
import * as net from 'node:net';
import type { ExecutorContext, NxJsonConfiguration, ProjectGraph } from '@nx/devkit';
import { readCachedProjectGraph, readProjectsConfigurationFromProjectGraph } from 'nx/src/project-graph/project-graph';
import { nxProjectGraph } from 'nx/src/project-graph/nx-deps-cache';
import { runOneTask, type ResourceTargetOptions } from '../resource-executor';
import { isTaskName, loadTaskBody } from '../task-bodies';
import { forwardedOutput } from '../task-output';
import { onMessages, send, type TaskRequest, type WorkerMessage } from './protocol';
import { RunSharing } from './run-sharing';

/** Long enough to span the gaps between the tasks of a run and between the commands of a CI job, short enough not to linger. */
export const WORKER_IDLE_MS = 10_000;

export interface ServeOptions {
  idleMs?: number;
  /** The project graph tasks run against: by default Nx's cached graph, the file a task's process read its own from. */
  projectGraph?: () => ProjectGraph | undefined;
  /**
   * A task's process went away before its task ended (Ctrl-C: Nx kills its task processes).
   * worker-main ends the worker, so that the task stops as it would have in its own process.
   */
  onAbandoned?: () => void;
}

/**
 * Serves tasks on `socketPath` until it has been idle for `idleMs`, then closes the socket.
 * Resolves once listening, with `closed`, which resolves when the socket is closed and every
 * task has ended. Tasks run side by side, as in a batch, each with its own git facts and
 * registry session as it would have alone. `root`/`cwd`: the workspace and working directory
 * every task of this worker shares (they are part of the socket's address).
 */
export async function serveTasks(socketPath: string, workspace: { root: string; cwd: string }, options: ServeOptions = {}): Promise<{ closed: Promise<void> }> {
  const idleMs = options.idleMs ?? WORKER_IDLE_MS;
  const projectGraph = options.projectGraph ?? cachedProjectGraph();
  const runs = new RunSharing();
  let running = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const tasks = new Set<Promise<void>>();
  const server = net.createServer((socket) => {
    running++;
    clearTimeout(idleTimer);
    let asked = false;
    let answered = false;
    /** The worker's last word on this task, if any; then its side of the socket ends. */
    const answer = (message?: WorkerMessage) => {
      answered = true;
      if (message) send(socket, message);
      socket.end();
    };
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (asked && !answered) options.onAbandoned?.();
      if (--running === 0) idleTimer = setTimeout(() => server.close(), idleMs);
    });
    onMessages(socket, (message) => {
      if (asked) return answer();
      asked = true;
      const task = runRequest(message as TaskRequest, { workspace, readGraph: projectGraph, runs }, socket, answer).catch((err: unknown) => {
        // A body that cannot load: a bug, kept to its own task as a batch keeps it.
        send(socket, { line: 'error', value: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        answer({ done: false });
      });
      tasks.add(task);
      void task.finally(() => tasks.delete(task));
    });
  });
  // Closed: no connection left, and every task ended (an abandoned one may still be running).
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve())).then(() => Promise.all([...tasks]).then(() => undefined));
  await listen(server, socketPath);
  idleTimer = setTimeout(() => server.close(), idleMs);
  return { closed };
}

/**
 * Runs one task and sends its outcome. A task the worker cannot take as asked (no readable
 * graph, or not the task's graph) is declined before it starts: the task's process runs it.
 */
async function runRequest(
  request: TaskRequest,
  { workspace, readGraph, runs }: { workspace: { root: string; cwd: string }; readGraph: () => ProjectGraph | undefined; runs: RunSharing },
  socket: net.Socket,
  answer: (message?: WorkerMessage) => void,
): Promise<void> {
  if (!isTaskName(request.task)) return answer();
  const projectGraph = readGraph();
  const node = projectGraph && request.projectName ? projectGraph.nodes[request.projectName] : undefined;
  if (!projectGraph || Object.keys(projectGraph.nodes).length !== request.graph.projects || node?.data.root !== request.graph.root) {
    return answer({ declined: 'the project graph is not the one the task read' });
  }
  const context: ExecutorContext = {
    ...workspace,
    isVerbose: request.isVerbose,
    projectName: request.projectName,
    targetName: request.targetName,
    configurationName: request.configurationName,
    projectGraph,
    projectsConfigurations: readProjectsConfigurationFromProjectGraph(projectGraph),
    nxJsonConfiguration: request.nxJson as NxJsonConfiguration,
  };
  const out = forwardedOutput(request.options.json === true, (line, value) => send(socket, { line, value }));
  const body = await loadTaskBody<ResourceTargetOptions>(request.task);
  const options = request.options as ResourceTargetOptions;
  answer({ done: await runOneTask(body, options, context, out, runs.sharedFor(request.run, options.registry, context)) });
}

/**
 * Nx's cached project graph, the file a task's process reads its graph from (Nx writes it
 * before it runs any task), parsed again only when the file changed; undefined when Nx keeps
 * no graph file (the task's process then has its own graph).
 */
function cachedProjectGraph(): () => ProjectGraph | undefined {
  let graph: ProjectGraph | undefined;
  let stamp = '';
  return () => {
    try {
      const stat = fs.statSync(nxProjectGraph);
      const now = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      if (!graph || now !== stamp) {
        graph = readCachedProjectGraph();
        stamp = now;
      }
      return graph;
    } catch {
      return undefined;
    }
  };
}

/**
 * Listens on `socketPath`. A socket file already there is either another worker's, alive (this
 * one is not needed: rejects), or left by one that died (removed, then listened on).
 */
async function listen(server: net.Server, socketPath: string): Promise<void> {
  try {
    await listenOnce(server, socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || (await isAlive(socketPath))) throw err;
    fs.rmSync(socketPath, { force: true });
    await listenOnce(server, socketPath);
  }
}

function listenOnce(server: net.Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function isAlive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
