import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { formatTable } from '../format/table';
import { installPackages, type PulledPackage } from '../install/install';
import { resolvePackage } from '@modelos/runtime';
import { openRepository, type RegistryReference } from '../oci';
import type { ProjectRef } from '../project-ref';
import { readResourceConfig, RESOURCE_FILE } from '../resource/resource-config';
import { clientPackageTag, parseVersion } from '../tags';
import { readLock, type Lock, type LockedVersion, type ReleaseDigests } from '@modelos/runtime';
import { buildLock, lockedChoice, lockPath, serializeLock } from './lock';
import { RegistryCatalog } from './registry-catalog';
import { resolveRequirements, type RootRequirements } from './resolve';
import { writeFileAtomically } from '../file-io';

export interface ResolveWorkspaceInput {
  workspaceRoot: string;
  /** The resources to resolve; the roots of an existing lock that are still in `workspace` join them. */
  resources: ProjectRef[];
  /** Every resource of the workspace. */
  workspace: ProjectRef[];
  registry: RegistryReference;
  /** Re-resolve even when the lock still meets every spec. */
  update?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface ResolveWorkspaceResult {
  lockFile: string;
  /** The resources whose requirements were resolved. */
  roots: string[];
  resolved: LockedVersion[];
  /** The lock's bytes changed (or it was created). */
  changed: boolean;
  /** Client packages npm installed this time: `@ml-project/eggs-client-v1`. */
  installed: string[];
  /** Clients an earlier resolve installed for a major nothing requires any more, now uninstalled. */
  removed: string[];
}

/**
 * `resolve` (SPEC §9): resolves the requirements of a set of workspace resources as one set,
 * installs the clients of every resolved version (one per major) into the workspace, then
 * writes `modelos.lock.json`. Everything that can fail runs before anything is written, and a
 * failed install puts package.json and node_modules back: a failed resolve changes nothing.
 */
export async function resolveWorkspace(input: ResolveWorkspaceInput): Promise<ResolveWorkspaceResult> {
  const env = input.env ?? process.env;
  const file = lockPath(input.workspaceRoot);
  const previous = readLock(file);
  const roots = rootsOf(input, previous ? Object.keys(previous.roots) : []);
  const catalog = new RegistryCatalog(input.registry, { env, workspaceRoot: input.workspaceRoot });
  const resolution = await resolveRequirements(roots, catalog, previous && !input.update ? lockedChoice(previous) : undefined);
  const digests = new Map<string, ReleaseDigests>();
  for (const r of resolution) digests.set(`${r.resource}@${r.version}`, await catalog.digests(r.resource, r.version));
  const lock = buildLock(roots, resolution, digests);
  const resolved = Object.values(lock.resolved);

  const { installed, removed } = await installClients(input, resolved, previous, env);
  const bytes = serializeLock(lock);
  const changed = !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== bytes;
  if (changed && (resolved.length > 0 || previous)) writeFileAtomically(file, bytes);
  for (const r of resolved) input.log?.(`${r.resource} ${r.version} for ${r.requiredBy.map((q) => `${q.by} (${q.spec || '*'})`).join(', ')}`);
  return { lockFile: file, roots: roots.map((r) => r.resource), resolved, changed, installed, removed };
}

function rootsOf(input: ResolveWorkspaceInput, locked: string[]): RootRequirements[] {
  const byName = new Map(input.workspace.map((p) => [p.name, p]));
  for (const p of input.resources) byName.set(p.name, p);
  const names = new Set([...input.resources.map((p) => p.name), ...locked.filter((name) => byName.has(name))]);
  return [...names].sort().map((name) => {
    const root = byName.get(name)!.root;
    const requires = readResourceConfig(path.join(input.workspaceRoot, root)).requires;
    return { resource: name, requires, file: path.join(root, RESOURCE_FILE) };
  });
}

/**
 * The client of every resolved version under its per-major name, checked against the digest
 * the lock records; a version whose client is installed already costs no registry request.
 * A client the previous lock resolved, of a major no longer resolved, is uninstalled in the
 * same change (one a person installed with `mdl install` is not the lock's, and stays).
 */
async function installClients(
  input: ResolveWorkspaceInput,
  resolved: LockedVersion[],
  previous: Lock | null,
  env: NodeJS.ProcessEnv,
): Promise<{ installed: string[]; removed: string[] }> {
  const clients = installedClients(input.workspaceRoot);
  const installed = new Set(clients.values());
  const pulled: PulledPackage[] = [];
  for (const r of resolved.filter((v) => !installed.has(`${v.resource}@${v.version}`))) {
    const repo = openRepository(input.registry, r.resource, { env });
    const tag = clientPackageTag(parseVersion(r.version));
    if (!r.client) throw new UserError(`${r.repository}:v${r.version} has no client package (${tag}): re-run its release to complete it`);
    const artifact = await resolvePackage(repo, r.resource, tag, 'client');
    if (artifact.manifestDigest !== r.client) throw new UserError(`${r.repository}:${tag} moved while resolving (${artifact.manifestDigest}, expected ${r.client}): resolve again`);
    pulled.push({ repo, artifact });
  }
  const stale = staleClients(clients, previous, resolved);
  if (pulled.length === 0 && stale.length === 0) return { installed: [], removed: [] };
  const done = await installPackages(input.workspaceRoot, pulled, env, stale);
  return { installed: done.map((p) => p.name), removed: stale };
}

/** Installed clients the previous lock resolved whose resource and major the new resolution lacks. */
function staleClients(clients: Map<string, string>, previous: Lock | null, resolved: LockedVersion[]): string[] {
  const locked = new Map(Object.values(previous?.resolved ?? {}).map((r) => [`${r.resource}@${r.version}`, r]));
  const majorOf = (r: LockedVersion) => `${r.resource} v${parseVersion(r.version).major}`;
  const wanted = new Set(resolved.map(majorOf));
  return [...clients].filter(([, installed]) => locked.has(installed) && !wanted.has(majorOf(locked.get(installed)!))).map(([name]) => name);
}

/** Every generated client the workspace's package.json depends on (their package.json says `modelos.resource`): npm name → `<resource>@<version>`. */
function installedClients(workspaceRoot: string): Map<string, string> {
  const found = new Map<string, string>();
  const root = readJson(path.join(workspaceRoot, 'package.json')) as { dependencies?: Record<string, string> } | undefined;
  for (const name of Object.keys(root?.dependencies ?? {})) {
    const manifest = readJson(path.join(workspaceRoot, 'node_modules', name, 'package.json')) as { version?: string; modelos?: { resource?: string } } | undefined;
    if (manifest?.modelos?.resource && manifest.version) found.set(name, `${manifest.modelos.resource}@${manifest.version}`);
  }
  return found;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** For people: one row per resolved version, then where the lock is and what npm installed. */
export function formatResolveSummary(result: ResolveWorkspaceResult): string {
  const table = formatTable(
    ['resource', 'version', 'required by', 'manifest'],
    result.resolved.map((r) => [r.resource, r.version, r.requiredBy.map((q) => `${q.by} (${q.spec || '*'})`).join(', '), r.manifest.replace(/^sha256:/, '').slice(0, 12)]),
  );
  const lock = `${result.changed ? 'wrote' : 'kept'} ${result.lockFile}`;
  const installed = result.installed.length ? `\ninstalled ${result.installed.join(', ')}` : '';
  const removed = result.removed.length ? `\nremoved ${result.removed.join(', ')} (no longer required)` : '';
  return result.resolved.length ? `${table}\n${lock}${installed}${removed}` : `no requirements among ${result.roots.join(', ') || 'no resources'}${removed}`;
}
