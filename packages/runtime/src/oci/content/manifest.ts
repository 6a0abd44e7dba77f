import { UserError } from '../../errors';
import { digestOf, isDigest } from './digest';
import { MediaTypes } from './media-types';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

/**
 * OCI distribution: a registry may refuse a manifest above 4 MiB and a client should not push
 * one. We push none and read none; a larger answer comes from a broken or hostile registry.
 */
export const MANIFEST_SIZE_LIMIT = 4 * 1024 * 1024;

/** The refusal of a manifest above MANIFEST_SIZE_LIMIT; `what` names it, `size` says how large it is. */
export function manifestTooLarge(what: string, size: string): UserError {
  return new UserError(`${what} is ${size}, above the 4 MiB an OCI manifest may have: refused`);
}

/** Throws manifestTooLarge for `bytes` bytes above the limit. */
export function assertManifestSize(bytes: number, what: string): void {
  if (bytes > MANIFEST_SIZE_LIMIT) throw manifestTooLarge(what, `${bytes} bytes`);
}

const EMPTY_JSON_BYTES = Buffer.from('{}');

/** The OCI empty JSON blob `{}`: config of artifacts that need none (and of `untag` placeholders). */
export const EmptyJson: { readonly bytes: Buffer; readonly descriptor: Descriptor } = {
  bytes: EMPTY_JSON_BYTES,
  descriptor: { mediaType: MediaTypes.emptyJson, digest: digestOf(EMPTY_JSON_BYTES), size: EMPTY_JSON_BYTES.length },
};

/**
 * Manifest bytes with a fixed key order (the image spec's order, annotations sorted) and no
 * whitespace: the same manifest always gives the same bytes, hence the same digest.
 */
export function serializeManifest(manifest: ImageManifest): Buffer {
  const ordered = {
    schemaVersion: manifest.schemaVersion,
    mediaType: manifest.mediaType,
    artifactType: manifest.artifactType,
    config: orderDescriptor(manifest.config),
    layers: manifest.layers.map(orderDescriptor),
    annotations: sortedAnnotations(manifest.annotations),
  };
  return Buffer.from(JSON.stringify(ordered));
}

function orderDescriptor(descriptor: Descriptor): Descriptor {
  return {
    mediaType: descriptor.mediaType,
    artifactType: descriptor.artifactType,
    digest: descriptor.digest,
    size: descriptor.size,
    annotations: sortedAnnotations(descriptor.annotations),
  };
}

function sortedAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  return Object.fromEntries(Object.keys(annotations).sort().map((key) => [key, annotations[key]]));
}

/** Parses manifest bytes, checking the fields this client relies on. */
export function parseManifest(bytes: Buffer, what: string): ImageManifest {
  const value = parseJson(bytes);
  if (value === undefined) throw new UserError(`${what} is not valid JSON`);
  if (!isImageManifest(value)) {
    throw new UserError(`${what} is not an OCI image manifest (schemaVersion 2 with config and layers)`);
  }
  return value;
}

/** The image manifest in `bytes`, or undefined for anything else (an image index, a Docker manifest list, not JSON). */
export function tryParseManifest(bytes: Buffer): ImageManifest | undefined {
  const value = parseJson(bytes);
  return isImageManifest(value) ? value : undefined;
}

/** Digests of the manifests an image index (or Docker manifest list) lists; [] for anything else. */
export function indexedManifests(bytes: Buffer): string[] {
  const listed = (parseJson(bytes) as { manifests?: unknown } | null | undefined)?.manifests;
  return Array.isArray(listed) ? listed.filter(isDescriptor).map((descriptor) => descriptor.digest) : [];
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

function isImageManifest(value: unknown): value is ImageManifest {
  const manifest = value as Partial<ImageManifest> | null | undefined;
  return (
    !!manifest &&
    manifest.schemaVersion === 2 &&
    isDescriptor(manifest.config) &&
    Array.isArray(manifest.layers) &&
    manifest.layers.every(isDescriptor)
  );
}

function isDescriptor(value: unknown): value is Descriptor {
  const d = value as Partial<Descriptor> | null;
  return (
    !!d && typeof d.mediaType === 'string' && typeof d.digest === 'string' && isDigest(d.digest) && Number.isSafeInteger(d.size)
  );
}

/** The descriptor of stored manifest bytes, carrying the manifest's artifactType when it has one. */
export function manifestDescriptor(bytes: Buffer, mediaType: string): Descriptor {
  const descriptor: Descriptor = { mediaType, digest: digestOf(bytes), size: bytes.length };
  const artifactType = artifactTypeOf(bytes);
  if (artifactType) descriptor.artifactType = artifactType;
  return descriptor;
}

function artifactTypeOf(bytes: Buffer): string | undefined {
  return stringField(bytes, 'artifactType');
}

/** The `mediaType` a manifest declares about itself, if it is JSON and has one. */
export function declaredMediaType(bytes: Buffer): string | undefined {
  return stringField(bytes, 'mediaType');
}

function stringField(bytes: Buffer, field: 'mediaType' | 'artifactType'): string | undefined {
  const value = (parseJson(bytes) as Record<string, unknown> | null | undefined)?.[field];
  return typeof value === 'string' ? value : undefined;
}
