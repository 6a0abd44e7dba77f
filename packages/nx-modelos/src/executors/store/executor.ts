import { resourceExecutor } from '../executor-entries';
import type { StoreExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<StoreExecutorOptions>('store');
export default executor;
