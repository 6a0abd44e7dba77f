import { resourceExecutor } from '../executor-entries';
import type { ReleasesExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<ReleasesExecutorOptions>('releases');
export default executor;
