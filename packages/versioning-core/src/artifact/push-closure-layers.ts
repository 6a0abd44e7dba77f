import { BlobHomes } from './blob-homes';
import { LayerCache } from './layer-cache';
import { closureLayerSources, knownModelDigests, pushLayers, settleModelDigests } from './push-layers';
import type { PendingDigest } from '../metadata/file-digests';
import type { Descriptor, Repository } from '../oci';
import { loadVerifiedPack } from '../pack/verify-pack';
import { cacheDir, type CollectedFacts } from '../resource-facts';
import type { StoreInput } from '../store';

/** Pushes (or, in a dry run, digests) the closure's layers; settles the pending model digests from them. */
export async function pushClosureLayers(input: StoreInput, { facts, closureFiles }: CollectedFacts, repo: Repository, pending: PendingDigest[]): Promise<Descriptor[]> {
  const packed = input.packed ?? (input.packDir ? await loadVerifiedPack(input.workspaceRoot, input.resource, input.closure, input.packDir, closureFiles) : null);
  const sources = packed?.sources ?? closureLayerSources(input.workspaceRoot, input.resource, input.closure, closureFiles);
  const layers = await pushLayers(sources, {
    cache: new LayerCache(cacheDir(input.workspaceRoot, 'layers')),
    to: input.dryRun
      ? undefined
      : { repo, registry: input.registry, name: input.resource.name, homes: new BlobHomes(cacheDir(input.workspaceRoot, 'homes')), progress: input.progress },
  }, packed?.known ?? knownModelDigests(sources, facts.files));
  settleModelDigests(pending, sources, layers);
  return layers;
}
