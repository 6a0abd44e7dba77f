import { environmentsByDigest, listEnvironments } from '../environments/list';
import { UserError } from '../errors';
import type { Repository } from '../oci';
import { Ocidex, type IndexEntry } from '../ocidex';
import { compareVersions, isReleaseKind, parseVersion, tryParseVersion, versionTag, type TagKind } from '../tags';
import { readVersionMetadata, releaseVersionOn, type VersionMetadata } from './version-metadata';

/** Where a version stands now: what its tag is, and which tags and environments point at it. */
export interface VersionStatus {
  kind: TagKind;
  /** Every tag on the same digest, sorted (the described one included). */
  tags: string[];
  /** The environments that send it traffic now (`production`, or `production 10%` in a split), sorted. */
  environments: string[];
}

export interface VersionDescription extends VersionMetadata {
  repository: string;
  tag: string;
  digest: string;
  status: VersionStatus;
}

/** SPEC §10 `describe`: one version's metadata and status, from the index, its manifest and its config. */
export async function describeVersion(repo: Repository, tag: string, index = new Ocidex(repo)): Promise<VersionDescription> {
  const [entries, assignments] = await Promise.all([index.refresh(), listEnvironments(repo)]);
  const entry = findVersion(repo, tag, entries, index);
  const metadata = await readVersionMetadata(repo, entry.tag, entry.digest, releaseVersionOn(entries, entry.digest));
  const same = entries.filter((other) => other.digest === entry.digest);
  return {
    ...metadata,
    repository: repo.reference,
    tag: entry.tag,
    digest: entry.digest,
    status: {
      kind: entry.kind,
      tags: same.map((other) => other.tag).sort(),
      environments: environmentsByDigest(assignments.map(({ environment, current }) => ({ environment, targets: current.targets }))).get(entry.digest) ?? [],
    },
  };
}

/**
 * The index entry of `tag`, a version given without its `v` (`1.1.0`) included; a missing or
 * foreign tag is the user's to fix, with the releases there are.
 */
export function findVersion(repo: Repository, tag: string, entries: IndexEntry[], index: Ocidex): IndexEntry {
  const version = /^\d/.test(tag) ? tryParseVersion(tag) : undefined;
  const wanted = version ? versionTag(version) : tag;
  const entry = entries.find((candidate) => candidate.tag === wanted);
  if (entry) return entry;
  // Written as a version (1.0, 01.1.0, v1.0.0+x) but none: the version rule says more than "no tag".
  if (!version && /^v?\d+\.\d/.test(tag)) parseVersion(tag);
  if (index.foreign().some((foreign) => foreign.tag === tag)) {
    throw new UserError(`${repo.reference}:${tag} is not a resource version (another tool's image index or manifest list)`);
  }
  const releases = entries
    .filter((candidate) => isReleaseKind(candidate.kind))
    .map((candidate) => candidate.tag)
    .sort((a, b) => compareVersions(parseVersion(b), parseVersion(a)));
  const shown = releases.length > 5 ? `${releases.slice(0, 5).join(', ')} …` : releases.join(', ');
  const known = releases.length ? `newest releases: ${shown}` : entries.length ? 'no releases yet' : 'the repository is empty';
  throw new UserError(`${repo.reference} has no tag "${tag}" (${known}; \`versions\` lists every tag)`);
}
