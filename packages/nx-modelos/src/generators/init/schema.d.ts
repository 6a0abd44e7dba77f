export interface InitGeneratorSchema {
  /** Registry reference stored as the plugin's `registry` option. */
  registry?: string;
  skipFormat?: boolean;
}
