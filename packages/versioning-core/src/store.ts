import { Readable } from 'node:stream';
import type { LayerSource } from './artifact/layer-source';
import { resourceConfigBlob, resourceManifest, type ResourceFacts } from './artifact/resource-artifact';
import { perCallGitFacts, type ClosureFactsSource } from './git';
import {
  Annotations,
  digestOf,
  MediaTypes,
  openRepository,
  parseManifest,
  serializeManifest,
  type BlobWritten,
  type Descriptor,
  type ImageManifest,
  type RegistryReference,
  type RegistrySession,
  type Repository,
} from './oci';
import { SHA256_HEX, type PendingDigest } from './metadata/file-digests';
import { parseRecordedConfig } from './metadata/recorded-config';
import type { ProjectRef } from './project-ref';

import { collectResourceFacts, type CollectedFacts } from './resource-facts';
import { adhocTag, branchTag, CLEAN_DIRTY7, short7 } from './tags';
import type { ProgressMeter } from './transfer-progress';

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
  /** Redraws transfer progress (a TTY outside CI, not with --json); see `wantsProgress`. */
  progress?: ProgressMeter;
  /** Layers pack built and verified against the checkout, with their digests: pushed, not rebuilt. */
  packed?: PackedLayers;
  /** Pack's output directory: verified against the checkout and pushed when a push is needed; built here when absent. */
  packDir?: string;
}

export interface PackedLayers {
  sources: LayerSource[];
  known: BlobWritten[];
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
  /** Blobs linked from a sibling repository (a shared model) instead of uploaded. */
  blobsMounted: number;
  /** Registry requests (or layout operations) this store made. */
  requests: number;
  /** The tags already pointed at the same artifact: nothing was pushed. */
  unchanged: boolean;
  dryRun: boolean;
}

/** Builds the resource artifact and pushes it under its adhoc (and/or branch) tag. */
export async function storeResource(input: StoreInput): Promise<StoreResult> {
  const git = input.git ?? perCallGitFacts(input.workspaceRoot);
  const collected = await collectResourceFacts(input.workspaceRoot, input.resource, input.closure, git, { deferModelDigests: true });
  return (await pushResourceArtifact({ ...input, git }, collected)).result;
}

export interface PushedArtifact {
  result: StoreResult;
  repo: Repository;
  /** The exact bytes now under the store tags. */
  manifestBytes: Buffer;
}

/** The push half of `store`, for callers (release) that already collected the facts. */
export async function pushResourceArtifact(input: StoreInput, collected: CollectedFacts): Promise<PushedArtifact> {
  const { facts } = collected;
  const git = input.git ?? perCallGitFacts(input.workspaceRoot);
  const tags = await storeTags(input, facts, git);
  const repo = openRepository(input.registry, input.resource.name, { session: input.session });
  const push = !input.dryRun;
  const existing = await repo.fetchManifest(tags[0]);
  const existingManifest = existing && parseManifest(existing.bytes, `${repo.reference}:${tags[0]}`);
  const pending = existingManifest ? await borrowPendingDigests(collected, repo, existingManifest) : collected.pendingDigests;
  // A model digest still unknown is learnt while its layer is sent (one read): layers first then.
  let layers = pending.length > 0 ? await pushLayersOf(input, collected, repo, pending) : undefined;
  const configBytes = resourceConfigBlob(facts);
  const config: Descriptor = { mediaType: MediaTypes.resourceConfig, digest: digestOf(configBytes), size: configBytes.length };
  // The config names the closure commit, the dirty hash and the interface, so a tag already on
  // this config holds this content: keep its manifest (and created time), build nothing.
  const unchanged = existing && (existingManifest!.config.digest === config.digest || (await releasedWithRequirements(repo, existingManifest!, facts)));
  let manifestBytes: Buffer;
  if (unchanged) {
    manifestBytes = existing.bytes;
  } else {
    layers ??= await pushLayersOf(input, collected, repo, []);
    // Blobs before the manifest that names them: a tag never points at a missing blob.
    if (push) await repo.pushBlob(config, () => Readable.from([configBytes]));
    manifestBytes = serializeManifest(resourceManifest(facts, config, layers, new Date(), await git.originUrl()));
  }
  const digest = digestOf(manifestBytes);
  let pushedTags = 0;
  for (const [i, tag] of tags.entries()) {
    const current = i === 0 ? existing?.descriptor : await repo.resolve(tag);
    if (current?.digest === digest) continue;
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
    blobsMounted: repo.counters.blobsMounted,
    requests: repo.counters.requests,
    unchanged: pushedTags === 0,
    dryRun: !push,
  };
  return { result, repo, manifestBytes };
}

