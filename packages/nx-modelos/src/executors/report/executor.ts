import { resourceExecutor } from '../executor-entries';
import type { ReportExecutorOptions } from './schema';

export const { executor, batch } = resourceExecutor<ReportExecutorOptions>('report');
export default executor;
