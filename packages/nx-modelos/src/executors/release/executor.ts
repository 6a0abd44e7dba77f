import { resourceExecutor } from '../executor-entries';
import type { ReleaseExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<ReleaseExecutorOptions>('release');
export default executor;
