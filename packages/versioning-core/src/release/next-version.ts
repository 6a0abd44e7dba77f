import { parseVersion, versionTag, type Version } from '../tags';

export type Bump = 'major' | 'minor' | 'patch' | 'initial';

/** What the previous release was made from, and what the closure holds now. */
export interface ContentState {
  clientHash: string | null;
  closureCommit: string | null;
  dirtyHash: string | null;
}

export interface BumpOptions {
  forceMajor?: boolean;
  patch?: boolean;
  /** First version when there is no previous release; default 1.0.0. */
  initialVersion?: string;
}

export type NextVersion =
  | { unchanged: false; version: Version; bump: Bump; reason: string }
  | { unchanged: true; since: Version };

/** SPEC §7.2: major for a changed interface (or --forceMajor), else minor, or patch with --patch. */
export function nextVersion(
  previous: { version: Version; state: ContentState } | null,
  current: ContentState,
  options: BumpOptions,
): NextVersion {
  if (!previous) {
    const version = parseVersion(options.initialVersion ?? '1.0.0');
    return { unchanged: false, version, bump: 'initial', reason: 'first release' };
  }
  const since = previous.version;
  if (sameContent(previous.state, current)) return { unchanged: true, since };
  const { major, minor, patch } = since;
  if (options.forceMajor) return bumped({ major: major + 1, minor: 0, patch: 0 }, 'major', '--forceMajor');
  if (previous.state.clientHash !== current.clientHash) {
    const from = previous.state.clientHash?.slice(0, 7) ?? 'unknown';
    return bumped({ major: major + 1, minor: 0, patch: 0 }, 'major', `interface changed since ${versionTag(since)} (client hash ${from} → ${current.clientHash?.slice(0, 7)})`);
  }
  if (options.patch) return bumped({ major, minor, patch: patch + 1 }, 'patch', `closure changed since ${versionTag(since)}, --patch`);
  return bumped({ major, minor: minor + 1, patch: 0 }, 'minor', `closure changed since ${versionTag(since)} (server logic or model files)`);
}

function bumped(parts: Omit<Version, 'prerelease'>, bump: Bump, reason: string): NextVersion {
  return { unchanged: false, version: { ...parts, prerelease: [] }, bump, reason };
}

/** The same committed closure and interface: a release would carry nothing new. */
export function sameContent(a: ContentState, b: ContentState): boolean {
  return a.dirtyHash === b.dirtyHash && a.closureCommit === b.closureCommit && a.clientHash === b.clientHash;
}
