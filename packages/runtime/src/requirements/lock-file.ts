import * as fs from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';
import { UserError } from '../errors';

// Reading `modelos.lock.json` (SPEC §9): clients pin their server version with it, so it lives
// here; the engine writes it (requirements/lock.ts of @modelos/versioning-core).

export const LOCK_FILE = 'modelos.lock.json';
export const LOCK_FORMAT = 1;

/** Where a resolved release lives and what it holds, by digest. */
export interface ReleaseDigests {
  repository: string;
  manifest: string;
  client: string | null;
  server: string | null;
}

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

/** The locked version of `resource` within `major`, if any. */
export function lockedVersion(lock: Lock, resource: string, major: number): LockedVersion | undefined {
  return Object.values(lock.resolved).find((entry) => entry.resource === resource && semver.major(entry.version) === major);
}
