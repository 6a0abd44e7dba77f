import { formatTable } from './format/table';
import { Annotations, tryParseManifest, untag, type Repository } from './oci';
import { Ocidex, type ForeignEntry, type IndexEntry } from './ocidex';
import { isCleanableKind } from './tags';
import { byCodeUnits } from './code-unit-order';

export interface CleanAction {
  tag: string;
  digest: string;
  /** `delete`: no other tag shares the manifest; `untag`: others do, so only the tag goes. */
  action: 'delete' | 'untag';
}

export interface CleanResult {
  repository: string;
  actions: CleanAction[];
  kept: number;
  dryRun: boolean;
}

/**
 * Deletes adhoc and branch tags, never a release, package, `latest` or `env-*` tag, nor a
 * manifest one of those still points at, nor one a kept image index lists. A manifest shared
 * with a kept tag loses only the cleaned tag (`untag`: placeholder swap), since deleting by
 * digest drops every tag on it.
 */
export async function cleanRepository(repo: Repository, options: { dryRun?: boolean; log?: (line: string) => void } = {}): Promise<CleanResult> {
  const index = new Ocidex(repo);
  const entries = await index.refresh();
  const foreign = index.foreign();
  const actions = planClean(entries, foreign);
  if (!options.dryRun) {
    try {
      for (const planned of actions) {
        // What was done: a planned deletion may have become an untag (see deleteIfStill).
        if (planned.action === 'delete') planned.action = await deleteIfStill(repo, planned.tag, planned.digest);
        else await untag(repo, planned.tag);
        index.forget(planned.tag);
        options.log?.(`${planned.action === 'delete' ? 'deleted' : 'untagged'} ${repo.reference}:${planned.tag}`);
      }
    } finally {
      // One write for the run; a failure midway still records the tags already gone.
      index.save();
    }
  }
  return { repository: repo.reference, actions, kept: entries.length + foreign.length - actions.length, dryRun: !!options.dryRun };
}

/** `foreign`: tags on something other than an image manifest; all kept, with what an index among them lists. */
export function planClean(entries: IndexEntry[], foreign: ForeignEntry[]): CleanAction[] {
  const keptDigests = new Set([
    ...entries.filter((entry) => !isCleanableKind(entry.kind)).map((entry) => entry.digest),
    ...foreign.flatMap((entry) => [entry.digest, ...entry.references]),
  ]);
  const cleanable = entries.filter((entry) => isCleanableKind(entry.kind));
  const deleted = new Set<string>();
  return cleanable
    .sort((a, b) => byCodeUnits(a.tag, b.tag))
    .map((entry): CleanAction => {
      // Several cleanable tags on one digest: delete the manifest once, the rest go with it.
      if (keptDigests.has(entry.digest) || deleted.has(entry.digest)) return { tag: entry.tag, digest: entry.digest, action: 'untag' };
      deleted.add(entry.digest);
      return { tag: entry.tag, digest: entry.digest, action: 'delete' };
    });
}

/**
 * The tag may have moved since the index was read: its manifest is deleted only if it is still
 * there and is no release manifest. A release moves the adhoc tag onto its release manifest
 * before it pushes `v<version>` there, so a release manifest with no other tag at listing time
 * may gain one any moment; deleting it by digest would take that tag along. It is untagged.
 */
async function deleteIfStill(repo: Repository, tag: string, digest: string): Promise<CleanAction['action']> {
  const now = await repo.fetchManifest(tag);
  if (!now) return 'delete';
  const releaseManifest = tryParseManifest(now.bytes)?.annotations?.[Annotations.version] !== undefined;
  if (now.descriptor.digest !== digest || releaseManifest) {
    await untag(repo, tag);
    return 'untag';
  }
  await repo.deleteManifest(digest);
  return 'delete';
}

export function formatCleanTable(result: CleanResult): string {
  return formatTable(
    ['tag', 'action', 'digest'],
    result.actions.map((a) => [a.tag, result.dryRun ? `would ${a.action}` : a.action, a.digest.replace(/^sha256:/, '').slice(0, 12)]),
  );
}
