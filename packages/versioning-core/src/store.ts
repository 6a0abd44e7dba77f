import { Readable } from 'node:stream';
import { LayerCache } from './artifact/layer-cache';
import { pushClosureLayers } from './artifact/push-layers';
import { resourceConfigBlob, resourceManifest, sameContent, type ResourceFacts } from './artifact/resource-artifact';
import { currentBranch, type ClosureFactsSource } from './git';
import {
  digestOf,
  MediaTypes,
  openRepository,
  parseManifest,
  serializeManifest,
  type Descriptor,
  type ImageManifest,
  type RegistryReference,
  type RegistrySession,
  type Repository,
} from './oci';
import type { ProjectRef } from './project-ref';
import { cacheDir, collectResourceFacts, type CollectedFacts } from './resource-facts';
import { adhocTag, branchTag, CLEAN_DIRTY7, short7 } from './tags';

export interface StoreInput {
  workspaceRoot: string;
  resource: ProjectRef;
  /** Every project of the resource's closure, the resource itself included. */
  closure: ProjectRef[];
  registry: RegistryReference;
  /** Also push `<branch>-<dirty7>-<client7>`. */
  branch?: boolean;
  /** Push only the branch tag. */
  branchOnly?: boolean;
  dryRun?: boolean;
  log?: (line: string) => void;
  /** Git facts shared with other tasks of the same run; default: a git call of its own. */
  git?: ClosureFactsSource;
  /** Registry auth shared with other tasks of the same run; default: this call's own. */
  session?: RegistrySession;
}

export interface StoreResult {
  repository: string;
  tags: string[];
  digest: string;
  clientHash: string;
  closureCommit: string;
  dirtyHash: string | null;
  blobsUploaded: number;
  bytesUploaded: number;
  /** The tags already pointed at the same artifact: nothing was pushed. */
  unchanged: boolean;
  dryRun: boolean;
}

/** Builds the resource artifact and pushes it under its adhoc (and/or branch) tag. */
export async function storeResource(input: StoreInput): Promise<StoreResult> {
  return (await pushResourceArtifact(input, await collectResourceFacts(input.workspaceRoot, input.resource, input.closure, input.git))).result;
}

export interface PushedArtifact {
  result: StoreResult;
  repo: Repository;
  /** The exact bytes now under the store tags. */
  manifestBytes: Buffer;
}

/** The push half of `store`, for callers (release) that already collected the facts. */
export async function pushResourceArtifact(input: StoreInput, { facts, closureFiles }: CollectedFacts): Promise<PushedArtifact> {
  const tags = await storeTags(input, facts);
  const repo = openRepository(input.registry, input.resource.name, { session: input.session });
  const push = !input.dryRun;

  const layers = await pushClosureLayers(repo, input.closure, closureFiles, new LayerCache(cacheDir(input.workspaceRoot, 'layers')), push);
  const configBytes = resourceConfigBlob(facts);
  const config: Descriptor = { mediaType: MediaTypes.resourceConfig, digest: digestOf(configBytes), size: configBytes.length };
  if (push) await repo.pushBlob(config, () => Readable.from([configBytes]));

  const manifestBytes = await manifestFor(repo, tags[0], resourceManifest(facts, config, layers, new Date()));
  const digest = digestOf(manifestBytes);
  let pushedTags = 0;
  for (const tag of tags) {
    if ((await repo.resolve(tag))?.digest === digest) continue;
    pushedTags++;
    if (push) await repo.pushManifest(manifestBytes, MediaTypes.imageManifest, tag);
    input.log?.(`${input.dryRun ? 'would push' : 'pushed'} ${repo.reference}:${tag}`);
  }
  const result: StoreResult = {
    repository: repo.reference,
    tags,
    digest,
    clientHash: facts.clientHash,
    closureCommit: facts.closureCommit,
    dirtyHash: facts.dirtyHash,
    blobsUploaded: repo.counters.blobsUploaded,
    bytesUploaded: repo.counters.bytesUploaded,
    unchanged: pushedTags === 0,
    dryRun: !push,
  };
  return { result, repo, manifestBytes };
}

async function storeTags(input: StoreInput, facts: ResourceFacts): Promise<string[]> {
  const dirty7 = facts.dirtyHash ? short7(facts.dirtyHash) : CLEAN_DIRTY7;
  const client7 = short7(facts.clientHash);
  const adhoc = adhocTag(short7(facts.closureCommit), dirty7, client7);
  if (!input.branch && !input.branchOnly) return [adhoc];
  const branch = branchTag(await currentBranch(input.workspaceRoot), dirty7, client7);
  return input.branchOnly ? [branch] : [adhoc, branch];
}

/**
 * The tag encodes the content, so when it already holds the same config and layers we keep
 * that manifest (and its `created` time) instead of minting a new digest for the same artifact.
 */
async function manifestFor(repo: Repository, tag: string, candidate: ImageManifest): Promise<Buffer> {
  const existing = await repo.fetchManifest(tag);
  if (existing) {
    const previous = parseManifest(existing.bytes, `${repo.reference}:${tag}`);
    if (sameContent(previous, candidate)) return existing.bytes;
  }
  return serializeManifest(candidate);
}
