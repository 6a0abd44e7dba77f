import * as fs from 'node:fs';
import * as path from 'node:path';
import { logger, type ExecutorContext, type PromiseExecutor, type TaskGraph } from '@nx/devkit';
import { formatResolveSummary, resolveWorkspace, RESOURCE_FILE, type ProjectRef } from '@modelos/versioning-core';
import { logToStderr, printJson } from '../print-json';
import { reportUserErrors } from '../report-user-errors';
import { workspaceRegistry } from '../resource-target';
import type { ResolveExecutorOptions } from './schema';

/**
 * `resolve` of a set of resources, as one set into one lock: the per-task executor resolves its
 * project (with the roots already in the lock), the batch twin every project of the batch at once.
 */
async function resolveProjects(projects: string[], options: ResolveExecutorOptions, context: ExecutorContext): Promise<void> {
  const workspace = workspaceResources(context);
  const result = await resolveWorkspace({
    workspaceRoot: context.root,
    resources: workspace.filter((p) => projects.includes(p.name)),
    workspace,
    registry: workspaceRegistry(options.registry, context),
    update: options.update,
    log: options.json ? logToStderr : (line) => logger.info(line),
  });
  if (options.json) printJson(result);
  else logger.info(formatResolveSummary(result));
}

/** Every project of the graph whose root holds resource.json. */
function workspaceResources(context: ExecutorContext): ProjectRef[] {
  return Object.values(context.projectGraph.nodes)
    .filter((node) => fs.existsSync(path.join(context.root, node.data.root, RESOURCE_FILE)))
    .map((node) => ({ name: node.name, root: node.data.root }));
}

export const executor: PromiseExecutor<ResolveExecutorOptions> = (options, context) =>
  reportUserErrors(() => resolveProjects(context.projectName ? [context.projectName] : [], options, context));

/** `nx run-many -t resolve` in batch mode: one resolve of the whole set, one result for every task. */
export async function batch(
  taskGraph: TaskGraph,
  inputs: Record<string, ResolveExecutorOptions>,
  overrides: ResolveExecutorOptions,
  context: ExecutorContext,
): Promise<Record<string, { success: boolean; terminalOutput: string }>> {
  const ids = Object.keys(taskGraph.tasks);
  const options = { ...inputs[ids[0]], ...overrides };
  const { success } = await reportUserErrors(() => resolveProjects(ids.map((id) => taskGraph.tasks[id].target.project), options, context));
  const terminalOutput = success ? 'resolved with the batch' : 'the batch resolve failed (see above)';
  return Object.fromEntries(ids.map((id) => [id, { success, terminalOutput }]));
}

export default executor;
