import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { EmptyJson, MediaTypes, serializeManifest, type Descriptor } from './content';
import { LayoutRepository } from './layout/repository';
import { repositoryPath, type RegistryReference } from './reference';
import { RemoteRepository } from './remote/repository';
import type { RetryPolicy } from './retry/policy';
import type { RegistrySession } from './session';

/** The one storage interface of both backends (remote registry, OCI image layout). */
export interface Repository {
  /** e.g. "127.0.0.1:5000/ml-project/ham" or "oci:/abs/dir/ham". */
  readonly reference: string;
  blobExists(digest: string): Promise<boolean>;
  /** Skips the upload when the blob is present; streams `open()` otherwise and verifies its digest. */
  pushBlob(desc: Descriptor, open: () => NodeJS.ReadableStream): Promise<{ uploaded: boolean }>;
  /**
   * Uploads a blob whose digest is not known yet, hashing while sending (one pass, memory
   * flat); the blob is complete under its digest only once all of it arrived. `open` is called
   * once the backend is ready to read, so a refused upload leaves no stream opened and unread.
   */
  pushBlobStreaming(open: () => NodeJS.ReadableStream): Promise<BlobWritten>;
  /**
   * Makes a blob that `from` (a sibling repository of the same registry) holds available here
   * without sending it; false when that cannot be done (other registry, unknown blob).
   */
  mountBlob(desc: Descriptor, from: Repository): Promise<boolean>;
  /** Whole blob in memory (configs); verified against the digest. */
  fetchBlob(digest: string): Promise<Buffer>;
  /** Streamed blob; the stream fails at its end if the content does not match the digest. */
  fetchBlobStream(digest: string): Promise<NodeJS.ReadableStream>;
  /** Stores the exact bytes; with no tag the manifest is stored by digest only. */
  pushManifest(bytes: Buffer, mediaType: string, tag?: string): Promise<Descriptor>;
  /** By tag or digest; null when unknown. */
  fetchManifest(ref: string): Promise<{ descriptor: Descriptor; bytes: Buffer } | null>;
  /** Tag (or digest) → descriptor; null when it does not exist. */
  resolve(tag: string): Promise<Descriptor | null>;
  /** Every tag, in no particular order; [] for a repository that does not exist yet. */
  listTags(): Promise<string[]>;
  /** Deletes a manifest by digest, and with it every tag pointing at it. */
  deleteManifest(digest: string): Promise<void>;
  readonly counters: RepositoryCounters;
}

export interface BlobWritten {
  digest: string;
  size: number;
}

export interface RepositoryCounters {
  blobsUploaded: number;
  bytesUploaded: number;
  /** Blobs linked from a sibling repository instead of uploaded. */
  blobsMounted: number;
  /** HTTP requests (remote) or storage operations (layout). */
  requests: number;
}

export interface OpenRepositoryOptions {
  /** Source of MODELOS_REGISTRY_USERNAME/PASSWORD, DOCKER_CONFIG, HOME and PATH (credential helpers). */
  env?: NodeJS.ProcessEnv;
  retryPolicy?: RetryPolicy;
  /** A remote request fails after this long without any data moving. */
  idleTimeoutMs?: number;
  /** Auth state shared with the other repositories of the same run; default: this repository's own. */
  session?: RegistrySession;
}

/** The repository of resource `name` in `registry`: `<namespace>/<name>` or `<dir>/<name>`. */
export function openRepository(registry: RegistryReference, name: string, options: OpenRepositoryOptions = {}): Repository {
  const location = repositoryPath(registry, name);
  if (registry.kind === 'layout') return new LayoutRepository(location);
  return new RemoteRepository({ host: registry.host, plainHttp: registry.plainHttp, name: location, ...options });
}

/**
 * Removes one tag and nothing else. Deleting by digest would drop every tag on that digest
 * (distribution 2.x), so the tag is first moved to a unique placeholder manifest, which is then
 * deleted. Returns false when the tag did not exist.
 */
export async function untag(repo: Repository, tag: string): Promise<boolean> {
  const original = await repo.fetchManifest(tag);
  if (!original) return false;
  await repo.pushBlob(EmptyJson.descriptor, () => Readable.from([EmptyJson.bytes]));
  const placeholder = serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: MediaTypes.placeholderArtifact,
    config: EmptyJson.descriptor,
    layers: [EmptyJson.descriptor],
    // Unique, so the placeholder's digest is carried by no other tag.
    annotations: { 'dev.modelos.placeholder': `${tag} ${randomUUID()}` },
  });
  const pushed = await repo.pushManifest(placeholder, MediaTypes.imageManifest, tag);
  try {
    await repo.deleteManifest(pushed.digest);
  } catch (err) {
    // Put the tag back rather than leave it on the placeholder (e.g. deletion disabled).
    await repo.pushManifest(original.bytes, original.descriptor.mediaType, tag);
    throw err;
  }
  return true;
}

