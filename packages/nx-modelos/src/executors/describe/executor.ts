import { resourceExecutor } from '../executor-entries';
import type { DescribeExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<DescribeExecutorOptions>('describe');
export default executor;
