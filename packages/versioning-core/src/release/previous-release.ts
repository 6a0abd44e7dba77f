import { nearestAncestor, type ClosureFactsSource } from '../git';
import type { IndexEntry } from '../ocidex';
import { compareVersions, parseGitReleaseTag, parseVersion, versionTag, type Version } from '../tags';

export interface PreviousRelease {
  version: Version;
  /** The registry's record of that release: what it was made from. */
  entry: IndexEntry;
  /** How it was found, for the output. */
  foundBy: 'git tag' | 'registry history' | 'highest registry release';
}

export interface PreviousReleaseInput {
  workspaceRoot: string;
  resource: string;
  /** Git answers shared by the tasks of a run (the release tags). */
  git: ClosureFactsSource;
  /** Every tag of the resource's repository (Ocidex). */
  entries: IndexEntry[];
  warn: (line: string) => void;
}

/**
 * SPEC §7.1: with git tags, the highest `mdl-<res>-v*` merged into HEAD (no registry walk);
 * else the registry's stable releases whose revision is the nearest ancestor of HEAD. When
 * history cannot tell (shallow clone, rewritten history) the highest release is the base, with
 * a warning: a version is never computed from a base that is too low without saying so.
 */
export async function findPreviousRelease(input: PreviousReleaseInput): Promise<PreviousRelease | null> {
  const releases = input.entries.filter((entry) => entry.kind === 'release');
  const byTag = new Map(releases.map((entry) => [entry.tag, entry]));

  const fromTag = await input.git.releaseTag(input.resource, (tags) => highestStableTag(input.resource, tags));
  const fromTags = fromTag === undefined ? undefined : parseGitReleaseTag(input.resource, fromTag);
  // Releases made without --gitTag can be newer than every git tag: then only history can tell.
  const newerInRegistry = fromTags && releases.some((entry) => compareVersions(parseVersion(entry.tag), fromTags) > 0);
  if (fromTags && !newerInRegistry) {
    const entry = byTag.get(versionTag(fromTags));
    if (entry) return { version: fromTags, entry, foundBy: 'git tag' };
    input.warn(`git tag mdl-${input.resource}-${versionTag(fromTags)} has no ${versionTag(fromTags)} in the registry; finding the previous release from the registry instead`);
  }
  if (releases.length === 0) return null;

  const revisions = new Set(releases.map((entry) => entry.revision).filter((r): r is string => r !== null));
  const nearest = await nearestAncestor(input.workspaceRoot, revisions);
  if (nearest.commit) {
    const atCommit = releases.filter((entry) => entry.revision === nearest.commit);
    const entry = highestEntry(atCommit);
    return { version: parseVersion(entry.tag), entry, foundBy: 'registry history' };
  }
  const entry = highestEntry(releases);
  input.warn(
    nearest.shallow
      ? `this is a shallow clone: no release of ${input.resource} is in the fetched history; using the highest release ${entry.tag} as the previous one (fetch more history for an exact answer)`
      : `no release of ${input.resource} was made from a commit in HEAD's history; using the highest release ${entry.tag} as the previous one`,
  );
  return { version: parseVersion(entry.tag), entry, foundBy: 'highest registry release' };
}

/** The git release tag of the highest stable version among `tags`. */
function highestStableTag(resource: string, tags: string[]): string | undefined {
  let best: { tag: string; version: Version } | undefined;
  for (const tag of tags) {
    const version = parseGitReleaseTag(resource, tag);
    if (version && version.prerelease.length === 0 && (!best || compareVersions(version, best.version) > 0)) best = { tag, version };
  }
  return best?.tag;
}

function highestEntry(entries: IndexEntry[]): IndexEntry {
  return entries.sort((a, b) => compareVersions(parseVersion(a.tag), parseVersion(b.tag))).at(-1)!;
}
