export { Ocidex, defaultIndexDir } from './ocidex';
export { isImmutableTag, type IndexEntry } from './entry';
