import { setExecutor } from '../executor-entries';
import type { ResolveExecutorOptions } from './schema';

export const { executor, batch } = setExecutor<ResolveExecutorOptions>('resolve', () => import('./task').then((m) => m.resolveSet));
export default executor;
