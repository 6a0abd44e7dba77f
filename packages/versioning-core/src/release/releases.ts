import { formatTable } from '../format/table';
import type { Repository } from '../oci';
import { Ocidex, type IndexEntry, type RecordedRequirement } from '../ocidex';
import { compareVersions, isReleaseKind, LATEST_TAG, parseVersion } from '../tags';

export interface ReleaseRow {
  tag: string;
  kind: IndexEntry['kind'];
  version: string | null;
  digest: string;
  created: string | null;
  clientHash: string | null;
  /** Direct requirements the release was resolved with: spec and versions (SPEC §9). */
  requires: Record<string, RecordedRequirement> | null;
}

/** Releases, newest semver first, with `latest` on top (SPEC §5 `releases`). */
export async function listReleases(repo: Repository): Promise<ReleaseRow[]> {
  const entries = await new Ocidex(repo).refresh();
  const releases = entries
    .filter((entry) => isReleaseKind(entry.kind))
    .sort((a, b) => compareVersions(parseVersion(b.tag), parseVersion(a.tag)));
  const latest = entries.find((entry) => entry.tag === LATEST_TAG);
  const latestVersion = latest && releases.find((entry) => entry.digest === latest.digest)?.version;
  const rows = releases.map(toRow);
  return latest ? [{ ...toRow(latest), version: latestVersion ?? null }, ...rows] : rows;
}

function toRow(entry: IndexEntry): ReleaseRow {
  return {
    tag: entry.tag,
    kind: entry.kind,
    version: entry.version,
    digest: entry.digest,
    created: entry.created,
    clientHash: entry.clientHash,
    requires: entry.requires,
  };
}

export function formatReleasesTable(rows: ReleaseRow[]): string {
  return formatTable(
    ['tag', 'version', 'kind', 'digest', 'created'],
    rows.map((row) => [row.tag, row.version ?? '-', row.kind, row.digest.replace(/^sha256:/, '').slice(0, 12), row.created ?? '-']),
  );
}
