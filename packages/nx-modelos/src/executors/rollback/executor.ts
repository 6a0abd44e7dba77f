import { rollback } from '@modelos/versioning-core/environments';
import { environmentChangeInput, reportChange } from '../environment-change';
import { defineResourceExecutor } from '../resource-executor';
import type { RollbackExecutorOptions } from './schema';

export const { executor, batch } = defineResourceExecutor<RollbackExecutorOptions>(async ({ options, target, out }) => {
  reportChange(options, out, await rollback({ ...environmentChangeInput(options, target), to: options.to }));
});

export default executor;
