import type { ExecutorContext, Task, TaskGraph } from '@nx/devkit';
import type { BatchExecutor, TaskResult } from '../executors/resource-executor';

/** A task graph of one target over several projects, as Nx hands it to a batch implementation. */
export function taskGraphOf(target: string, projects: string[], dependencies: Record<string, string[]> = {}): TaskGraph {
  const id = (project: string) => `${project}:${target}`;
  const task = (project: string): Task => ({ id: id(project), target: { project, target }, overrides: {}, outputs: [], cache: false, parallelism: true });
  return {
    roots: projects.filter((p) => !dependencies[p]?.length).map(id),
    tasks: Object.fromEntries(projects.map((project) => [id(project), task(project)])),
    dependencies: Object.fromEntries(projects.map((p) => [id(p), (dependencies[p] ?? []).map(id)])),
    continuousDependencies: {},
  };
}

/** Runs a batch implementation to the end; results in the order the tasks finished. */
export async function runBatch<O>(
  batch: BatchExecutor<O>,
  graph: TaskGraph,
  inputs: Record<string, O>,
  context: ExecutorContext,
): Promise<Array<{ task: string; result: TaskResult }>> {
  const results: Array<{ task: string; result: TaskResult }> = [];
  for await (const result of batch(graph, inputs, {} as O, context)) results.push(result);
  return results;
}
