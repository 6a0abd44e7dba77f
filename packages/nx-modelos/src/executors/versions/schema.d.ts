export interface VersionsExecutorOptions {
  /** Only versions whose interface is compatible with the workspace's. */
  compatible?: boolean;
  /** A column per metric, and metrics in the JSON rows. */
  metrics?: boolean;
  json?: boolean;
  /** Registry reference; beats MODELOS_REGISTRY and the plugin option. */
  registry?: string;
}
