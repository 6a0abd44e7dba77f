import { packDir } from '@modelos/versioning-core/pack-document';
import type { ResourceTask } from './resource-executor';

/**
 * What core's store and release take from a task besides their own options: the resource's
 * target, the run's shared git facts and registry session, transfer progress, and the
 * directory `pack` built the resource's layers in.
 */
export function pushInput<O>({ target, git, session, out }: ResourceTask<O>) {
  return { ...target, git, session, progress: out.meter, packDir: packDir(target.workspaceRoot, target.resource.name) };
}
