import { MAX_BRANCH_LENGTH, sanitizeBranch } from './branch';
import type { Preid } from './preid';
import { MAX_RELEASE_TAG_LENGTH } from './tag-format';
import { versionTag, type Version } from './version';

/** Room kept for the `.<N>` of a branch-release line, so the branch part never depends on N. */
const COUNTER_ROOM = '.99999'.length;

/**
 * `v<M>.<m>.<p>-<branch>` (n = 0), then `…-<branch>.<n>`: a preview of the stable version `next`
 * from another branch. The branch is cut like in branch tags, shorter when a long branch would
 * leave no room for the release's package tags (`client-v…`).
 */
export function branchReleaseVersion(next: Version, branch: string | null, n = 0): Version {
  assertCounter(n, 0);
  const prefix = versionTag({ ...next, prerelease: [] }).length + 1;
  const name = sanitizeBranch(branch, Math.min(MAX_BRANCH_LENGTH, MAX_RELEASE_TAG_LENGTH - prefix - COUNTER_ROOM));
  return { ...next, prerelease: n === 0 ? [name] : [name, n] };
}

/** `v<M>.<m>.<p>-<preid>.<n>`, n from 1. */
export function prereleaseVersion(next: Version, preid: Preid, n: number): Version {
  assertCounter(n, 1);
  return { ...next, prerelease: [preid, n] };
}

function assertCounter(n: number, min: number): void {
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`release counter must be an integer ≥ ${min}, got ${n}`);
}
