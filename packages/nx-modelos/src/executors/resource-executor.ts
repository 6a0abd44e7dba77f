import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { UserError } from '@modelos/versioning-core/errors';
import { batchedGitFacts, perCallGitFacts, type ClosureFactsSource } from '@modelos/versioning-core/git';
import { RegistrySession } from '@modelos/versioning-core/oci';
import { resolveResourceTarget, type ResourceTarget } from './resource-target';
import { bufferedOutput, consoleOutput, type TaskOutput } from './task-output';

/** Options every resource target takes. */
export interface ResourceTargetOptions {
  registry?: string;
  json?: boolean;
}

export interface ResourceTask<O> {
  options: O;
  target: ResourceTarget;
  context: ExecutorContext;
  out: TaskOutput;
  /** Git facts shared by every task of the run: hand it to core as `git`. */
  git: ClosureFactsSource;
  /** Registry auth shared by every task of the run: hand it to core as `session`. */
  session: RegistrySession;
}

export type ResourceTaskBody<O> = (task: ResourceTask<O>) => Promise<void>;

export interface TaskResult {
  success: boolean;
  terminalOutput: string;
}

/** Nx's batch implementation: every task of one target in one process, results as they finish. */
export type BatchExecutor<O> = (
  taskGraph: TaskGraph,
  inputs: Record<string, O>,
  overrides: O,
  context: ExecutorContext,
) => AsyncGenerator<{ task: string; result: TaskResult }>;

/**
 * Registry-bound tasks spend most of their time waiting on the network, so a batch runs a few
 * at once; more would only contend for the two cores hashing and compressing layers.
 */
const BATCH_CONCURRENCY = 4;

/** A target whose work is one piece for a whole set of resources (`resolve`: one set, one lock). */
export type SetTaskBody<O> = (task: ResourceTask<O> & { projects: string[] }) => Promise<void>;

/**
 * One task in this process, as Nx runs a task alone: with its own git facts and registry
 * session, or those its run shares in the task worker (`shared`). `out` is the terminal
 * (consoleOutput), or the task's own process when the task worker runs it (forwardedOutput).
 * Succeeds or fails the task; a bug propagates unless `out` keeps it.
 */
export function runOneTask<O extends ResourceTargetOptions>(
  body: ResourceTaskBody<O>,
  options: O,
  context: ExecutorContext,
  out: TaskOutput = consoleOutput(options.json === true),
  shared: SharedByTasks = { git: perCallGitFacts(context.root), session: new RegistrySession() },
): Promise<boolean> {
  return runTask(body, options, context, out, shared);
}

/** What tasks of one run share in a batch: git facts and registry auth. */
export type SharedByTasks = Pick<ResourceTask<unknown>, 'git' | 'session'>;

/**
 * What a batch of the tasks of `projects` shares (one git log, status and file listing for all
 * their closures, one registry session), for tasks handed over one by one (the task worker).
 */
export function sharedByTasks(projects: string[], registry: string | undefined, context: ExecutorContext): SharedByTasks {
  return sharedBy(context.root, projects.map((projectName) => ({ registry, context: { ...context, projectName } })));
}

/** One git facts source for the closures of all these targets, and one registry session. */
function sharedBy(root: string, targets: Array<{ registry: string | undefined; context: ExecutorContext }>): SharedByTasks {
  return { git: batchedGitFacts(root, announcedClosures(targets)), session: new RegistrySession() };
}

/**
 * The batch twin of a body (`batchImplementation`, with NX_BATCH_MODE=true): every task of the
 * run in one process, sharing module loading, git facts (one `git log` for all resources) and caches.
 */
export function batchOf<O extends ResourceTargetOptions>(body: ResourceTaskBody<O>): BatchExecutor<O> {
  return (taskGraph, inputs, _overrides, context) => runBatch(body, taskGraph, inputs, context);
}

