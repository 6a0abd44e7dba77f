import { resourceExecutor } from '../executor-entries';
import type { CleanExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<CleanExecutorOptions>('clean');
export default executor;
