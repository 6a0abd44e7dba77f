import type { ExecutorContext, PromiseExecutor, TaskGraph } from '@nx/devkit';
// Nx's own logger module rather than @nx/devkit's index, which loads generator utilities.
import { logger } from 'nx/src/utils/logger';
import { UserError } from '@modelos/versioning-core/errors';
import { batchedGitFacts, perCallGitFacts, type ClosureFactsSource } from '@modelos/versioning-core/git';
import { RegistrySession } from '@modelos/versioning-core/oci';
import { progressMeter, wantsProgress, type ProgressMeter } from '@modelos/versioning-core/transfer-progress';
import { printJson } from './print-json';
import { resolveResourceTarget, type ResourceTarget } from './resource-target';

/** What a target prints: lines for people, the `--json` document, and core progress lines. */
export interface TaskOutput {
  info(text: string): void;
  warn(text: string): void;
  /** The one `--json` document of the task. */
  json(document: unknown): void;
  /** Core progress lines: kept off stdout in `--json` mode, which holds only the document. */
  progress(line: string): void;
  error(text: string): void;
  /** Redrawn transfer progress (bytes, rate) for core: only a task run alone on a TTY, outside CI, without --json. */
  readonly meter?: ProgressMeter;
  /** Batch output records unexpected errors instead of letting them end the whole batch. */
  readonly keepsBugs?: boolean;
}

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

/**
 * One body, two entry points: the executor Nx runs per task (a process each), and its batch twin
 * (`batchImplementation`, with NX_BATCH_MODE=true) that runs every task of the run in one
 * process, sharing module loading, git facts (one `git log` for all resources) and caches.
 */
export function defineResourceExecutor<O extends ResourceTargetOptions>(
  body: ResourceTaskBody<O>,
): { executor: PromiseExecutor<O>; batch: BatchExecutor<O> } {
  const executor: PromiseExecutor<O> = async (options, context) => {
    const out = consoleOutput(options.json === true);
    const ok = await runTask(body, options, context, out, { git: perCallGitFacts(context.root), session: new RegistrySession() });
    return { success: ok };
  };
  const batch: BatchExecutor<O> = (taskGraph, inputs, _overrides, context) => runBatch(body, taskGraph, inputs, context);
  return { executor, batch };
}

/**
 * A target whose work is one piece for a whole set of resources (`resolve`: one set, one lock):
 * alone it runs `body` with its own project; its batch twin runs `body` once with every task's
 * project, and that one result is every task's result.
 */
export function defineSetExecutor<O extends ResourceTargetOptions>(
  body: (task: ResourceTask<O> & { projects: string[] }) => Promise<void>,
): { executor: PromiseExecutor<O>; batch: BatchExecutor<O> } {
  const executor: PromiseExecutor<O> = async (options, context) => {
    const out = consoleOutput(options.json === true);
    const ok = await runTask((task) => body({ ...task, projects: [task.target.resource.name] }), options, context, out, {
      git: perCallGitFacts(context.root),
      session: new RegistrySession(),
    });
    return { success: ok };
  };
  async function* batch(taskGraph: TaskGraph, inputs: Record<string, O>, overrides: O, context: ExecutorContext) {
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
  }
  return { executor, batch };
}

async function* runBatch<O extends ResourceTargetOptions>(
  body: ResourceTaskBody<O>,
  taskGraph: TaskGraph,
  inputs: Record<string, O>,
  context: ExecutorContext,
): AsyncGenerator<{ task: string; result: TaskResult }> {
  const taskIds = Object.keys(inputs);
  const contexts = new Map(taskIds.map((id) => [id, taskContext(context, taskGraph, id)]));
  const shared = { git: batchedGitFacts(context.root, announcedClosures(taskIds, inputs, contexts)), session: new RegistrySession() };
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
function announcedClosures<O extends ResourceTargetOptions>(
  ids: string[],
  inputs: Record<string, O>,
  contexts: Map<string, ExecutorContext>,
): Array<{ name: string; paths: string[] }> {
  const closures = new Map<string, string[]>();
  for (const id of ids) {
    try {
      const { resource, closure } = resolveResourceTarget(inputs[id].registry, contexts.get(id)!);
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

/** Lines kept off stdout in `--json` mode, which holds only the document. */
const toStderr = (line: string) => process.stderr.write(`${line}\n`);

/** A task run alone writes straight to the terminal, as Nx's own executors do. */
function consoleOutput(json: boolean): TaskOutput {
  return {
    info: (text) => logger.info(text),
    warn: (text) => logger.warn(text),
    json: printJson,
    progress: json ? toStderr : (line) => logger.info(line),
    error: (text) => logger.error(text),
    meter: wantsProgress({ json }) ? progressMeter(process.stderr) : undefined,
  };
}

/**
 * In a batch every task's output is collected and handed to Nx as its terminal output, so that
 * tasks running side by side do not interleave their lines. In `--json` mode that output is the
 * document alone, as stdout would be, and the rest goes to stderr. No redrawn progress: the
 * lines of tasks side by side would overwrite each other.
 */
function bufferedOutput(json: boolean): TaskOutput & { text(): string } {
  const lines: string[] = [];
  const keep = (text: string) => void lines.push(text);
  const aside = json ? toStderr : keep;
  return {
    info: aside,
    warn: aside,
    json: (document) => void lines.push(JSON.stringify(document, null, 2)),
    progress: aside,
    error: keep,
    keepsBugs: true,
    text: () => (lines.length ? `${lines.join('\n')}\n` : ''),
  };
}