/** The batch twin of a set target: `body` runs once with every task's project, and that one result is every task's result. */
export function setBatchOf<O extends ResourceTargetOptions>(body: SetTaskBody<O>): BatchExecutor<O> {
  return async function* (taskGraph, inputs, overrides, context) {
    const ids = Object.keys(inputs);
    const projects = ids.map((id) => taskGraph.tasks[id].target.project);
    const options = { ...inputs[ids[0]], ...overrides };
    const out = bufferedOutput(options.json === true);
    const success = await runTask((task) => body({ ...task, projects }), options, taskContext(context, taskGraph, ids[0]), out, {
      git: perCallGitFacts(context.root),
      session: new RegistrySession(),
    });
    const terminalOutput = out.text();
    for (const task of ids) yield { task, result: { success, terminalOutput } };
  };
}

async function* runBatch<O extends ResourceTargetOptions>(
  body: ResourceTaskBody<O>,
  taskGraph: TaskGraph,
  inputs: Record<string, O>,
  context: ExecutorContext,
): AsyncGenerator<{ task: string; result: TaskResult }> {
  const taskIds = Object.keys(inputs);
  const contexts = new Map(taskIds.map((id) => [id, taskContext(context, taskGraph, id)]));
  const shared = sharedBy(context.root, taskIds.map((id) => ({ registry: inputs[id].registry, context: contexts.get(id)! })));
  const run = async (id: string): Promise<TaskResult> => {
    const out = bufferedOutput(inputs[id].json === true);
    const success = await runTask(body, inputs[id], contexts.get(id)!, out, shared);
    return { success, terminalOutput: out.text() };
  };
  yield* runInDependencyOrder(taskIds, taskGraph, run);
}

/**
 * A UserError is the user's to fix: one line, no stack, failed task. Anything else is a bug:
 * alone it propagates with its stack to Nx; in a batch it fails only its own task, stack kept.
 */
async function runTask<O>(
  body: ResourceTaskBody<O>,
  options: O,
  context: ExecutorContext,
  out: TaskOutput,
  shared: Pick<ResourceTask<O>, 'git' | 'session'>,
): Promise<boolean> {
  try {
    const target = resolveResourceTarget((options as ResourceTargetOptions).registry, context);
    await body({ options, target, context, out, ...shared });
    return true;
  } catch (err) {
    if (err instanceof UserError) out.error(err.message);
    else if (out.keepsBugs) out.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    else throw err;
    return false;
  }
}

/** The context Nx would have handed this task had it run alone. */
function taskContext(context: ExecutorContext, taskGraph: TaskGraph, id: string): ExecutorContext {
  const { project, target, configuration } = taskGraph.tasks[id].target;
  return { ...context, projectName: project, targetName: target, configurationName: configuration };
}

/** Closures of every task whose target resolves; a task that cannot resolve fails when it runs. */
function announcedClosures(targets: Array<{ registry: string | undefined; context: ExecutorContext }>): Array<{ name: string; paths: string[] }> {
  const closures = new Map<string, string[]>();
  for (const { registry, context } of targets) {
    try {
      const { resource, closure } = resolveResourceTarget(registry, context);
      closures.set(resource.name, closure.map((p) => p.root));
    } catch {
      // Reported by the task itself.
    }
  }
  return [...closures].map(([name, paths]) => ({ name, paths }));
}

/**
 * Runs tasks at most BATCH_CONCURRENCY at a time, each after the tasks it depends on within the
 * batch, and yields each result as soon as it is known. A task whose dependency failed still
 * runs: Nx only batches tasks whose dependencies it already scheduled, and reports them itself.
 */
async function* runInDependencyOrder(
  ids: string[],
  taskGraph: TaskGraph,
  run: (id: string) => Promise<TaskResult>,
): AsyncGenerator<{ task: string; result: TaskResult }> {
  const inBatch = new Set(ids);
  const pendingDeps = new Map(ids.map((id) => [id, new Set((taskGraph.dependencies[id] ?? []).filter((d) => inBatch.has(d)))]));
  const running = new Map<string, Promise<{ task: string; result: TaskResult }>>();
  const done = new Set<string>();
  while (done.size < ids.length) {
    for (const id of ids) {
      if (running.size >= BATCH_CONCURRENCY) break;
      if (done.has(id) || running.has(id) || pendingDeps.get(id)!.size > 0) continue;
      running.set(id, run(id).then((result) => ({ task: id, result })));
    }
    const finished = await Promise.race(running.values());
    running.delete(finished.task);
    done.add(finished.task);
    for (const deps of pendingDeps.values()) deps.delete(finished.task);
    yield finished;
  }
}