/**
 * On a clean tree the adhoc tag names the content (closure commit, no local change), so a model
 * file of the same path and size that its config records has that sha256: a fresh clone re-storing
 * an unchanged resource reads no model to find out. Taken on trust, so not kept in the cache.
 */
async function borrowPendingDigests({ facts, pendingDigests }: CollectedFacts, repo: Repository, existing: ImageManifest): Promise<PendingDigest[]> {
  if (pendingDigests.length === 0 || facts.dirtyHash !== null) return pendingDigests;
  const recorded = parseRecordedConfig(await repo.fetchBlob(existing.config.digest), repo.reference).files ?? {};
  const bySizeAndPath = new Map(Object.values(recorded).flat().map((file) => [`${file.size} ${file.path}`, file.sha256]));
  return pendingDigests.filter((pending) => {
    const sha256 = bySizeAndPath.get(`${pending.file.size} ${pending.file.path}`);
    const known = sha256 !== undefined && SHA256_HEX.test(sha256);
    if (known) pending.settle(sha256, false);
    return !known;
  });
}

/**
 * A release of a resource with requirements takes the adhoc tag (SPEC §7.5) with a config that
 * adds what it resolved (`resolved`). It holds this content when that config is ours plus its
 * `resolved`: a later store must keep it, or the adhoc tag would leave the release.
 */
async function releasedWithRequirements(repo: Repository, existing: ImageManifest, facts: ResourceFacts): Promise<boolean> {
  if (existing.annotations?.[Annotations.requires] === undefined) return false;
  const resolved = resolvedOf(await repo.fetchBlob(existing.config.digest));
  return resolved !== undefined && digestOf(resourceConfigBlob(facts, resolved)) === existing.config.digest;
}

/** A config's `resolved`, as a release wrote it; undefined when the config holds none (or is not JSON: then it is not ours, and is replaced). */
function resolvedOf(configBytes: Buffer): Record<string, unknown[]> | undefined {
  try {
    const { resolved } = JSON.parse(configBytes.toString('utf8')) ?? {};
    return typeof resolved === 'object' && resolved !== null && !Array.isArray(resolved) ? resolved : undefined;
  } catch {
    return undefined;
  }
}

/** Layer building (tar, gzip, pack verification) loads only when layers are pushed: an unchanged store never does. */
async function pushLayersOf(input: StoreInput, collected: CollectedFacts, repo: Repository, pending: PendingDigest[]): Promise<Descriptor[]> {
  return (await import('./artifact/push-closure-layers')).pushClosureLayers(input, collected, repo, pending);
}

async function storeTags(input: StoreInput, facts: ResourceFacts, git: ClosureFactsSource): Promise<string[]> {
  const dirty7 = facts.dirtyHash ? short7(facts.dirtyHash) : CLEAN_DIRTY7;
  const client7 = short7(facts.clientHash);
  const adhoc = adhocTag(short7(facts.closureCommit), dirty7, client7);
  if (!input.branch && !input.branchOnly) return [adhoc];
  const branch = branchTag(await git.branch(), dirty7, client7);
  return input.branchOnly ? [branch] : [adhoc, branch];
}
