import { UserError } from '../errors';
import { Annotations, MediaTypes, parseManifest, type Repository } from '../oci';
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
      `${repo.reference}:${tag} already exists with other content (${heldBy(existing.bytes, existing.descriptor.digest, tag)}): release tags are immutable; ${HOW_TO_GO_ON}`,
    );
  }
  const pushed = await repo.pushManifest(bytes, MediaTypes.imageManifest, tag);
  const after = await repo.fetchManifest(tag);
  if (after?.descriptor.digest !== pushed.digest) {
    const now = after ? heldBy(after.bytes, after.descriptor.digest, tag) : 'gone';
    throw new UserError(`${repo.reference}:${tag} was pushed by another release at the same time (now ${now}): ${HOW_TO_GO_ON}`);
  }
  return index.record(tag, bytes, pushed);
}

/** SPEC §7.4: the loser learns which commit took the version and that merging it gives the next one. */
const HOW_TO_GO_ON = 'if that commit is not in your history, `git fetch` and merge it, then re-run release to get the next version';

/** `from commit <sha>` of a release manifest (its `revision`), else its digest. */
function heldBy(bytes: Buffer, digest: string, tag: string): string {
  const revision = parseManifest(bytes, tag).annotations?.[Annotations.revision];
  return revision ? `released from commit ${revision.slice(0, 12)}, ${digest.slice(0, 19)}` : digest.slice(0, 19);
}

/** Moves a floating tag (`latest`, `client-v<MAJOR>`, `env-*`). */
export async function moveTag(repo: Repository, index: Ocidex, tag: string, bytes: Buffer): Promise<void> {
  const pushed = await repo.pushManifest(bytes, MediaTypes.imageManifest, tag);
  index.record(tag, bytes, pushed);
}
