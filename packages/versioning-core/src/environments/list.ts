import { formatTable } from '../format/table';
import type { EnvironmentChangeResult } from './change';
import type { Repository } from '../oci';
import { ENVLOG_PREFIX } from '../tags';
import { byCodeUnits } from '../code-unit-order';
import { currentEntry, readEnvlog, type EnvironmentEntry, type EnvironmentTarget, type EnvlogHead } from './envlog';
import { formatPercent, formatSplit, shares } from './weights';

export interface EnvironmentRow {
  environment: string;
  /** The current assignment: the last entry of its history. */
  current: EnvironmentEntry;
  /** How many entries its history holds. */
  entries: number;
}

/** Every environment of the repository with its current split, by name; read from the registry, never from a cache. */
export async function listEnvironments(repo: Repository): Promise<EnvironmentRow[]> {
  const heads = await readEnvironmentHeads(repo);
  return heads.map(({ name, head }) => ({ environment: name, current: currentEntry(head.log), entries: head.log.entries.length }));
}

/** Every environment's history head (whole history included), by name. */
export async function readEnvironmentHeads(repo: Repository): Promise<Array<{ name: string; head: EnvlogHead }>> {
  const names = (await repo.listTags())
    .filter((tag) => tag.startsWith(ENVLOG_PREFIX))
    .map((tag) => tag.slice(ENVLOG_PREFIX.length))
    .sort();
  const heads = await Promise.all(names.map((name) => readEnvlog(repo, name)));
  return heads.flatMap((head, i) => (head ? [{ name: names[i], head }] : []));
}

/**
 * digest → the environments that send it traffic now, sorted: `production` for all of an
 * environment's traffic, `production 10%` for a share of a split. (`env-<name>` marks only the
 * heaviest version of a split.)
 */
export function environmentsByDigest(assignments: Array<{ environment: string; targets: EnvironmentTarget[] }>): Map<string, string[]> {
  const byDigest = new Map<string, string[]>();
  for (const { environment, targets } of assignments) {
    for (const [version, share] of shares(targets)) {
      const target = targets.find((t) => t.version === version)!;
      if (share === 0) continue;
      const named = share === 1 ? environment : `${environment} ${formatPercent(share)}`;
      byDigest.set(target.digest, [...(byDigest.get(target.digest) ?? []), named].sort(byCodeUnits));
    }
  }
  return byDigest;
}

/** One environment's whole history, oldest first; [] when it has none. */
export async function environmentHistory(repo: Repository, environment: string): Promise<EnvironmentEntry[]> {
  return (await readEnvlog(repo, environment))?.log.entries ?? [];
}

export function formatEnvironmentsTable(rows: EnvironmentRow[]): string {
  if (rows.length === 0) return 'no environments yet: promote a release, e.g. nx run <resource>:promote --env staging --version v1.0.0';
  return formatTable(
    ['environment', 'split', 'replicas', 'entry', 'updated', 'by', 'reason'],
    rows.map(({ environment, current, entries }) => [
      environment,
      formatSplit(current.targets),
      String(current.replicas),
      `${current.n}/${entries}`,
      current.time,
      current.who,
      current.reason,
    ]),
  );
}

export function formatHistoryTable(entries: EnvironmentEntry[]): string {
  return formatTable(
    ['#', 'action', 'split', 'replicas', 'time', 'by', 'reason'],
    [...entries].reverse().map((e) => [String(e.n), e.action, formatSplit(e.targets), String(e.replicas), e.time, e.who, e.reason]),
  );
}

/** What a promote, rollback or traffic did, in one line. */
export function formatChangeResult(result: EnvironmentChangeResult): string {
  const { entry, envTag } = result;
  return (
    `${result.resource} ${result.environment} #${entry.n}: ${entry.action} → ${formatSplit(entry.targets)}, ${entry.replicas} replica(s) per version; ` +
    `${envTag.tag} → ${envTag.version}${result.gitTag ? `; git tag ${result.gitTag}` : ''}`
  );
}
