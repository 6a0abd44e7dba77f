import { resourceExecutor } from '../executor-entries';
import type { EnvironmentsExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<EnvironmentsExecutorOptions>('environments');
export default executor;
