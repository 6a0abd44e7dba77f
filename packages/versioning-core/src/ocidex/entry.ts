import { Annotations, CLEAN_DIRTY_ANNOTATION } from '../oci';
import { indexedManifests, MediaTypes, parseManifest, tryParseManifest, type Descriptor, type ImageManifest } from '../oci';
import { classifyTag, formatVersion, type TagKind } from '../tags';

/** What the index knows of one tag: enough for versions, releases, clean and the next version. */
export interface IndexEntry {
  tag: string;
  digest: string;
  kind: TagKind;
  /** Release kinds and packages: the semver version without `v`. */
  version: string | null;
  created: string | null;
  clientHash: string | null;
  closureCommit: string | null;
  dirtyHash: string | null;
  /** `org.opencontainers.image.revision`: HEAD when the artifact was made. */
  revision: string | null;
  artifactType: string | null;
  /** The manifest's config blob: for a resource, its interface (what `release` diffs against). */
  configDigest: string;
  /** Manifest plus the blobs it references. */
  size: number;
  /** Releases: each direct requirement's spec and the versions it resolved to when released (SPEC §9). */
  requires: Record<string, RecordedRequirement> | null;
}

/**
 * A tag on something that is not an image manifest (an image index, a Docker manifest list,
 * anything else another tool pushed): listed as `other` whatever its name, never read further,
 * never cleaned. Kept apart from IndexEntry, whose fields only an image manifest can fill.
 */
export interface ForeignEntry {
  tag: string;
  kind: 'other';
  digest: string;
  mediaType: string;
  /** The manifest's own size. */
  size: number;
  /** Manifests an image index lists: `clean` must not delete them while the index is kept. */
  references: string[];
}

/** The part of an entry that depends only on the manifest, shared by every tag on that digest. */
export type ManifestSummary = Omit<IndexEntry, 'tag' | 'kind' | 'version'>;
export type ForeignSummary = Omit<ForeignEntry, 'tag' | 'kind'>;
export type Summary = { foreign: false; summary: ManifestSummary } | { foreign: true; summary: ForeignSummary };

/** Our own pushes: always image manifests, so anything else is an error. */
export function summarizeManifest(bytes: Buffer, descriptor: Descriptor, what: string): ManifestSummary {
  return summaryOf(parseManifest(bytes, what), descriptor);
}

/** Whatever a registry holds under a tag; what is not an image manifest is summarized as foreign. */
export function describeManifest(bytes: Buffer, descriptor: Descriptor): Summary {
  const manifest = tryParseManifest(bytes);
  if (manifest) return { foreign: false, summary: summaryOf(manifest, descriptor) };
  return {
    foreign: true,
    summary: { digest: descriptor.digest, mediaType: descriptor.mediaType, size: descriptor.size, references: indexedManifests(bytes) },
  };
}

function summaryOf(manifest: ImageManifest, descriptor: Descriptor): ManifestSummary {
  const annotations = manifest.annotations ?? {};
  return {
    digest: descriptor.digest,
    created: annotations[Annotations.created] ?? null,
    clientHash: annotations[Annotations.clientHash] ?? null,
    closureCommit: annotations[Annotations.closureCommit] ?? null,
    dirtyHash: parseDirtyHash(annotations[Annotations.dirtyHash]),
    revision: annotations[Annotations.revision] ?? null,
    artifactType: manifest.artifactType ?? null,
    configDigest: manifest.config.digest,
    size: descriptor.size + manifest.config.size + manifest.layers.reduce((sum, layer) => sum + layer.size, 0),
    requires: parseRequires(annotations[Annotations.requires]),
  };
}

/** A direct requirement as a release recorded it in its `dev.modelos.requires` annotation. */
export interface RecordedRequirement {
  spec: string;
  versions: string[];
}

/** Only the shape we write counts; anything else another tool wrote is no requirement. */
function parseRequires(value: string | undefined): Record<string, RecordedRequirement> | null {
  if (value === undefined) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const valid = Object.values(parsed).every(
    (r: Partial<RecordedRequirement> | null) => typeof r?.spec === 'string' && Array.isArray(r.versions) && r.versions.every((v) => typeof v === 'string'),
  );
  return valid ? (parsed as Record<string, RecordedRequirement>) : null;
}

/** Stores write `clean` for a clean closure; the index says null, like the git facts do. */
function parseDirtyHash(value: string | undefined): string | null {
  return value === undefined || value === CLEAN_DIRTY_ANNOTATION ? null : value;
}

export function entryFor(tag: string, summary: ManifestSummary): IndexEntry {
  const info = classifyTag(tag);
  // A tag caught between the two steps of `untag` points at a placeholder, whatever its name says.
  const kind = summary.artifactType === MediaTypes.placeholderArtifact ? 'placeholder' : info.kind;
  return { ...summary, tag, kind, version: info.version ? formatVersion(info.version) : null };
}

export function foreignEntryFor(tag: string, summary: ForeignSummary): ForeignEntry {
  return { tag, kind: 'other', digest: summary.digest, mediaType: summary.mediaType, size: summary.size, references: summary.references };
}

/** Tags `store` writes, by their form: adhoc (`<git7>-<dirty7>-<client7>`) and branch tags. */
export function isStoreTag(tag: string): boolean {
  const { kind } = classifyTag(tag);
  return kind === 'adhoc' || kind === 'branch';
}

/**
 * Tags whose digest never changes once pushed, by our rules: releases and versioned packages.
 * Adhoc tags are not among them: after `clean`, a re-store pushes the same adhoc tag with a new
 * created time, hence a new digest, which an index in another cache must not miss. Everything
 * else (adhoc and branch tags, latest, client-v<MAJOR>, env-*) is re-resolved.
 */
export function isImmutableTag(entry: Pick<IndexEntry, 'tag' | 'kind'>): boolean {
  switch (entry.kind) {
    case 'release':
    case 'branch-release':
    case 'prerelease':
    case 'server-package':
      return true;
    case 'client-package':
      return classifyTag(entry.tag).version !== undefined;
    default:
      return false;
  }
}
