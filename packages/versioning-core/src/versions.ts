import { formatTable } from './format/table';
import { openRepository, type RegistryReference, type Repository } from './oci';
import { Ocidex, type BrokenTag, type ForeignEntry, type IndexEntry } from './ocidex';
import type { ProjectRef } from './project-ref';
import { readResourceInterface } from './resource-facts';
import type { TagKind } from './tags';

export interface VersionRow {
  tag: string;
  /** `broken`: the registry would not give this tag's manifest; `error` says why. */
  kind: TagKind | 'broken';
  digest: string;
  /** RFC 3339, from the manifest's `org.opencontainers.image.created`. */
  created: string | null;
  clientHash: string | null;
  /** Same client hash as the resource's current interface. */
  compatible: boolean;
  /** Only on broken rows. */
  error?: string;
}

export interface ListVersionsInput {
  workspaceRoot: string;
  resource: ProjectRef;
  registry: RegistryReference;
  compatibleOnly?: boolean;
}

/**
 * Every tag of the resource's repository, newest first, marked compatible with the current
 * interface. A tag the registry will not give is a `broken` row with its error, not a failure.
 */
export async function listVersions(input: ListVersionsInput): Promise<VersionRow[]> {
  const current = readResourceInterface(input.workspaceRoot, input.resource);
  const rows = await listRepositoryVersions(openRepository(input.registry, input.resource.name), current.clientHash);
  return input.compatibleOnly ? rows.filter((row) => row.compatible) : rows;
}

export async function listRepositoryVersions(repo: Repository, currentClientHash?: string): Promise<VersionRow[]> {
  const index = new Ocidex(repo);
  const entries = await index.refresh({ keepBroken: true });
  return [
    ...entries.filter((entry) => entry.kind !== 'placeholder').map((entry) => toRow(entry, currentClientHash)),
    ...index.foreign().map(foreignRow),
    ...index.broken().map(brokenRow),
  ].sort(newestFirst);
}

function toRow(entry: IndexEntry, currentClientHash?: string): VersionRow {
  return {
    tag: entry.tag,
    kind: entry.kind,
    digest: entry.digest,
    created: entry.created,
    clientHash: entry.clientHash,
    compatible: entry.clientHash !== null && entry.clientHash === currentClientHash,
  };
}

/** Another tool's image index or manifest list: only its digest is known. */
function foreignRow(entry: ForeignEntry): VersionRow {
  return { tag: entry.tag, kind: entry.kind, digest: entry.digest, created: null, clientHash: null, compatible: false };
}

function brokenRow(broken: BrokenTag): VersionRow {
  return { tag: broken.tag, kind: 'broken', digest: '', created: null, clientHash: null, compatible: false, error: broken.error };
}

function newestFirst(a: VersionRow, b: VersionRow): number {
  return (b.created ?? '').localeCompare(a.created ?? '') || a.tag.localeCompare(b.tag);
}

/** The table, then one line per broken tag with its error. */
export function formatVersionsTable(rows: VersionRow[]): string {
  const errors = rows.filter((row) => row.error !== undefined).map((row) => `\n${row.tag}: ${row.error}`);
  return formatTable(
    ['tag', 'kind', 'digest', 'created', 'client hash', 'compatible'],
    rows.map((row) => [
      row.tag,
      row.kind,
      row.digest.replace(/^sha256:/, '').slice(0, 12) || '-',
      row.created ?? '-',
      row.clientHash ? row.clientHash.slice(0, 7) : '-',
      row.compatible ? 'yes' : 'no',
    ]),
  ) + errors.join('');
}
