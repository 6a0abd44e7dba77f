export interface PackExecutorOptions {
  json?: boolean;
}
