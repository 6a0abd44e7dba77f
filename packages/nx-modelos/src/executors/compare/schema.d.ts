export interface CompareExecutorOptions {
  /** A tag of the resource; default latest. */
  from?: string;
  /** A tag of the resource; default the working tree, computed locally (nothing is pushed). */
  to?: string;
  json?: boolean;
  /** Registry reference; beats MODELOS_REGISTRY and the plugin option. */
  registry?: string;
}
