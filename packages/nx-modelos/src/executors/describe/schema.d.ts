export interface DescribeExecutorOptions {
  /** Any tag of the resource (v1.1.0, 1.1.0, latest, an adhoc tag, env-production); default latest. */
  version?: string;
  json?: boolean;
  /** Registry reference; beats MODELOS_REGISTRY and the plugin option. */
  registry?: string;
}
