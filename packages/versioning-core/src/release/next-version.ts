import type { InterfaceBump, InterfaceDiff } from '../interface';
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

/** The previous release: its version, what it was made from, and how its interface relates to the current one. */
export interface PreviousContent {
  version: Version;
  state: ContentState;
  /**
   * From the previous release's interface to the current one; null when that release records no
   * interface to compare with. Not consulted when the client hashes match, nor with --forceMajor.
   */
  interfaceDiff: InterfaceDiff | null;
}

export type NextVersion =
  | { unchanged: false; version: Version; bump: Bump; reason: string }
  | { unchanged: true; since: Version };

/**
 * SPEC §7.2: major when the interface diff says callers break (or --forceMajor), minor when the
 * interface only grew or anything else in the closure changed, patch instead of that minor with
 * --patch — except for a grown interface: callers who use what was added need a version that
 * says so, so it stays minor. A release that records no interface cannot be compared with: any
 * interface change since then counts as breaking.
 */
export function nextVersion(previous: PreviousContent | null, current: ContentState, options: BumpOptions): NextVersion {
  if (!previous) {
    const version = parseVersion(options.initialVersion ?? '1.0.0');
    return { unchanged: false, version, bump: 'initial', reason: 'first release' };
  }
  const since = previous.version;
  const change = changeSince(versionTag(since), previous, current, options);
  if (!change) return { unchanged: true, since };
  const { major, minor, patch } = since;
  const version =
    change.bump === 'major' ? { major: major + 1, minor: 0, patch: 0 } : change.bump === 'minor' ? { major, minor: minor + 1, patch: 0 } : { major, minor, patch: patch + 1 };
  return { unchanged: false, version: { ...version, prerelease: [] }, bump: change.bump, reason: change.reason };
}

export interface ContentChange {
  bump: 'major' | 'minor' | 'patch';
  reason: string;
}

/**
 * The bump SPEC §7.2 asks for from `previous` (called `since` in the reason) to `current`, and
 * why, in the words release prints; null when the content is the same. `compare` words its
 * interface difference with it too.
 */
export function changeSince(
  since: string,
  previous: Pick<PreviousContent, 'state' | 'interfaceDiff'>,
  current: ContentState,
  options: Pick<BumpOptions, 'forceMajor' | 'patch'> = {},
): ContentChange | null {
  if (sameContent(previous.state, current)) return null;
  if (options.forceMajor) return { bump: 'major', reason: '--forceMajor' };
  let closureReason = `closure changed since ${since} (server logic or model files)`;
  if (previous.state.clientHash !== current.clientHash) {
    const diff = previous.interfaceDiff;
    if (!diff) {
      const from = previous.state.clientHash?.slice(0, 7) ?? 'unknown';
      return {
        bump: 'major',
        reason: `interface changed since ${since} (client hash ${from} → ${current.clientHash?.slice(0, 7)}), and ${since} records no interface to compare with, so the change counts as incompatible`,
      };
    }
    if (diff.bump === 'major') return { bump: 'major', reason: `interface changed incompatibly since ${since}: ${details(diff, 'major')}` };
    if (diff.bump === 'minor') {
      return {
        bump: 'minor',
        reason: `interface grew since ${since}: ${details(diff, 'minor')}${options.patch ? ' (a grown interface is a minor release, even with --patch)' : ''}`,
      };
    }
    if (diff.changes.length) closureReason = `interface changed without affecting callers since ${since}: ${details(diff, 'none')}`;
  }
  return options.patch ? { bump: 'patch', reason: `${closureReason}, --patch` } : { bump: 'minor', reason: closureReason };
}

/** The changes that decided the bump, a few by name: enough to see why without flooding a log line. */
function details(diff: InterfaceDiff, bump: InterfaceBump): string {
  const shown = 3;
  const listed = diff.changes.filter((change) => change.bump === bump).map((change) => change.detail);
  const more = listed.length > shown ? `; and ${listed.length - shown} more` : '';
  return listed.slice(0, shown).join('; ') + more;
}

/** The same committed closure and interface: a release would carry nothing new. */
export function sameContent(a: ContentState, b: ContentState): boolean {
  return a.dirtyHash === b.dirtyHash && a.closureCommit === b.closureCommit && a.clientHash === b.clientHash;
}
