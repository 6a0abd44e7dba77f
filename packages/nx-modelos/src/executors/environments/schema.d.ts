import type { ResourceTargetOptions } from '../resource-executor';

export interface EnvironmentsExecutorOptions extends ResourceTargetOptions {
  env?: string;
}
