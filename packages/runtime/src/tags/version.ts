// The one function used, not semver's index (47 modules): every task process loads this file.
import compare from 'semver/functions/compare';
import { UserError } from '../errors';
import { isValidTag, MAX_TAG_LENGTH } from './oci-tag';

export interface Version {
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated prerelease identifiers; numeric ones as numbers (they sort numerically). */
  prerelease: (string | number)[];
}

export const VERSION_RULE =
  'expected v<MAJOR>.<MINOR>.<PATCH>[-<prerelease>] (SemVer 2, no leading zeros, no +build metadata)';

const NUMBER = '0|[1-9][0-9]*';
const IDENTIFIER = `(?:${NUMBER}|[0-9]*[A-Za-z-][0-9A-Za-z-]*)`;
// SemVer 2 without build metadata: `+` cannot appear in an OCI tag.
const VERSION = new RegExp(`^v?(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?$`);

/** Parses `1.2.3-rc.1` or `v1.2.3-rc.1`; anything else is a UserError that states the rule. */
export function parseVersion(input: string): Version {
  const match = VERSION.exec(input);
  if (!match) throw new UserError(`invalid version "${input}": ${VERSION_RULE}`);
  const [major, minor, patch] = [match[1], match[2], match[3]].map(Number);
  const version: Version = {
    major,
    minor,
    patch,
    prerelease: match[4] === undefined ? [] : match[4].split('.').map(toIdentifier),
  };
  if (![major, minor, patch, ...version.prerelease].every(isSafe)) {
    throw new UserError(`invalid version "${input}": numbers must be at most ${Number.MAX_SAFE_INTEGER}`);
  }
  const tag = versionTag(version);
  if (!isValidTag(tag)) {
    throw new UserError(`invalid version "${input}": its tag "${tag}" is longer than the ${MAX_TAG_LENGTH} characters OCI allows`);
  }
  return version;
}

/** parseVersion for text that may simply not be a version (tags, git tags). */
export function tryParseVersion(input: string): Version | undefined {
  try {
    return parseVersion(input);
  } catch (err) {
    if (err instanceof UserError) return undefined;
    throw err;
  }
}

function toIdentifier(part: string): string | number {
  return /^[0-9]+$/.test(part) ? Number(part) : part;
}

function isSafe(part: string | number): boolean {
  return typeof part === 'string' || Number.isSafeInteger(part);
}

/** `1.2.3-rc.1` (npm and semver form, no `v`). */
export function formatVersion(version: Version): string {
  const core = `${version.major}.${version.minor}.${version.patch}`;
  return version.prerelease.length ? `${core}-${version.prerelease.join('.')}` : core;
}

/** `v1.2.3-rc.1`: tags always carry the `v`. */
export function versionTag(version: Version): string {
  return `v${formatVersion(version)}`;
}

/** SemVer precedence: negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  return compare(formatVersion(a), formatVersion(b));
}

export function isStable(version: Version): boolean {
  return version.prerelease.length === 0;
}
