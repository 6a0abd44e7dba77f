import type { ResourceTargetOptions } from '../resource-executor';

export interface ReportExecutorOptions extends ResourceTargetOptions {
  /** Relative to the workspace root; default dist/modelos. */
  outputPath?: string;
}
