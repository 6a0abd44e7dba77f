import * as path from 'node:path';
import { pipeline } from 'node:stream';
import { digestStream, openRepository, type BlobWritten, type Descriptor, type RegistryReference, type Repository } from '../oci';
import type { ProjectRef } from '../project-ref';
import { readResourceConfig } from '../resource/resource-config';
import type { ProgressMeter } from '../transfer-progress';
import { Annotations } from './annotations';
import type { BlobHomes } from './blob-homes';
import { listClosureFiles } from './closure-files';
import type { LayerCache } from './layer-cache';
import { modelTest, planLayers } from './layer-plan';
import { layerDescriptor, layerSource, type LayerSource } from './layer-source';

/** The resource's layers: per closure project its code, then each of its model files. */
export async function closureLayerSources(workspaceRoot: string, resource: ProjectRef, closure: ProjectRef[]): Promise<LayerSource[]> {
  const { models } = readResourceConfig(path.join(workspaceRoot, resource.root));
  const files = await listClosureFiles(
    workspaceRoot,
    closure.map((project) => project.root),
  );
  return planLayers(closure, files, modelTest(resource.root, models)).map(layerSource);
}

export interface LayerPush {
  repo: Repository;
  /** The registry `repo` lives in, to open siblings a blob can be mounted from. */
  registry: RegistryReference;
  /** `repo`'s name in that registry (the resource name). */
  name: string;
  cache: LayerCache;
  homes: BlobHomes;
  /** false: a dry run, digests computed and nothing sent. */
  push: boolean;
  progress?: ProgressMeter;
}

/**
 * Gets every layer into the repository, sending as little as can be: a layer whose digest is
 * known (from `known`, e.g. pack's output, or the layer cache) costs a HEAD, or a mount from a
 * sibling repository that holds it, before any upload; an unknown one is built, hashed and
 * uploaded in one pass. `known[i]` is the digest of `sources[i]` when already computed.
 */
export async function pushLayers(sources: LayerSource[], push: LayerPush, known: Array<BlobWritten | undefined> = []): Promise<Descriptor[]> {
  const layers: Descriptor[] = [];
  for (const [i, source] of sources.entries()) layers.push(layerDescriptor(source, await ensureLayer(source, push, known[i])));
  return layers;
}

async function ensureLayer(source: LayerSource, push: LayerPush, known: BlobWritten | undefined): Promise<BlobWritten> {
  const key = push.cache.key(source.kind, source.files);
  const blob = known ?? push.cache.get(key);
  if (blob && push.push) await placeKnownBlob(source, blob, push);
  const written = blob ?? (push.push ? await push.repo.pushBlobStreaming(metered(source, push)) : await digestStream(source.open()));
  push.cache.set(key, written);
  if (push.push) push.homes.add(registryKey(push.registry), written.digest, push.name);
  return written;
}

async function placeKnownBlob(source: LayerSource, blob: BlobWritten, push: LayerPush): Promise<void> {
  if (await push.repo.blobExists(blob.digest)) return;
  const desc = layerDescriptor(source, blob);
  for (const home of push.homes.of(registryKey(push.registry), blob.digest)) {
    if (home !== push.name && (await push.repo.mountBlob(desc, openRepository(push.registry, home)))) return;
  }
  // Verified against the known digest while sent: changed bytes fail the push instead of landing.
  await push.repo.pushBlob(desc, () => metered(source, push, blob.size));
}

function metered(source: LayerSource, push: LayerPush, size?: number): NodeJS.ReadableStream {
  const bytes = source.open();
  if (!push.progress) return bytes;
  const label = `${push.repo.reference} ${source.annotations[Annotations.title]}`;
  return pipeline(bytes, push.progress(label, size), () => undefined);
}

/** Repositories sharing blobs by mount must be in one registry (host and namespace, or layout directory). */
function registryKey(registry: RegistryReference): string {
  return registry.kind === 'layout' ? `oci:${registry.dir}` : `${registry.host}/${registry.namespace}`;
}
