import { formatTable } from './format/table';
import { forEachConcurrently } from './concurrently';
import { fetchConfig } from './metadata/config-cache';
import { parseRecordedConfig } from './metadata/recorded-config';
import { MediaTypes, openRepository, type RegistryReference, type RegistrySession, type Repository } from './oci';
import { Ocidex, type BrokenTag, type ForeignEntry, type IndexEntry, type RecordedRequirement } from './ocidex';
import type { ProjectRef } from './project-ref';
import { readResourceInterface } from './resource-facts';
import type { TagKind } from './tags';
import { byCodeUnits } from './code-unit-order';

export interface VersionRow {
  tag: string;
  /** `broken`: the registry would not give this tag's manifest; `error` says why. */
  kind: TagKind | 'broken';
  digest: string;
  /** RFC 3339, from the manifest's `org.opencontainers.image.created`. */
  created: string | null;
  clientHash: string | null;
  /** Same client hash as the resource's current interface; null where there is none to compare with (`mdl versions` outside a workspace). */
  compatible: boolean | null;
  /** Releases: direct requirements, spec and resolved versions (SPEC §9). */
  requires: Record<string, RecordedRequirement> | null;
  /** Only on broken rows. */
  error?: string;
  /** With `metrics`: the numbers of the version's metricsFile (from its config); {} for other artifacts. */
  metrics?: Record<string, number>;
}

export interface VersionsOptions {
  /** Mark rows compatible when their client hash is this one. */
  currentClientHash?: string;
  /** Read every version's config for its metrics (one GET per config this machine has not seen). */
  metrics?: boolean;
}

export interface ListVersionsInput {
  workspaceRoot: string;
  resource: ProjectRef;
  registry: RegistryReference;
  compatibleOnly?: boolean;
  metrics?: boolean;
  /** Registry auth shared with other tasks of the same run; default: this call's own. */
  session?: RegistrySession;
}

/**
 * Every tag of the resource's repository, newest first, marked compatible with the current
 * interface. A tag the registry will not give is a `broken` row with its error, not a failure.
 */
export async function listVersions(input: ListVersionsInput): Promise<VersionRow[]> {
  const current = readResourceInterface(input.workspaceRoot, input.resource);
  const rows = await listRepositoryVersions(openRepository(input.registry, input.resource.name, { session: input.session }), {
    currentClientHash: current.clientHash,
    metrics: input.metrics,
  });
  return input.compatibleOnly ? rows.filter((row) => row.compatible === true) : rows;
}

export async function listRepositoryVersions(repo: Repository, options: VersionsOptions = {}): Promise<VersionRow[]> {
  const index = new Ocidex(repo);
  const entries = (await index.refresh({ keepBroken: true })).filter((entry) => entry.kind !== 'placeholder');
  const rows = entries.map((entry) => toRow(entry, options.currentClientHash));
  const foreign = index.foreign().map(foreignRow);
  if (options.metrics) {
    const metrics = await metricsByConfig(repo, entries);
    rows.forEach((row, i) => (row.metrics = metrics.get(entries[i].configDigest) ?? {}));
    for (const row of foreign) row.metrics = {};
  }
  return [...rows, ...foreign, ...index.broken().map(brokenRow)].sort(newestFirst);
}

/** Metrics of each distinct resource config: tags sharing a digest (a release and latest) cost one read. */
async function metricsByConfig(repo: Repository, entries: IndexEntry[]): Promise<Map<string, Record<string, number>>> {
  const digests = [...new Set(entries.filter((e) => e.artifactType === MediaTypes.resourceArtifact).map((e) => e.configDigest))];
  const metrics = new Map<string, Record<string, number>>();
  await forEachConcurrently(digests, CONFIG_READS, async (digest) => {
    metrics.set(digest, parseRecordedConfig(await fetchConfig(repo, digest), `${repo.reference}@${digest}`).metrics);
  });
  return metrics;
}

/** Parallel config reads: as many as the Ocidex's manifest reads. */
const CONFIG_READS = 8;

function toRow(entry: IndexEntry, currentClientHash?: string): VersionRow {
  return {
    tag: entry.tag,
    kind: entry.kind,
    digest: entry.digest,
    created: entry.created,
    clientHash: entry.clientHash,
    compatible: currentClientHash === undefined ? null : entry.clientHash !== null && entry.clientHash === currentClientHash,
    requires: entry.requires,
  };
}

/** Another tool's image index or manifest list: only its digest is known. */
function foreignRow(entry: ForeignEntry): VersionRow {
  return { tag: entry.tag, kind: entry.kind, digest: entry.digest, created: null, clientHash: null, compatible: false, requires: null };
}

function brokenRow(broken: BrokenTag): VersionRow {
  return { tag: broken.tag, kind: 'broken', digest: '', created: null, clientHash: null, compatible: false, requires: null, error: broken.error };
}

function newestFirst(a: VersionRow, b: VersionRow): number {
  return byCodeUnits(b.created ?? '', a.created ?? '') || byCodeUnits(a.tag, b.tag);
}

/**
 * With metrics on the rows, one column per metric name any row has, sorted; '-' where a version
 * lacks it. Then one line per broken tag with its error.
 */
export function formatVersionsTable(rows: VersionRow[]): string {
  const metricNames = [...new Set(rows.flatMap((row) => Object.keys(row.metrics ?? {})))].sort();
  const errors = rows.filter((row) => row.error !== undefined).map((row) => `\n${row.tag}: ${row.error}`);
  return formatTable(
    ['tag', 'kind', 'digest', 'created', 'client hash', 'compatible', ...metricNames],
    rows.map((row) => [
      row.tag,
      row.kind,
      row.digest.replace(/^sha256:/, '').slice(0, 12) || '-',
      row.created ?? '-',
      row.clientHash ? row.clientHash.slice(0, 7) : '-',
      row.compatible === null ? '-' : row.compatible ? 'yes' : 'no',
      ...metricNames.map((name) => (row.metrics?.[name] === undefined ? '-' : String(row.metrics[name]))),
    ]),
  ) + errors.join('');
}
