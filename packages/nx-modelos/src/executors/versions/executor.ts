import { resourceExecutor } from '../executor-entries';
import type { VersionsExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<VersionsExecutorOptions>('versions');
export default executor;
