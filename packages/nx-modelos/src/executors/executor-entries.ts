import type { ExecutorContext, PromiseExecutor, TaskGraph } from '@nx/devkit';
import type { BatchExecutor, ResourceTargetOptions, SetTaskBody } from './resource-executor';
import { loadTaskBody, type TaskName } from './task-bodies';
import { runInTaskWorker } from './task-worker/client';

/**
 * The two entry points Nx knows for target `name`: the executor it runs per task (a process
 * each) and its batch twin (`batchImplementation`, NX_BATCH_MODE=true). Both run the same body.
 * This module loads no body and no engine: per task, the body runs in the task worker when
 * one is up (see task-worker/client.ts), and is loaded here only when it is not.
 */
export function resourceExecutor<O extends ResourceTargetOptions>(name: TaskName): { executor: PromiseExecutor<O>; batch: BatchExecutor<O> } {
  async function* batch(taskGraph: TaskGraph, inputs: Record<string, O>, overrides: O, context: ExecutorContext) {
    const [{ batchOf }, body] = await Promise.all([import('./resource-executor'), loadTaskBody<O>(name)]);
    yield* batchOf(body)(taskGraph, inputs, overrides, context);
  }
  return { executor: perTaskExecutor<O>(name), batch };
}

/**
 * A target whose work is one piece for a whole set of resources (`resolve`): alone it runs its
 * body with its own project; its batch twin runs the body once with every task's project.
 */
export function setExecutor<O extends ResourceTargetOptions>(
  name: TaskName,
  loadSet: () => Promise<SetTaskBody<O>>,
): { executor: PromiseExecutor<O>; batch: BatchExecutor<O> } {
  async function* batch(taskGraph: TaskGraph, inputs: Record<string, O>, overrides: O, context: ExecutorContext) {
    const [{ setBatchOf }, body] = await Promise.all([import('./resource-executor'), loadSet()]);
    yield* setBatchOf(body)(taskGraph, inputs, overrides, context);
  }
  return { executor: perTaskExecutor<O>(name), batch };
}

function perTaskExecutor<O extends ResourceTargetOptions>(name: TaskName): PromiseExecutor<O> {
  return async (options, context) => {
    const byWorker = await runInTaskWorker(name, options, context);
    if (byWorker) return byWorker;
    const [{ runOneTask }, body] = await Promise.all([import('./resource-executor'), loadTaskBody<O>(name)]);
    return { success: await runOneTask(body, options, context) };
  };
}
