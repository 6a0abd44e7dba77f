export interface ResourceGeneratorSchema {
  /** Resource (and project) name; the class name derives from it (ham → Ham). */
  name: string;
  /** Project root; defaults to `<libsDir>/<name>`. */
  directory?: string;
  skipFormat?: boolean;
}
