import type { EnvironmentChangeOptions } from '../environment-change';

export interface TrafficExecutorOptions extends EnvironmentChangeOptions {
  weights?: string;
  status?: boolean;
  endpoint?: string;
}
