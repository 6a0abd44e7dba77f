import type { EnvironmentChangeOptions } from '../environment-change';

export interface RollbackExecutorOptions extends EnvironmentChangeOptions {
  to?: string;
}
