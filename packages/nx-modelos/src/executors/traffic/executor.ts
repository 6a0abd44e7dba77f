import { resourceExecutor } from '../executor-entries';
import type { TrafficExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<TrafficExecutorOptions>('traffic');
export default executor;
