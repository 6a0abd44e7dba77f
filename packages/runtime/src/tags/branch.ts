import { UserError } from '../errors';
import { isHex7 } from './hash7';
import { isPreid } from './preid';
import { MAX_TAG_LENGTH } from './oci-tag';

/** What a detached HEAD is called in tags. */
export const DETACHED_BRANCH = 'detached';

/** Room left for `<branch>` in `<branch>-<dirty7>-<client7>`. */
export const MAX_BRANCH_LENGTH = MAX_TAG_LENGTH - '-0000000-0000000'.length;

/**
 * Prefix for names that would read as something else: a numeric semver identifier ("007" is
 * invalid, "42" sorts as a number), a 7-hex git hash (the tag would classify as adhoc), or a
 * prerelease id ("rc" would make `v1.0.0-rc.1` a prerelease instead of a branch release).
 */
const RESERVED_PREFIX = 'branch-';

/**
 * The branch as it appears in tags: lowercase, runs outside `[a-z0-9-]` become `-`, trimmed of
 * `-`, at most `maxLength` characters. The result is a valid OCI tag fragment and a single valid
 * semver prerelease identifier, and sanitizing it again changes nothing.
 */
export function sanitizeBranch(branch: string | null, maxLength = MAX_BRANCH_LENGTH): string {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new Error(`sanitizeBranch: bad maxLength ${maxLength}`);
  if (branch === null) return DETACHED_BRANCH.slice(0, maxLength);
  let name = cut(branch.toLowerCase().replace(/[^a-z0-9-]+/g, '-'), maxLength);
  if (!name) {
    throw new UserError(
      `branch "${branch}" has nothing left for a tag: branch names are lowercased, runs of characters outside [a-z0-9-] become "-" and leading/trailing "-" are dropped`,
    );
  }
  if (isReserved(name)) name = cut(RESERVED_PREFIX + name, maxLength);
  return name;
}

function cut(name: string, maxLength: number): string {
  return trimDashes(trimDashes(name).slice(0, maxLength));
}

function trimDashes(name: string): string {
  return name.replace(/^-+|-+$/g, '');
}

function isReserved(name: string): boolean {
  return /^[0-9]+$/.test(name) || isHex7(name) || isPreid(name);
}
