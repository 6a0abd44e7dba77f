import * as path from 'node:path';
import { pipeline } from 'node:stream';
import { digestStream, openRepository, type BlobWritten, type Descriptor, type RegistryReference, type Repository } from '../oci';
import { Annotations } from '../oci';
import type { ProjectRef } from '../project-ref';
import { readResourceConfig } from '../resource/resource-config';
import type { ProgressMeter } from '../transfer-progress';
import type { BlobHomes } from './blob-homes';
import type { ClosureFile } from './closure-files';
import type { FileRecord, PendingDigest } from '../metadata/file-digests';
import type { LayerCache } from './layer-cache';
import { modelTest, planLayers } from './layer-plan';
import { layerDescriptor, layerSource, type LayerSource } from './layer-source';

/** The resource's layers: per closure project its code, then each of its model files. */
export function closureLayerSources(workspaceRoot: string, resource: ProjectRef, closure: ProjectRef[], files: Map<string, ClosureFile[]>): LayerSource[] {
  const { models } = readResourceConfig(path.join(workspaceRoot, resource.root));
  return planLayers(closure, files, modelTest(resource.root, models)).map(layerSource);
}

/**
 * Digests already known from the closure's file records: a model layer is the raw file, so its
 * digest is the file's sha256, and a model is never sent before a HEAD (or a mount) says it must.
 */
export function knownModelDigests(sources: LayerSource[], records: Record<string, FileRecord[]>): Array<BlobWritten | undefined> {
  return sources.map((source) => {
    if (source.kind !== 'model') return undefined;
    const record = records[source.project]?.find((file) => file.path === source.files[0].path);
    // An empty sha256 is a pending one (see PendingDigest): learnt while the layer is sent.
    return record?.sha256 ? { digest: `sha256:${record.sha256}`, size: record.size } : undefined;
  });
}

/** A model layer is the raw file: its digest is the file's sha256, learnt while it was sent. */
export function settleModelDigests(pending: PendingDigest[], sources: LayerSource[], layers: Descriptor[]): void {
  const byPath = new Map(sources.flatMap((source, i) => (source.kind === 'model' ? [[source.files[0].path, layers[i].digest] as const] : [])));
  for (const file of pending) {
    const digest = byPath.get(file.file.path);
    // The plan and the deferral use one model test, so every deferred file has its layer.
    if (!digest) throw new Error(`internal: no model layer for ${file.file.path}, whose sha256 was left for it`);
    file.settle(digest.replace(/^sha256:/, ''), true);
  }
}

export interface LayerPush {
  cache: LayerCache;
  /** Where the layers go; without it (a dry run, a working-tree compare) digests are computed and nothing is sent. */
  to?: LayerTarget;
}

export interface LayerTarget {
  repo: Repository;
  /** The registry `repo` lives in, to open siblings a blob can be mounted from. */
  registry: RegistryReference;
  /** `repo`'s name in that registry (the resource name). */
  name: string;
  homes: BlobHomes;
  progress?: ProgressMeter;
}

/**
 * Gets every layer into the repository, sending as little as can be: a layer whose digest is
 * known (from `known`, e.g. pack's output or a model's file record, or the layer cache) costs a
 * HEAD, or a mount from a sibling repository that holds it, before any upload; an unknown one is
 * built, hashed and uploaded in one pass. `known[i]` is the digest of `sources[i]` when known.
 */
export async function pushLayers(sources: LayerSource[], push: LayerPush, known: Array<BlobWritten | undefined> = []): Promise<Descriptor[]> {
  const layers: Descriptor[] = [];
  for (const [i, source] of sources.entries()) layers.push(layerDescriptor(source, await ensureLayer(source, push, known[i])));
  return layers;
}

async function ensureLayer(source: LayerSource, { cache, to }: LayerPush, known: BlobWritten | undefined): Promise<BlobWritten> {
  const key = cache.key(source.kind, source.files);
  const blob = known ?? cache.get(key);
  if (blob && to) await placeKnownBlob(source, blob, to);
  const written = blob ?? (to ? await to.repo.pushBlobStreaming(() => metered(source, to)) : await digestStream(source.open()));
  cache.set(key, written);
  if (to) to.homes.add(registryKey(to.registry), written.digest, to.name);
  return written;
}

async function placeKnownBlob(source: LayerSource, blob: BlobWritten, to: LayerTarget): Promise<void> {
  if (await to.repo.blobExists(blob.digest)) return;
  const desc = layerDescriptor(source, blob);
  for (const home of to.homes.of(registryKey(to.registry), blob.digest)) {
    if (home !== to.name && (await to.repo.mountBlob(desc, openRepository(to.registry, home)))) return;
  }
  // Verified against the known digest while sent: changed bytes fail the push instead of landing.
  await to.repo.pushBlob(desc, () => metered(source, to, blob.size));
}

function metered(source: LayerSource, to: LayerTarget, size?: number): NodeJS.ReadableStream {
  const bytes = source.open();
  if (!to.progress) return bytes;
  const label = `${to.repo.reference} ${source.annotations[Annotations.title]}`;
  return pipeline(bytes, to.progress(label, size), () => undefined);
}

/** Repositories sharing blobs by mount must be in one registry (host and namespace, or layout directory). */
function registryKey(registry: RegistryReference): string {
  return registry.kind === 'layout' ? `oci:${registry.dir}` : `${registry.host}/${registry.namespace}`;
}
