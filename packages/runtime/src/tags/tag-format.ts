import { UserError } from '../errors';
import { sanitizeBranch } from './branch';
import { assertHex7 } from './hash7';
import { isValidTag, MAX_TAG_LENGTH } from './oci-tag';
import { tryParseVersion, versionTag, type Version } from './version';

export const LATEST_TAG = 'latest';
export const SERVER_PACKAGE_PREFIX = 'pkg-';
export const CLIENT_PACKAGE_PREFIX = 'client-';
export const ENVIRONMENT_PREFIX = 'env-';
/** `envlog-<name>`: an environment's history (SPEC §10), the longer of its two tags. */
export const ENVLOG_PREFIX = 'envlog-';
const MAX_ENVIRONMENT_NAME_LENGTH = MAX_TAG_LENGTH - ENVLOG_PREFIX.length;
const BRANCH_TAG_ENDING = /-[0-9a-f]{7}-[0-9a-f]{7}$/;

/** `<git7>-<dirty7>-<client7>`, written by every `store`. */
export function adhocTag(git7: string, dirty7: string, client7: string): string {
  assertHex7(git7, 'git7');
  return `${git7}-${hashSuffix(dirty7, client7)}`;
}

/** `<branch>-<dirty7>-<client7>`; the branch is sanitized here (null = detached HEAD). */
export function branchTag(branch: string | null, dirty7: string, client7: string): string {
  return `${sanitizeBranch(branch)}-${hashSuffix(dirty7, client7)}`;
}

function hashSuffix(dirty7: string, client7: string): string {
  assertHex7(dirty7, 'dirty7');
  assertHex7(client7, 'client7');
  return `${dirty7}-${client7}`;
}

/** `pkg-v1.2.1`: the server package of a release. */
export function serverPackageTag(version: Version): string {
  return SERVER_PACKAGE_PREFIX + versionTag(version);
}

/** `client-v1.2.1`: the client package of a release. */
export function clientPackageTag(version: Version): string {
  return CLIENT_PACKAGE_PREFIX + versionTag(version);
}

/**
 * The longest version tag a release may have: its client package tag (`client-v…`, the longest of
 * its tags) must be a valid tag too. Stable and `--preid` versions are far shorter; branch-release
 * versions cut the branch to fit.
 */
export const MAX_RELEASE_TAG_LENGTH = MAX_TAG_LENGTH - CLIENT_PACKAGE_PREFIX.length;

/** `client-v1`: floats to the newest client of that major. */
export function clientMajorTag(major: number): string {
  return `${CLIENT_PACKAGE_PREFIX}v${major}`;
}

/** `env-<name>`: what `promote`, `rollback` and `traffic` move; the name fits `envlog-<name>` too. */
export function environmentTag(name: string): string {
  const tag = ENVIRONMENT_PREFIX + name;
  if (!name || name.length > MAX_ENVIRONMENT_NAME_LENGTH || !isValidTag(tag)) {
    throw new UserError(`invalid environment name "${name}": expected characters in [A-Za-z0-9._-], at most ${MAX_ENVIRONMENT_NAME_LENGTH}`);
  }
  // `env-a-<7 hex>-<7 hex>` reads as the branch tag of branch `env-a`, which clean removes.
  if (BRANCH_TAG_ENDING.test(name)) {
    throw new UserError(`invalid environment name "${name}": a name ending in -<7 hex>-<7 hex> would read as a branch tag; choose another`);
  }
  return tag;
}

/** `mdl-<resource>-v1.2.1`: the git tag `release --gitTag` creates. */
export function gitReleaseTag(resource: string, version: Version): string {
  return `mdl-${resource}-${versionTag(version)}`;
}

/** The version of a git tag written by gitReleaseTag for this resource, else undefined. */
export function parseGitReleaseTag(resource: string, tag: string): Version | undefined {
  const prefix = `mdl-${resource}-v`;
  if (!tag.startsWith(prefix)) return undefined;
  const version = tryParseVersion(tag.slice(prefix.length));
  // Round trip: `mdl-ham-vv1.0.0` would parse, but gitReleaseTag never writes it.
  return version && gitReleaseTag(resource, version) === tag ? version : undefined;
}
