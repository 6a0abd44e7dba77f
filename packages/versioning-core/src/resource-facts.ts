import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { ResourceFacts } from './artifact/resource-artifact';
import { UserError } from './errors';
import { perCallGitFacts, type ClosureFactsSource, type ClosureSpec } from './git';
import { clientHash, extractInterface, type InterfaceDescriptor } from './interface';
import type { ProjectRef } from './project-ref';
import { readResourceConfig, type ResourceConfig } from './resource/resource-config';

const run = promisify(execFile);

/** Where our caches live inside a workspace (git-ignored by the init generator). */
export function cacheDir(workspaceRoot: string, kind: 'interface' | 'layers' | 'homes'): string {
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

/**
 * Everything a store records about the resource: config, interface, git state of its closure.
 * `git` is shared by the tasks of an Nx batch, so that one git log answers all of them.
 */
export async function collectResourceFacts(
  workspaceRoot: string,
  resource: ProjectRef,
  closure: ProjectRef[],
  git: ClosureFactsSource = perCallGitFacts(workspaceRoot),
): Promise<ResourceFacts> {
  const current = readResourceInterface(workspaceRoot, resource);
  const facts = await git.factsOf(closureSpec(resource, closure));
  return {
    name: resource.name,
    interface: current.interface,
    clientHash: current.clientHash,
    closureProjects: closure.map((p) => p.name).sort(),
    closureCommit: facts.closureCommit,
    // From the same rev-parse as the closure facts: no second git call, no HEAD moving in between.
    headCommit: facts.head,
    dirtyHash: facts.dirtyHash,
    requires: current.config.requires,
    metrics: readMetrics(workspaceRoot, resource, current.config),
    source: await originUrl(workspaceRoot),
  };
}

/** The git question for a resource: its name and the roots of its closure projects. */
export function closureSpec(resource: ProjectRef, closure: ProjectRef[]): ClosureSpec {
  return { name: resource.name, paths: closure.map((p) => p.root) };
}

function readMetrics(workspaceRoot: string, resource: ProjectRef, config: ResourceConfig): unknown {
  if (!config.metricsFile) return null;
  const file = path.join(workspaceRoot, resource.root, config.metricsFile);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`${file}: metricsFile of ${resource.name} cannot be read as JSON (${(err as Error).message})`);
  }
}

/** `.source` annotation: where the code lives, when the repository says so; credentials stripped. */
async function originUrl(workspaceRoot: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['config', '--get', 'remote.origin.url'], { cwd: workspaceRoot });
    return stdout.trim().replace(/\/\/[^@/]*@/, '//') || undefined;
  } catch {
    return undefined;
  }
}
