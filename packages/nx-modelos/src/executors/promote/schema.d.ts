import type { EnvironmentChangeOptions } from '../environment-change';

export interface PromoteExecutorOptions extends EnvironmentChangeOptions {
  version?: string;
}
