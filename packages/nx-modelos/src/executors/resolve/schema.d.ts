export interface ResolveExecutorOptions {
  /** Re-resolve even when the lock still meets every requirement. */
  update?: boolean;
  json?: boolean;
  /** Registry reference; beats MODELOS_REGISTRY and the plugin option. */
  registry?: string;
}
