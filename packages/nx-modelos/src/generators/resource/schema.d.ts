import type { UnitTestRunner } from './workspace-conventions';

export interface ResourceGeneratorSchema {
  /** Resource (and project) name of a new resource; the class name derives from it (ham → Ham). */
  name?: string;
  /** Project root of a new resource; defaults to `<libsDir>/<name>`. */
  directory?: string;
  /** Comma-separated project tags. */
  tags?: string;
  /** Default: the runner the workspace uses, else jest. */
  unitTestRunner?: UnitTestRunner;
  /** Default: the workspace's linter, else none. */
  linter?: 'eslint' | 'oxlint' | 'none';
  /** Scaffold `metrics.json` and point `metricsFile` at it. */
  metrics?: boolean;
  /** Convert this existing project into a resource instead of creating one. */
  project?: string;
  /** With --project: the exported class that is the resource. */
  class?: string;
  /** With --project: the file exporting the class, relative to the project root. */
  entry?: string;
  skipPackageJson?: boolean;
  skipFormat?: boolean;
}
