import { Annotations } from '../oci';
import { UserError } from '../errors';
import type { Author } from '../git';
import type { InterfaceDescriptor } from '../interface';
import { MediaTypes, parseManifest, type Descriptor, type ImageManifest, type Repository } from '../oci';
import { fetchConfig } from './config-cache';
import type { FileRecord } from './file-digests';
import { parseRecordedConfig, type ResolvedRequirement } from './recorded-config';
import type { IndexEntry } from '../ocidex';
import { compareVersions, formatVersion, isReleaseKind, parseVersion } from '../tags';

/** One closure project of a version: its layer's size and the files the config records. */
export interface ProjectContent {
  name: string;
  /** Bytes of the project's layer. */
  size: number;
  /** null when the config predates file records. */
  files: FileRecord[] | null;
}

/** What `describe` shows and `compare` compares of one version: its manifest and config, never its layers. */
export interface VersionMetadata {
  /** The tag it was read through; null for the working tree. */
  tag: string | null;
  /** `org.opencontainers.image.version` of a release (`1.0.0`), whatever tag it was read through. */
  version: string | null;
  /** Manifest digest; null for the working tree (nothing pushed). */
  digest: string | null;
  /** `org.opencontainers.image.created`; null for the working tree. */
  created: string | null;
  author: Author | null;
  /** Config plus layers, bytes: what a pull of this version transfers besides its manifest. */
  size: number;
  projects: ProjectContent[];
  metrics: Record<string, number>;
  labels: Record<string, string>;
  clientHash: string | null;
  interface: InterfaceDescriptor | null;
  closureCommit: string | null;
  dirtyHash: string | null;
  requires: Record<string, string>;
  resolved: ResolvedRequirement[] | null;
}

/**
 * The release version a manifest carries, from the index: a release is the adhoc image tagged
 * again (SPEC §7.5), so its version lives in the release tags on its digest, not in the
 * manifest. The highest, should one digest carry several; null for a version never released.
 */
export function releaseVersionOn(entries: IndexEntry[], digest: string): string | null {
  const versions = entries.filter((e) => e.digest === digest && isReleaseKind(e.kind) && e.version !== null).map((e) => parseVersion(e.version!));
  return versions.length ? formatVersion(versions.sort((a, b) => compareVersions(b, a))[0]) : null;
}

/**
 * Reads a stored version: its manifest (by digest, so a tag moving meanwhile cannot mix two
 * versions) and its config blob; two small GETs, no layer. `version` is the release version
 * the index gives its digest (`releaseVersionOn`); releases made before releases shared the
 * adhoc digest carry it as an annotation instead.
 */
export async function readVersionMetadata(repo: Repository, tag: string, digest: string, version: string | null): Promise<VersionMetadata> {
  const what = `${repo.reference}:${tag}`;
  const fetched = await repo.fetchManifest(digest);
  if (!fetched) throw new UserError(`${what} vanished while being read (manifest ${digest}): retry`);
  const manifest = parseManifest(fetched.bytes, what);
  if (manifest.artifactType !== MediaTypes.resourceArtifact) {
    throw new UserError(`${what} is not a resource version (artifact type ${manifest.artifactType ?? 'none'}): give a version tag such as v1.0.0, latest or an adhoc tag`);
  }
  const config = parseRecordedConfig(await fetchConfig(repo, manifest.config.digest), what);
  return {
    tag,
    version: version ?? manifest.annotations?.[Annotations.version] ?? null,
    digest,
    created: manifest.annotations?.[Annotations.created] ?? null,
    author: config.author,
    size: contentSize(manifest),
    projects: projectSizes(manifest.layers, config.closureProjects).map(({ name, size }) => ({
      name,
      size,
      files: config.files ? (config.files[name] ?? []) : null,
    })),
    metrics: config.metrics,
    labels: config.labels,
    clientHash: config.clientHash,
    interface: config.interface,
    closureCommit: config.closureCommit,
    dirtyHash: config.dirtyHash,
    requires: config.requires,
    resolved: config.resolved,
  };
}

/** Bytes per closure project, in layer order: a project's code layer and its model layers together. */
function projectSizes(layers: Descriptor[], closureProjects: string[]): Array<{ name: string; size: number }> {
  const sizes = new Map<string, number>();
  layers.forEach((layer, i) => {
    const name = layer.annotations?.[Annotations.project] ?? closureProjects[i] ?? `layer ${i + 1}`;
    sizes.set(name, (sizes.get(name) ?? 0) + layer.size);
  });
  return [...sizes].map(([name, size]) => ({ name, size }));
}

/**
 * SPEC §10 size: config plus layers, from the manifest's descriptors. It cannot live in the
 * config (the config would have to contain its own size), and the manifest's descriptors are
 * what every pull verifies, so they are the sizes that hold.
 */
export function contentSize(manifest: Pick<ImageManifest, 'config' | 'layers'>): number {
  return manifest.config.size + manifest.layers.reduce((sum, layer) => sum + layer.size, 0);
}
