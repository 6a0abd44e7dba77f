import { resourceExecutor } from '../executor-entries';
import type { CompareExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<CompareExecutorOptions>('compare');
export default executor;
