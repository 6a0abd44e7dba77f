import { canonicalJson } from '../canonical-json';
import type { InterfaceDescriptor } from '../interface';
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
  metrics: unknown;
  source?: string;
}

/** The config blob: canonical JSON, so the same facts give the same digest. */
export function resourceConfigBlob(facts: ResourceFacts): Buffer {
  return Buffer.from(
    canonicalJson({
      name: facts.name,
      interface: facts.interface,
      clientHash: facts.clientHash,
      closure: { projects: facts.closureProjects, commit: facts.closureCommit },
      dirtyHash: facts.dirtyHash,
      requires: facts.requires,
      metrics: facts.metrics ?? null,
    }),
  );
}

export function resourceManifest(
  facts: ResourceFacts,
  config: Descriptor,
  layers: Descriptor[],
  created: Date,
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
      ...(facts.source ? { [Annotations.source]: facts.source } : {}),
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
