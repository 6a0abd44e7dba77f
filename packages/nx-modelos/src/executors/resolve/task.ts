import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { ProjectRef } from '@modelos/versioning-core';
import { formatResolveSummary, resolveWorkspace } from '@modelos/versioning-core/requirements';
import { RESOURCE_FILE } from '@modelos/versioning-core/resource';
import type { SetTaskBody } from '../resource-executor';
import type { ResolveExecutorOptions } from './schema';

/**
 * `resolve` of a set of resources, as one set into one lock: alone, its project (with the roots
 * already in the lock); in a batch (`run-many -t resolve`), every project of the batch at once.
 */
export const resolveSet: SetTaskBody<ResolveExecutorOptions> = async ({ options, target, context, out, projects }) => {
  const workspace = workspaceResources(context);
  const result = await resolveWorkspace({
    workspaceRoot: target.workspaceRoot,
    resources: workspace.filter((p) => projects.includes(p.name)),
    workspace,
    registry: target.registry,
    update: options.update,
    log: out.progress,
  });
  out.result(result, () => formatResolveSummary(result));
};

/** Every project of the graph whose root holds resource.json. */
function workspaceResources(context: ExecutorContext): ProjectRef[] {
  return Object.values(context.projectGraph.nodes)
    .filter((node) => fs.existsSync(path.join(context.root, node.data.root, RESOURCE_FILE)))
    .map((node) => ({ name: node.name, root: node.data.root }));
}
