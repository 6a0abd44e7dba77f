import { storeResource } from '@modelos/versioning-core/store';
import { packDir } from '@modelos/versioning-core/pack-document';
import type { ResourceTaskBody } from '../resource-executor';
import { formatStoreSummary } from './format-store-summary';
import type { StoreExecutorOptions } from './schema';

export const storeTask: ResourceTaskBody<StoreExecutorOptions> = async ({ options, target, out, git, session }) => {
  const result = await storeResource({
    ...target,
    branch: options.branch,
    branchOnly: options.branchOnly,
    dryRun: options.dryRun,
    log: out.progress,
    git,
    session,
    progress: out.meter,
    packDir: packDir(target.workspaceRoot, target.resource.name),
  });
  if (options.json) out.json(result);
  else out.info(formatStoreSummary(result));
};
