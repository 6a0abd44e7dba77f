import { formatChangeResult, type EnvironmentChangeInput, type EnvironmentChangeResult } from '@modelos/versioning-core/environments';
import { UserError } from '@modelos/versioning-core/errors';
import { openRepository } from '@modelos/versioning-core/oci';
import type { ResourceTargetOptions } from './resource-executor';
import type { TaskOutput } from './task-output';
import type { ResourceTarget } from './resource-target';

/** Options of every target that changes an environment. */
export interface EnvironmentChangeOptions extends ResourceTargetOptions {
  env?: string;
  reason?: string;
  replicas?: number;
  gitTag?: boolean;
}

/** What core needs for a promote, rollback or traffic of this target's resource. */
export function environmentChangeInput(options: EnvironmentChangeOptions, target: ResourceTarget): EnvironmentChangeInput {
  if (!options.env) throw new UserError(`--env is required: the environment to change, e.g. --env production`);
  return {
    repo: openRepository(target.registry, target.resource.name),
    resource: target.resource.name,
    environment: options.env,
    reason: options.reason,
    replicas: options.replicas,
    workspaceRoot: target.workspaceRoot,
    gitTag: options.gitTag,
  };
}

export function reportChange(out: TaskOutput, result: EnvironmentChangeResult): void {
  out.result(result, () => formatChangeResult(result));
}
