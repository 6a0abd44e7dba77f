import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gitFailure, runGit } from './run';

/**
 * Repository-relative paths under the roots that differ from HEAD: modified, staged, deleted,
 * both sides of renames, untracked files; never ignored ones. `--no-optional-locks` keeps us off
 * the index lock, so a user's `git commit` running beside a store never fails because of us.
 */
export async function changedPaths(top: string, roots: string[]): Promise<string[]> {
  const pathspecs = roots.map((root) => (root === '' ? '.' : root));
  const out = await runGit(top, [
    '--no-optional-locks',
    '--literal-pathspecs',
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--no-renames',
    '--',
    ...pathspecs,
  ]);
  if (out.code !== 0) throw gitFailure(top, out.stderr);
  const paths = new Set<string>();
  // Records are "XY <path>"; an untracked nested repository is listed as "<dir>/".
  for (const record of out.stdout.split('\0')) if (record !== '') paths.add(record.slice(3).replace(/\/$/, ''));
  return [...paths];
}

/**
 * What the work tree holds at a path, as the artifact would see it: 'deleted', a nested
 * repository ('directory', its own commits are not ours to hash), or kind and content hash. The
 * index is left out on purpose: staging a change does not change what gets stored.
 */
export async function workTreeState(file: string): Promise<string> {
  let stat;
  try {
    stat = await fs.lstat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'deleted';
    throw error;
  }
  if (stat.isSymbolicLink()) return `symlink:${sha256(await fs.readlink(file))}`;
  if (stat.isDirectory()) return 'directory';
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return `${stat.mode & 0o111 ? 'exec' : 'file'}:${hash.digest('hex')}`;
}

/** States of many files, a few reads at a time (enough to keep the disk busy, few descriptors). */
export async function workTreeStates(top: string, files: string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++];
      states.set(file, await workTreeState(path.join(top, file)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
  return states;
}

/** sha256 over sorted (path, state) entries: same dirty content, same hash, whatever the order found. */
export function dirtyHash(entries: Array<[path: string, state: string]>): string {
  const hash = createHash('sha256');
  for (const [file, state] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`${file}\0${state}\0`);
  return hash.digest('hex');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
