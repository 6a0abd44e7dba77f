import { UserError } from '../errors';
import { MediaTypes, parseManifest, type Repository } from '../oci';
import type { IndexEntry, Ocidex } from '../ocidex';
import { sameContent } from '../artifact/resource-artifact';

/**
 * Pushes an immutable tag and returns its index entry: an existing tag with the same content is
 * success (idempotent re-release, or a concurrent release of the same commit), with other content
 * an error that names it. Read-after-write catches a
 * concurrent writer that got between our check and our push.
 */
export async function publishImmutableTag(repo: Repository, index: Ocidex, tag: string, bytes: Buffer): Promise<IndexEntry> {
  const existing = await repo.fetchManifest(tag);
  if (existing) {
    if (sameContent(parseManifest(existing.bytes, tag), parseManifest(bytes, tag))) return index.record(tag, existing.bytes, existing.descriptor);
    throw new UserError(
      `${repo.reference}:${tag} already exists with other content (${existing.descriptor.digest.slice(0, 19)}): release tags are immutable; release a new version instead`,
    );
  }
  const pushed = await repo.pushManifest(bytes, MediaTypes.imageManifest, tag);
  const after = await repo.resolve(tag);
  if (after?.digest !== pushed.digest) {
    throw new UserError(`${repo.reference}:${tag} was pushed by another release at the same time (now ${after?.digest.slice(0, 19) ?? 'gone'}): re-run release to get the next version`);
  }
  return index.record(tag, bytes, pushed);
}

/** Moves a floating tag (`latest`, `client-v<MAJOR>`, `env-*`). */
export async function moveTag(repo: Repository, index: Ocidex, tag: string, bytes: Buffer): Promise<void> {
  const pushed = await repo.pushManifest(bytes, MediaTypes.imageManifest, tag);
  index.record(tag, bytes, pushed);
}
