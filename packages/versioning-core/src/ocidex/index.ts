export { Ocidex, defaultIndexDir } from './ocidex';
export { isImmutableTag, type IndexEntry, type ForeignEntry, type RecordedRequirement } from './entry';
