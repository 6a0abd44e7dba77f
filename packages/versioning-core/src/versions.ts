import { Annotations } from './artifact/annotations';
import { formatTable } from './format/table';
import { openRepository, parseManifest, type RegistryReference, type Repository } from './oci';
import type { ProjectRef } from './project-ref';
import { readResourceInterface } from './resource-facts';
import { classifyTag, type TagKind } from './tags';

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
}

/** Every tag of the resource's repository, newest first, marked compatible with the current interface. */
export async function listVersions(input: ListVersionsInput): Promise<VersionRow[]> {
  const current = readResourceInterface(input.workspaceRoot, input.resource);
  const rows = await listRepositoryVersions(openRepository(input.registry, input.resource.name), current.clientHash);
  return input.compatibleOnly ? rows.filter((row) => row.compatible) : rows;
}

/** Concurrent manifest reads: enough to hide latency, few enough to be polite to a registry. */
const CONCURRENCY = 8;

export async function listRepositoryVersions(repo: Repository, currentClientHash?: string): Promise<VersionRow[]> {
  const tags = await repo.listTags();
  const rows: VersionRow[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tags.length) {
      const tag = tags[next++];
      const row = await readRow(repo, tag, currentClientHash);
      if (row) rows.push(row);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tags.length) }, worker));
  return rows.sort(newestFirst);
}

async function readRow(repo: Repository, tag: string, currentClientHash?: string): Promise<VersionRow | null> {
  const fetched = await repo.fetchManifest(tag);
  // Gone between listing and reading (a concurrent clean): not a version any more.
  if (!fetched) return null;
  const annotations = parseManifest(fetched.bytes, `${repo.reference}:${tag}`).annotations ?? {};
  const clientHash = annotations[Annotations.clientHash] ?? null;
  return {
    tag,
    kind: classifyTag(tag).kind,
    digest: fetched.descriptor.digest,
    created: annotations[Annotations.created] ?? null,
    clientHash,
    compatible: clientHash !== null && clientHash === currentClientHash,
  };
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
