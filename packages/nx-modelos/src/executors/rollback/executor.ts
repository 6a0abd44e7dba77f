import { resourceExecutor } from '../executor-entries';
import type { RollbackExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<RollbackExecutorOptions>('rollback');
export default executor;
