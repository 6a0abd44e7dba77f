import { canonicalJson } from '../canonical-json';
import type { Author } from '../git';
import type { InterfaceDescriptor } from '../interface';
import type { FileRecord } from '../metadata/file-digests';
import { MediaTypes, type Descriptor, type ImageManifest } from '../oci';
import { Annotations, CLEAN_DIRTY_ANNOTATION } from '../oci';

/** Everything the resource config blob and the manifest annotations say about one store. */
export interface ResourceFacts {
  name: string;
  interface: InterfaceDescriptor;
  clientHash: string;
  closureProjects: string[];
  closureCommit: string;
  headCommit: string;
  dirtyHash: string | null;
  requires: Record<string, string>;
  /** Author of the closure commit; the git user for a dirty closure; null when git knows none. */
  author: Author | null;
  /** Per closure project name: its files, as its layer holds them. */
  files: Record<string, FileRecord[]>;
  /** From `metricsFile`: numbers. */
  metrics: Record<string, number>;
  /** From `metricsFile`: strings. */
  labels: Record<string, string>;
}

/**
 * The config blob: canonical JSON, so the same facts give the same digest. It holds what the
 * content is (and who made it); `created` and the size are the manifest's (see ARCHITECTURE.md,
 * "Metadata"): a config holding them would be a new blob on every re-store.
 * A release adds `resolved`: per required resource, the versions its requirements resolved to
 * (version, manifest digest, repository, package digests, requirers).
 */
export function resourceConfigBlob(facts: ResourceFacts, resolved?: Record<string, unknown[]>): Buffer {
  return Buffer.from(
    canonicalJson({
      name: facts.name,
      interface: facts.interface,
      clientHash: facts.clientHash,
      closure: { projects: facts.closureProjects, commit: facts.closureCommit },
      dirtyHash: facts.dirtyHash,
      requires: facts.requires,
      author: facts.author,
      files: facts.files,
      metrics: facts.metrics,
      labels: facts.labels,
      resolved,
    }),
  );
}

/** `source`: where the code lives (`remote.origin.url`), asked of git only when a manifest is built. */
export function resourceManifest(
  facts: ResourceFacts,
  config: Descriptor,
  layers: Descriptor[],
  created: Date,
  source: string | undefined,
): ImageManifest {
  return {
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: MediaTypes.resourceArtifact,
    config,
    layers,
    annotations: {
      [Annotations.created]: created.toISOString(),
      [Annotations.revision]: facts.headCommit,
      ...(source ? { [Annotations.source]: source } : {}),
      [Annotations.title]: facts.name,
      [Annotations.kind]: 'resource',
      [Annotations.clientHash]: facts.clientHash,
      [Annotations.dirtyHash]: facts.dirtyHash ?? CLEAN_DIRTY_ANNOTATION,
      [Annotations.closureCommit]: facts.closureCommit,
    },
  };
}

/** Two manifests carry the same artifact when config and layers are the same blobs. */
export function sameContent(a: ImageManifest, b: ImageManifest): boolean {
  return (
    a.config.digest === b.config.digest &&
    a.layers.length === b.layers.length &&
    a.layers.every((layer, i) => layer.digest === b.layers[i].digest)
  );
}
