import { rollback } from '@modelos/versioning-core/environments';
import { environmentChangeInput, reportChange } from '../environment-change';
import type { ResourceTaskBody } from '../resource-executor';
import type { RollbackExecutorOptions } from './schema';

export const rollbackTask: ResourceTaskBody<RollbackExecutorOptions> = async ({ options, target, out }) => {
  reportChange(out, await rollback({ ...environmentChangeInput(options, target), to: options.to }));
};
