import { storeResource } from '@modelos/versioning-core/store';
import { pushInput } from '../push-input';
import type { ResourceTaskBody } from '../resource-executor';
import { formatStoreSummary } from './format-store-summary';
import type { StoreExecutorOptions } from './schema';

export const storeTask: ResourceTaskBody<StoreExecutorOptions> = async (task) => {
  const { options, out } = task;
  const result = await storeResource({
    ...pushInput(task),
    branch: options.branch,
    branchOnly: options.branchOnly,
    dryRun: options.dryRun,
    log: out.progress,
  });
  out.result(result, () => formatStoreSummary(result));
};
