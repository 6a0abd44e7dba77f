export { MediaTypes, MANIFEST_ACCEPT } from './media-types';
export { digestOf, digestFile, digestStream, digestHex, isDigest, assertDigest, verifyingStream, hashingStream, Hasher } from './digest';
export {
  EmptyJson,
  serializeManifest,
  parseManifest,
  tryParseManifest,
  indexedManifests,
  manifestDescriptor,
  declaredMediaType,
  MANIFEST_SIZE_LIMIT,
  manifestTooLarge,
  assertManifestSize,
  type Descriptor,
  type ImageManifest,
} from './manifest';
export { Annotations, CLEAN_DIRTY_ANNOTATION } from './annotations';
