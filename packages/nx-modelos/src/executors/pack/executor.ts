import { resourceExecutor } from '../executor-entries';
import type { PackExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<PackExecutorOptions>('pack');
export default executor;
