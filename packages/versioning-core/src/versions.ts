import { formatTable } from './format/table';
import { openRepository, type RegistryReference, type RegistrySession, type Repository } from './oci';
import { Ocidex, type ForeignEntry, type IndexEntry } from './ocidex';
import type { ProjectRef } from './project-ref';
import { readResourceInterface } from './resource-facts';
import type { TagKind } from './tags';

export interface VersionRow {
  tag: string;
  kind: TagKind;
  digest: string;
  /** RFC 3339, from the manifest's `org.opencontainers.image.created`. */
  created: string | null;
  clientHash: string | null;
  /** Same client hash as the resource's current interface. */
  compatible: boolean;
}

export interface ListVersionsInput {
  workspaceRoot: string;
  resource: ProjectRef;
  registry: RegistryReference;
  compatibleOnly?: boolean;
  /** Registry auth shared with other tasks of the same run; default: this call's own. */
  session?: RegistrySession;
}

/** Every tag of the resource's repository, newest first, marked compatible with the current interface. */
export async function listVersions(input: ListVersionsInput): Promise<VersionRow[]> {
  const current = readResourceInterface(input.workspaceRoot, input.resource);
  const rows = await listRepositoryVersions(openRepository(input.registry, input.resource.name, { session: input.session }), current.clientHash);
  return input.compatibleOnly ? rows.filter((row) => row.compatible) : rows;
}

export async function listRepositoryVersions(repo: Repository, currentClientHash?: string): Promise<VersionRow[]> {
  const index = new Ocidex(repo);
  const entries = await index.refresh();
  return [
    ...entries.filter((entry) => entry.kind !== 'placeholder').map((entry) => toRow(entry, currentClientHash)),
    ...index.foreign().map(foreignRow),
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

function newestFirst(a: VersionRow, b: VersionRow): number {
  return (b.created ?? '').localeCompare(a.created ?? '') || a.tag.localeCompare(b.tag);
}

export function formatVersionsTable(rows: VersionRow[]): string {
  return formatTable(
    ['tag', 'kind', 'digest', 'created', 'client hash', 'compatible'],
    rows.map((row) => [
      row.tag,
      row.kind,
      row.digest.replace(/^sha256:/, '').slice(0, 12),
      row.created ?? '-',
      row.clientHash ? row.clientHash.slice(0, 7) : '-',
      row.compatible ? 'yes' : 'no',
    ]),
  );
}
