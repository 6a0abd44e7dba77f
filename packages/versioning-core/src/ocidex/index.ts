export { Ocidex, defaultIndexDir, type BrokenTag } from './ocidex';
export { isImmutableTag, type IndexEntry, type ForeignEntry, type RecordedRequirement } from './entry';
