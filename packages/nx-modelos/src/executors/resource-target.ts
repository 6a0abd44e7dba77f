import type { ExecutorContext } from '@nx/devkit';
import type { ProjectRef } from '@modelos/versioning-core';
import { UserError } from '@modelos/versioning-core/errors';
import { resolveRegistry, type RegistryReference } from '@modelos/versioning-core/oci';
import { readPluginOptions } from '../plugin-options';
import { resourceClosure } from './resource-closure';

/** What every registry executor hands to the core: the resource, its closure and where it lives. */
export interface ResourceTarget {
  workspaceRoot: string;
  resource: ProjectRef;
  closure: ProjectRef[];
  registry: RegistryReference;
}

/** `registryOption` is the target's `--registry`; it beats MODELOS_REGISTRY and the plugin option. */
export function resolveResourceTarget(registryOption: string | undefined, context: ExecutorContext): ResourceTarget {
  const name = context.projectName;
  const node = name ? context.projectGraph.nodes[name] : undefined;
  if (!name || !node) throw new UserError('no project to run on: run this target through a project, e.g. nx run ham:store');
  const pluginOptions = readPluginOptions(context.nxJsonConfiguration);
  return {
    workspaceRoot: context.root,
    resource: { name, root: node.data.root },
    closure: resourceClosure(context.projectGraph, name),
    registry: resolveRegistry({
      option: registryOption,
      env: process.env,
      pluginOption: pluginOptions.registry,
      workspaceRoot: context.root,
      insecure: pluginOptions.insecure === true,
    }),
  };
}
