/**
 * Everything the report page shows, as plain data: gathered from the registry by
 * `collectReportModel`, rendered by `renderReport`. Kept apart so that rendering is a pure
 * function of this model (same model, same bytes).
 */
export interface ReportModel {
  resource: string;
  repository: string;
  /** Releases in semver order (oldest first), then the newest adhoc and branch versions by time. */
  versions: ReportVersion[];
  environments: ReportEnvironment[];
  /** Interface differences worded as `release` words them, between consecutive releases whose interfaces differ. */
  interfaceChanges: ReportInterfaceChange[];
}

export interface ReportFile {
  path: string;
  size: number;
  sha256: string;
}

export interface ReportVersion {
  tag: string;
  /** `release`, `branch-release`, `prerelease`, `adhoc`, `branch`. */
  kind: string;
  /** Semver without the `v`, for releases; null for adhoc and branch versions. */
  version: string | null;
  digest: string;
  created: string | null;
  author: string | null;
  /** Config plus layers, bytes. */
  size: number | null;
  clientHash: string | null;
  metrics: Record<string, number>;
  labels: Record<string, string>;
  /** Environments that send this version traffic now (`production`, or `production 10%` in a split). */
  environments: string[];
  /** Per closure project, its files (path, size, sha256); empty when the version predates file lists. */
  files: Record<string, ReportFile[]>;
}

export interface ReportEnvironmentEntry {
  time: string;
  who: string;
  reason: string;
  /** Release tag (`v1.0.0`) → proportional weight. */
  weights: Record<string, number>;
  replicas: number;
}

export interface ReportEnvironment {
  name: string;
  current: ReportEnvironmentEntry;
  /** Oldest first; the last entry is `current`. */
  history: ReportEnvironmentEntry[];
}

export interface ReportInterfaceChange {
  /** Tags of the two versions, in release order. */
  from: string;
  to: string;
  bump: 'major' | 'minor' | 'none';
  /** In release's words: "interface changed incompatibly since v1.1.0: removed method slice". */
  reason: string;
}
