// SPEC §4: tags and versions — format, parse, classify, sanitize branch.
export { OCI_TAG_PATTERN, MAX_TAG_LENGTH, isValidTag, assertTag } from './oci-tag';
export { CLEAN_DIRTY7, short7 } from './hash7';
export { DETACHED_BRANCH, MAX_BRANCH_LENGTH, sanitizeBranch } from './branch';
export { PREIDS, type Preid, isPreid, parsePreid } from './preid';
export {
  VERSION_RULE,
  type Version,
  parseVersion,
  tryParseVersion,
  formatVersion,
  versionTag,
  compareVersions,
  isStable,
} from './version';
export { branchReleaseVersion, prereleaseVersion } from './release-version';
export {
  LATEST_TAG,
  adhocTag,
  branchTag,
  serverPackageTag,
  clientPackageTag,
  clientMajorTag,
  environmentTag,
  ENVLOG_PREFIX,
  gitReleaseTag,
  parseGitReleaseTag,
} from './tag-format';
export {
  type TagKind,
  type TagInfo,
  RELEASE_KINDS,
  CLEANABLE_KINDS,
  isReleaseKind,
  isCleanableKind,
  classifyTag,
} from './classify';
