import { resourceExecutor } from '../executor-entries';
import type { PromoteExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<PromoteExecutorOptions>('promote');
export default executor;
