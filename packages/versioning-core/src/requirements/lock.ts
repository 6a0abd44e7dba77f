import * as path from 'node:path';
import { LOCK_FILE, LOCK_FORMAT, type Lock, type ReleaseDigests } from '@modelos/runtime';
import { canonicalJson } from '../canonical-json';
import { label, type Resolution, type RootRequirements } from './resolve';

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

/** The lock's choice per resource, as the resolver takes it. */
export function lockedChoice(lock: Lock): Map<string, string[]> {
  const chosen = new Map<string, string[]>();
  for (const entry of Object.values(lock.resolved)) chosen.set(entry.resource, [...(chosen.get(entry.resource) ?? []), entry.version]);
  return chosen;
}
