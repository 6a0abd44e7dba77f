import type { IndexEntry } from '../ocidex';
import { branchReleaseVersion, prereleaseVersion, versionTag, type Preid, type Version } from '../tags';
import { sameContent, type ContentState } from './next-version';

export type LineChoice = { version: Version; existing: boolean };

/**
 * Branch releases and prereleases number their own line under the next stable version:
 * `v1.3.0-feat-x`, `v1.3.0-feat-x.1`, …; `v2.0.0-rc.1`, `v2.0.0-rc.2`, …. The newest of the line
 * is reused when it holds the same content, so re-running a release is idempotent.
 */
export function nextInLine(
  stable: Version,
  line: { branch: string | null } | { preid: Preid },
  entries: IndexEntry[],
  current: ContentState,
): LineChoice {
  const taken = new Map(entries.map((entry) => [entry.tag, entry]));
  const at = (n: number) => ('preid' in line ? prereleaseVersion(stable, line.preid, n) : branchReleaseVersion(stable, line.branch, n));
  let n = 'preid' in line ? 1 : 0;
  while (taken.has(versionTag(at(n)))) n++;
  const first = 'preid' in line ? 1 : 0;
  const newest = n > first ? taken.get(versionTag(at(n - 1))) : undefined;
  if (newest && sameContent(newest, current)) return { version: at(n - 1), existing: true };
  return { version: at(n), existing: false };
}
