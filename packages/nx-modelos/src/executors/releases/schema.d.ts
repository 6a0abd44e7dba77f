export interface ReleasesExecutorOptions {
  registry?: string;
  json?: boolean;
}
