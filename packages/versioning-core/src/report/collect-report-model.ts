import { forEachConcurrently } from '../concurrently';
import { readVersionMetadata, releaseVersionOn, type VersionMetadata } from '../metadata/version-metadata';
import { interfaceDifference } from '../metadata/compare';
import { currentEntry, type EnvironmentEntry } from '../environments/envlog';
import { environmentsByDigest, readEnvironmentHeads } from '../environments/list';
import type { Repository } from '../oci';
import { Ocidex, type IndexEntry } from '../ocidex';
import { compareVersions, isReleaseKind, parseVersion } from '../tags';
import type { ReportEnvironmentEntry, ReportInterfaceChange, ReportModel, ReportVersion } from './report-model';
import { byCodeUnits } from '../code-unit-order';

/** The page shows every release, and only the newest adhoc and branch versions: those pile up. */
export const ADHOC_VERSIONS_SHOWN = 20;
/** Manifest and config reads in flight at once (each version is two small GETs, configs cached by digest). */
const READS_IN_FLIGHT = 8;

/**
 * What the report shows, read from the registry: the repository's index (one listing and the
 * Ocidex's incremental refresh), each shown version's manifest and config (never a layer),
 * and each environment's history artifact.
 */
export async function collectReportModel(repo: Repository, resource: string): Promise<ReportModel> {
  const index = new Ocidex(repo);
  const entries = await index.refresh();
  const releases = entries.filter((e) => isReleaseKind(e.kind)).sort((a, b) => compareVersions(parseVersion(a.tag), parseVersion(b.tag)));
  const adhoc = entries
    .filter((e) => e.kind === 'adhoc' || e.kind === 'branch')
    .sort((a, b) => byCodeUnits(b.created ?? '', a.created ?? '') || byCodeUnits(a.tag, b.tag))
    .slice(0, ADHOC_VERSIONS_SHOWN)
    .reverse();
  const shown = [...releases, ...adhoc];
  const metadata: VersionMetadata[] = new Array(shown.length);
  await forEachConcurrently([...shown.keys()], READS_IN_FLIGHT, async (i) => {
    metadata[i] = await readVersionMetadata(repo, shown[i].tag, shown[i].digest, releaseVersionOn(entries, shown[i].digest));
  });
  const heads = await readEnvironmentHeads(repo);
  const membership = environmentsByDigest(heads.map(({ name, head }) => ({ environment: name, targets: currentEntry(head.log).targets })));
  return {
    resource,
    repository: repo.reference,
    versions: shown.map((entry, i) => reportVersion(entry, metadata[i], membership.get(entry.digest) ?? [])),
    environments: heads.map(({ name, head }) => ({ name, current: reportEntry(currentEntry(head.log)), history: head.log.entries.map(reportEntry) })),
    interfaceChanges: interfaceChanges(metadata.slice(0, releases.length)),
  };
}

function reportVersion(entry: IndexEntry, meta: VersionMetadata, environments: string[]): ReportVersion {
  return {
    tag: entry.tag,
    kind: entry.kind,
    version: isReleaseKind(entry.kind) ? entry.version : null,
    digest: entry.digest,
    created: meta.created,
    author: meta.author ? `${meta.author.name} <${meta.author.email}>` : null,
    size: meta.size,
    clientHash: meta.clientHash,
    metrics: meta.metrics,
    labels: meta.labels,
    environments,
    files: Object.fromEntries(meta.projects.map((p) => [p.name, p.files ?? []])),
  };
}

function reportEntry(entry: EnvironmentEntry): ReportEnvironmentEntry {
  return {
    time: entry.time,
    who: entry.who,
    reason: entry.reason || entry.action,
    weights: Object.fromEntries(entry.targets.map((t) => [t.version, t.weight])),
    replicas: entry.replicas,
  };
}

/** Between consecutive releases whose interfaces differ, worded as release words them. */
function interfaceChanges(releases: VersionMetadata[]): ReportInterfaceChange[] {
  return releases.slice(1).flatMap((to, i) => {
    const from = releases[i];
    if (from.clientHash === to.clientHash) return [];
    const difference = interfaceDifference(from, to);
    return [{ from: from.tag!, to: to.tag!, bump: difference.bump, reason: difference.reason }];
  });
}
