export interface StoreExecutorOptions {
  /** Also push the branch tag `<branch>-<dirty7>-<client7>`. */
  branch?: boolean;
  /** Push only the branch tag, not the adhoc one. */
  branchOnly?: boolean;
  /** Registry reference; beats MODELOS_REGISTRY and the plugin option. */
  registry?: string;
  dryRun?: boolean;
  json?: boolean;
}
