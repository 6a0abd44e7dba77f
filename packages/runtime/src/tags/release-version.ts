import { MAX_BRANCH_LENGTH, sanitizeBranch } from './branch';
import { MAX_TAG_LENGTH } from './oci-tag';
import type { Preid } from './preid';
import { versionTag, type Version } from './version';

/** Room kept for the `.<N>` of a branch-release line, so the branch part never depends on N. */
const COUNTER_ROOM = '.99999'.length;

/**
 * `v<M>.<m>.<p>-<branch>` (n = 0), then `…-<branch>.<n>`: a preview of the stable version `next`
 * from another branch. The branch is cut like in branch tags, shorter only for huge versions.
 */
export function branchReleaseVersion(next: Version, branch: string | null, n = 0): Version {
  assertCounter(n, 0);
  const prefix = versionTag({ ...next, prerelease: [] }).length + 1;
  const name = sanitizeBranch(branch, Math.min(MAX_BRANCH_LENGTH, MAX_TAG_LENGTH - prefix - COUNTER_ROOM));
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
