export interface CleanExecutorOptions {
  registry?: string;
  dryRun?: boolean;
  json?: boolean;
}
