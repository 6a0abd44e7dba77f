import * as path from 'node:path';
import type { ClosureFile } from './artifact/closure-files';
import type { ResourceFacts } from './artifact/resource-artifact';
import { startEarly } from './concurrently';
import { commitAuthor, gitUser, perCallGitFacts, type ClosureFactsSource, type ClosureSpec } from './git';
import { clientHash, extractInterface, type InterfaceDescriptor } from './interface';
import { modelTest, type ModelTest } from './artifact/layer-plan';
import { FileDigestCache, type FileRecord, type PendingDigest } from './metadata/file-digests';
import { readMetricsFile } from './metadata/metrics';
import type { ProjectRef } from './project-ref';
import { readResourceConfig, type ResourceConfig } from './resource/resource-config';

/** Where our caches live inside a workspace (git-ignored by the init generator). */
export function cacheDir(workspaceRoot: string, kind: 'interface' | 'layers' | 'files' | 'homes'): string {
  return path.join(workspaceRoot, '.modelos', 'cache', kind);
}

export interface ResourceInterface {
  config: ResourceConfig;
  interface: InterfaceDescriptor;
  clientHash: string;
}

/** The resource's config and current interface: enough for `versions --compatible`. */
export function readResourceInterface(workspaceRoot: string, resource: ProjectRef): ResourceInterface {
  const projectRoot = path.join(workspaceRoot, resource.root);
  const config = readResourceConfig(projectRoot);
  const descriptor = extractInterface({
    entryFile: path.join(projectRoot, config.entry),
    className: config.class,
    cacheDir: cacheDir(workspaceRoot, 'interface'),
  });
  return { config, interface: descriptor, clientHash: clientHash(descriptor) };
}

/** What a store records about the resource, and the files its layers are made of. */
export interface CollectedFacts {
  facts: ResourceFacts;
  /** Per project root: the files on disk now, which the layers are built from. */
  closureFiles: Map<string, ClosureFile[]>;
  /** Model files whose sha256 `facts.files` still lacks (with `deferModelDigests`): learnt while their layers are sent. */
  pendingDigests: PendingDigest[];
}

export interface CollectOptions {
  /** Leave uncached model files unread: a store hashes them while it uploads them, in one read. */
  deferModelDigests?: boolean;
}

/**
 * Everything a store records: config, interface, metrics, git state of its closure, its files.
 * `git` is shared by the tasks of an Nx batch, so that one git log answers all of them.
 */
export async function collectResourceFacts(
  workspaceRoot: string,
  resource: ProjectRef,
  closure: ProjectRef[],
  git: ClosureFactsSource = perCallGitFacts(workspaceRoot),
  options: CollectOptions = {},
): Promise<CollectedFacts> {
  // Git runs while the interface is read (a parse, on a cold cache) and lists the files while it looks for the closure commit.
  const factsAsked = startEarly(git.factsOf(closureSpec(resource, closure)));
  const filesAsked = startEarly(git.filesOf(closure.map((p) => p.root)));
  const current = readResourceInterface(workspaceRoot, resource);
  const { metrics, labels } = readMetricsFile(workspaceRoot, resource.root, current.config.metricsFile);
  // Git facts first: outside a repository they say so in one clear line.
  const facts = await factsAsked;
  const closureFiles = await filesAsked;
  const defer = options.deferModelDigests ? modelTest(resource.root, current.config.models) : () => false;
  const { files, pending } = await closureFileRecords(workspaceRoot, closure, closureFiles, defer);
  return {
    facts: {
      name: resource.name,
      interface: current.interface,
      clientHash: current.clientHash,
      closureProjects: closure.map((p) => p.name).sort(),
      closureCommit: facts.closureCommit,
      // From the same rev-parse as the closure facts: no second git call, no HEAD moving in between.
      headCommit: facts.head,
      dirtyHash: facts.dirtyHash,
      requires: current.config.requires,
      // Uncommitted content is the work of whoever stores it, not of the last committer.
      author: facts.dirtyHash ? await gitUser(workspaceRoot) : (facts.closureAuthor ?? (await commitAuthor(workspaceRoot, facts.closureCommit))),
      files,
      metrics,
      labels,
    },
    closureFiles,
    pendingDigests: pending,
  };
}

/**
 * Per closure project (by name), the path, size and sha256 of its files; stat-cached per machine.
 * Uncached files `defer` picks are left for later (see PendingDigest).
 */
export async function closureFileRecords(
  workspaceRoot: string,
  closure: ProjectRef[],
  closureFiles: Map<string, ClosureFile[]>,
  defer: ModelTest = () => false,
): Promise<{ files: Record<string, FileRecord[]>; pending: PendingDigest[] }> {
  const cache = new FileDigestCache(cacheDir(workspaceRoot, 'files'));
  const files: Record<string, FileRecord[]> = {};
  const pending: PendingDigest[] = [];
  for (const project of closure) {
    const collected = await cache.recordsDeferring(project.root, closureFiles.get(project.root) ?? [], defer);
    files[project.name] = collected.records;
    pending.push(...collected.pending);
  }
  return { files, pending };
}

/** The git question for a resource: its name and the roots of its closure projects. */
export function closureSpec(resource: ProjectRef, closure: ProjectRef[]): ClosureSpec {
  return { name: resource.name, paths: closure.map((p) => p.root) };
}
