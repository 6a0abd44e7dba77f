import { sanitizeBranch } from './branch';
import { isValidTag } from './oci-tag';
import { isPreid } from './preid';
import { CLIENT_PACKAGE_PREFIX, ENVIRONMENT_PREFIX, LATEST_TAG, SERVER_PACKAGE_PREFIX } from './tag-format';
import { tryParseVersion, versionTag, type Version } from './version';

/**
 * What a tag is, by its name (SPEC §4). `placeholder` is never derived from a name: it is the
 * kind of a tag left pointing at a `clean` placeholder manifest, which only the manifest shows.
 */
export type TagKind =
  | 'adhoc'
  | 'branch'
  | 'release'
  | 'branch-release'
  | 'prerelease'
  | 'server-package'
  | 'client-package'
  | 'latest'
  | 'environment'
  | 'placeholder'
  | 'other';

export interface TagInfo {
  kind: TagKind;
  /** Release kinds and packages (not the floating `client-v<MAJOR>`). */
  version?: Version;
  /** The floating `client-v<MAJOR>`. */
  major?: number;
  /** Sanitized branch of branch tags and branch releases. */
  branch?: string;
  git7?: string;
  dirty7?: string;
  client7?: string;
  /** `<name>` of `env-<name>`. */
  environment?: string;
}

/** Resource versions made by `release`. */
export const RELEASE_KINDS: readonly TagKind[] = ['release', 'branch-release', 'prerelease'];
/** Tags `clean` deletes; every other kind is kept, and so is whatever a kept tag points at. */
export const CLEANABLE_KINDS: readonly TagKind[] = ['adhoc', 'branch', 'placeholder'];

export const isReleaseKind = (kind: TagKind): boolean => RELEASE_KINDS.includes(kind);
export const isCleanableKind = (kind: TagKind): boolean => CLEANABLE_KINDS.includes(kind);

const ADHOC = /^([0-9a-f]{7})-([0-9a-f]{7})-([0-9a-f]{7})$/;
const BRANCH = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)-([0-9a-f]{7})-([0-9a-f]{7})$/;
const CLIENT_MAJOR = /^client-v(0|[1-9][0-9]*)$/;

export function classifyTag(tag: string): TagInfo {
  if (!isValidTag(tag)) return { kind: 'other' };
  if (tag === LATEST_TAG) return { kind: 'latest' };
  const adhoc = ADHOC.exec(tag);
  if (adhoc) return { kind: 'adhoc', git7: adhoc[1], dirty7: adhoc[2], client7: adhoc[3] };
  // A 7-hex branch is sanitized to `branch-…`, so a tag that reads as adhoc was never a branch tag.
  const branch = BRANCH.exec(tag);
  if (branch && isSanitizedBranch(branch[1])) {
    return { kind: 'branch', branch: branch[1], dirty7: branch[2], client7: branch[3] };
  }
  const release = versionOf(tag);
  if (release) return classifyRelease(release);
  const serverPackage = tag.startsWith(SERVER_PACKAGE_PREFIX) && versionOf(tag.slice(SERVER_PACKAGE_PREFIX.length));
  if (serverPackage) return { kind: 'server-package', version: serverPackage };
  const clientMajor = CLIENT_MAJOR.exec(tag);
  if (clientMajor) return { kind: 'client-package', major: Number(clientMajor[1]) };
  const clientPackage = tag.startsWith(CLIENT_PACKAGE_PREFIX) && versionOf(tag.slice(CLIENT_PACKAGE_PREFIX.length));
  if (clientPackage) return { kind: 'client-package', version: clientPackage };
  if (tag.startsWith(ENVIRONMENT_PREFIX) && tag.length > ENVIRONMENT_PREFIX.length) {
    return { kind: 'environment', environment: tag.slice(ENVIRONMENT_PREFIX.length) };
  }
  return { kind: 'other' };
}

/** The version of a `v…` tag in the exact form versionTag writes, else undefined. */
function versionOf(tag: string): Version | undefined {
  if (!tag.startsWith('v')) return undefined;
  const version = tryParseVersion(tag);
  return version && versionTag(version) === tag ? version : undefined;
}

function classifyRelease(version: Version): TagInfo {
  const [first, counter, ...rest] = version.prerelease;
  if (first === undefined) return { kind: 'release', version };
  if (typeof first === 'string' && rest.length === 0) {
    if (isPreid(first) && typeof counter === 'number') return { kind: 'prerelease', version };
    if ((counter === undefined || (typeof counter === 'number' && counter > 0)) && isSanitizedBranch(first)) {
      return { kind: 'branch-release', version, branch: first };
    }
  }
  return { kind: 'other', version };
}

/** Exactly what sanitizeBranch produces: reserved names (numbers, 7-hex, preids) are not. */
function isSanitizedBranch(name: string): boolean {
  return /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(name) && sanitizeBranch(name) === name;
}
