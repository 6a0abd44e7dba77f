export interface InitGeneratorSchema {
  /** Registry reference stored as the plugin's `registry` option. */
  registry?: string;
  /** Branch whose releases are plain `v<version>`; default: nx.json `defaultBase`, else `main`. */
  mainBranch?: string;
  /** npm scope of the client and server packages (`ml-project` or `@ml-project`). */
  npmScope?: string;
  skipFormat?: boolean;
}
