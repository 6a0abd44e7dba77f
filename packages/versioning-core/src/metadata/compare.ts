import type { Author } from '../git';
import { diffInterfaces, type InterfaceChange } from '../interface';
import type { Repository } from '../oci';
import { Ocidex } from '../ocidex';
import { changeSince } from '../release/next-version';
import { LATEST_TAG } from '../tags';
import { findVersion } from './describe';
import type { FileRecord } from './file-digests';
import { readVersionMetadata, releaseVersionOn, type VersionMetadata } from './version-metadata';
import { workingTreeMetadata, type WorkingTree } from './working-tree';

/** One side of a comparison as shown: a tag (null for the working tree) and who made it when. */
export interface ComparedVersion {
  /** null: the working tree. */
  tag: string | null;
  /** The release version it carries (`1.0.0`), also when read through `latest` or `env-*`. */
  version: string | null;
  digest: string | null;
  created: string | null;
  author: Author | null;
  clientHash: string | null;
}

/** `to - from`, and that difference relative to `from` (0.034 = +3.4%; null when from is 0 or missing). */
export interface NumberDifference {
  from: number | null;
  to: number | null;
  difference: number | null;
  relative: number | null;
}

export interface MetricDifference extends NumberDifference {
  name: string;
}

export interface LabelDifference {
  name: string;
  from: string | null;
  to: string | null;
}

export interface InterfaceDifference {
  /** What a release of `to` after `from` would be: `none` for the same content. */
  bump: 'major' | 'minor' | 'none';
  /** In release's words, e.g. "interface grew since v1.0.0: added method slice". */
  reason: string;
  changes: InterfaceChange[];
}

export interface ChangedFile {
  path: string;
  from: Omit<FileRecord, 'path'>;
  to: Omit<FileRecord, 'path'>;
}

export interface ProjectFileChanges {
  project: string;
  /** false when either side's config predates file records: nothing below can be said. */
  recorded: boolean;
  added: FileRecord[];
  removed: FileRecord[];
  changed: ChangedFile[];
  unchanged: number;
}

export interface Comparison {
  repository: string;
  from: ComparedVersion;
  to: ComparedVersion;
  size: NumberDifference;
  metrics: MetricDifference[];
  labels: LabelDifference[];
  interface: InterfaceDifference;
  files: ProjectFileChanges[];
}

export interface CompareInput {
  /** A tag; default `latest`. */
  from?: string;
  /** A tag; default: the working tree (`workingTree` must then be given). */
  to?: string;
  workingTree?: WorkingTree;
}

/**
 * SPEC §10 `compare`: two versions' metadata side by side, from their manifests and configs only
 * (never a layer); the working tree is computed locally like a dry-run store, nothing pushed.
 */
export async function compareResourceVersions(repo: Repository, input: CompareInput): Promise<Comparison> {
  const index = new Ocidex(repo);
  const entries = await index.refresh();
  const read = (tag: string) => {
    const entry = findVersion(repo, tag, entries, index);
    return readVersionMetadata(repo, entry.tag, entry.digest, releaseVersionOn(entries, entry.digest));
  };
  const from = await read(input.from ?? LATEST_TAG);
  const to = input.to !== undefined ? await read(input.to) : await workingTreeMetadata(requireWorkingTree(input));
  return {
    repository: repo.reference,
    from: side(from),
    to: side(to),
    size: difference(from.size, to.size),
    metrics: namesOf(from.metrics, to.metrics).map((name) => ({ name, ...difference(from.metrics[name] ?? null, to.metrics[name] ?? null) })),
    labels: namesOf(from.labels, to.labels).map((name) => ({ name, from: from.labels[name] ?? null, to: to.labels[name] ?? null })),
    interface: interfaceDifference(from, to),
    files: fileChanges(from, to),
  };
}

function requireWorkingTree(input: CompareInput): WorkingTree {
  // A programming error, not the user's: front ends either pass --to or know the workspace.
  if (!input.workingTree) throw new Error('compare without `to` needs the working tree to compare with');
  return input.workingTree;
}

function side(v: VersionMetadata): ComparedVersion {
  return { tag: v.tag, version: v.version, digest: v.digest, created: v.created, author: v.author, clientHash: v.clientHash };
}

/** How reasons name a side: a release by its version (as release does, also through `latest`), else its tag. */
export function sideName(v: Pick<ComparedVersion, 'tag' | 'version'>): string {
  return v.version ? `v${v.version}` : (v.tag ?? 'the working tree');
}

function namesOf(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

/** Rounded to 12 significant digits, so 0.92 - 0.89 is 0.03 and not 0.030000000000000027. */
function difference(from: number | null, to: number | null): NumberDifference {
  if (from === null || to === null) return { from, to, difference: null, relative: null };
  const round = (n: number) => Number(n.toPrecision(12));
  return { from, to, difference: round(to - from), relative: from === 0 ? null : round((to - from) / Math.abs(from)) };
}

/** How `to` differs in interface from `from`, worded as a release of `to` after `from` would say it. */
export function interfaceDifference(from: VersionMetadata, to: VersionMetadata): InterfaceDifference {
  const diff = from.interface && to.interface ? diffInterfaces(from.interface, to.interface) : null;
  const change = changeSince(sideName(from), { state: from, interfaceDiff: diff }, to);
  return change
    ? { bump: change.bump === 'major' ? 'major' : 'minor', reason: change.reason, changes: diff?.changes ?? [] }
    : { bump: 'none', reason: `${sideName(to)} has the same content as ${sideName(from)}`, changes: [] };
}

function fileChanges(from: VersionMetadata, to: VersionMetadata): ProjectFileChanges[] {
  const projects = [...new Set([...to.projects, ...from.projects].map((p) => p.name))];
  return projects.map((project) => {
    const before = from.projects.find((p) => p.name === project);
    const after = to.projects.find((p) => p.name === project);
    // A project only on one side has all its files added or removed; a side without records says nothing.
    const beforeFiles = before ? before.files : [];
    const afterFiles = after ? after.files : [];
    if (!beforeFiles || !afterFiles) return { project, recorded: false, added: [], removed: [], changed: [], unchanged: 0 };
    const old = new Map(beforeFiles.map((f) => [f.path, f]));
    const now = new Map(afterFiles.map((f) => [f.path, f]));
    const changed: ChangedFile[] = [];
    let unchanged = 0;
    for (const file of afterFiles) {
      const previous = old.get(file.path);
      if (!previous) continue;
      if (previous.sha256 === file.sha256) unchanged++;
      else changed.push({ path: file.path, from: { size: previous.size, sha256: previous.sha256 }, to: { size: file.size, sha256: file.sha256 } });
    }
    return {
      project,
      recorded: true,
      added: afterFiles.filter((f) => !old.has(f.path)),
      removed: beforeFiles.filter((f) => !now.has(f.path)),
      changed,
      unchanged,
    };
  });
}
