import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { canonicalJson } from '../canonical-json';
import { UserError } from '../errors';
import type { ReleaseDigests } from './registry-catalog';
import { label, type Resolution, type RootRequirements } from './resolve';

export const LOCK_FILE = 'modelos.lock.json';
const LOCK_FORMAT = 1;

export interface LockedVersion extends ReleaseDigests {
  resource: string;
  version: string;
  /** Who requires it, with the spec and the chain that reached the requirer. */
  requiredBy: Array<{ by: string; spec: string; via?: string[] }>;
}

/** `modelos.lock.json`: the set that was resolved (roots and their specs) and what it resolved to. */
export interface Lock {
  lockfileVersion: number;
  roots: Record<string, Record<string, string>>;
  /** Keyed `<resource>@<version>`. */
  resolved: Record<string, LockedVersion>;
}

export function buildLock(roots: RootRequirements[], resolution: Resolution, digests: Map<string, ReleaseDigests>): Lock {
  return {
    lockfileVersion: LOCK_FORMAT,
    roots: Object.fromEntries(roots.map((root) => [root.resource, root.requires])),
    resolved: Object.fromEntries(
      resolution.map((r) => {
        const key = `${r.resource}@${r.version}`;
        const requiredBy = r.requiredBy.map((q) => ({ by: label(q.requirer), spec: q.spec.text, ...(q.requirer.via.length ? { via: q.requirer.via } : {}) }));
        return [key, { resource: r.resource, version: r.version, ...digests.get(key)!, requiredBy }];
      }),
    ),
  };
}

/** Sorted keys, two-space indent, final newline: the same lock is the same bytes, and diffs read well. */
export function serializeLock(lock: Lock): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(lock)), null, 2)}\n`;
}

export function lockPath(workspaceRoot: string): string {
  return path.join(workspaceRoot, LOCK_FILE);
}

/** The lock at `file`, or null when there is none; a broken one is an error naming it. */
export function readLock(file: string): Lock | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`${file}: cannot be read (${(err as Error).message})`);
  }
  let lock: Lock;
  try {
    lock = JSON.parse(text) as Lock;
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message}); delete it and resolve again`);
  }
  if (lock?.lockfileVersion !== LOCK_FORMAT || typeof lock.roots !== 'object' || typeof lock.resolved !== 'object') {
    throw new UserError(`${file}: not a lock this version understands (lockfileVersion ${LOCK_FORMAT} expected); delete it and resolve again`);
  }
  return lock;
}

/** The nearest `modelos.lock.json` at or above `dir`. */
export function findLock(dir: string): { file: string; lock: Lock } | null {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const file = path.join(current, LOCK_FILE);
    const lock = readLock(file);
    if (lock) return { file, lock };
    if (path.dirname(current) === current) return null;
  }
}

/** The lock's choice per resource, as the resolver takes it. */
export function lockedChoice(lock: Lock): Map<string, string[]> {
  const chosen = new Map<string, string[]>();
  for (const entry of Object.values(lock.resolved)) chosen.set(entry.resource, [...(chosen.get(entry.resource) ?? []), entry.version]);
  return chosen;
}

/** The locked version of `resource` within `major`, if any. */
export function lockedVersion(lock: Lock, resource: string, major: number): LockedVersion | undefined {
  return Object.values(lock.resolved).find((entry) => entry.resource === resource && semver.major(entry.version) === major);
}
