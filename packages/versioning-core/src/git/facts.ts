import { UserError } from '../errors';
import type { Author } from './authors';
import { newestTouchingCommits, type TouchingCommit } from './closure-commits';
import { changedPaths, dirtyHash, workTreeStates } from './dirty';
import { PathOwners, repoRelative } from './paths';
import { locateWorkspace, requireHead, type WorkspaceRepo } from './repo';

export interface ClosureSpec {
  name: string;
  /** Workspace-relative posix project roots of the closure ('libs/ham'; '.' is the workspace itself). */
  paths: string[];
}

export interface ClosureFacts {
  /**
   * Full sha of the newest commit of HEAD's first-parent line that touched any path of the
   * closure. HEAD when none did (the closure was never committed): still a real commit,
   * usable as a revision, and the closure holds the same committed files there as at HEAD
   * (none); its content is then told apart by dirtyHash alone.
   */
  closureCommit: string;
  /** Author of closureCommit, read by the same log; null when no commit touched the closure (closureCommit is HEAD). */
  closureAuthor: Author | null;
  /** 64-hex sha256 of the uncommitted changes inside the closure; null when clean. */
  dirtyHash: string | null;
  /** Workspace-relative paths of those changes, sorted. */
  dirtyFiles: string[];
  /** Full sha of HEAD when the facts were read (the same for every closure). */
  head: string;
}

/**
 * Git facts for many closures in three git processes however many closures there are:
 * one rev-parse, then one streamed log and one status over the union of all paths, in parallel.
 * `located` is the repository when the caller has asked for it already (see locateCheckout).
 */
export async function gitFacts(workspaceRoot: string, closures: ClosureSpec[], located?: Promise<WorkspaceRepo>): Promise<Map<string, ClosureFacts>> {
  const facts = new Map<string, ClosureFacts>();
  if (closures.length === 0) return facts;
  assertUniqueNames(closures);
  const repo = await (located ?? locateWorkspace(workspaceRoot));
  const head = requireHead(repo);

  const owners = new PathOwners<number>();
  closures.forEach((closure, index) => {
    for (const closurePath of closure.paths) owners.add(repoRelative(repo.prefix, closure.name, closurePath), index);
  });
  const roots = owners.roots();
  const rooted = closures.filter((closure) => closure.paths.length > 0).length;
  const [commits, changed] =
    roots.length === 0
      ? [new Map<number, TouchingCommit>(), []]
      : await Promise.all([newestTouchingCommits(repo.top, head, owners, rooted), changedPaths(repo.top, roots)]);
  const states = await workTreeStates(repo.top, changed);

  const changedByClosure = closures.map((): string[] => []);
  for (const file of changed) {
    for (const owner of new Set(owners.ownersOf(file))) changedByClosure[owner].push(file);
  }
  closures.forEach((closure, index) => {
    const files = changedByClosure[index];
    const entries = files.map((file): [string, string] => [file.slice(repo.prefix.length), states.get(file)!]);
    facts.set(closure.name, {
      closureCommit: commits.get(index)?.sha ?? head,
      closureAuthor: commits.get(index)?.author ?? null,
      dirtyHash: entries.length === 0 ? null : dirtyHash(entries),
      dirtyFiles: entries.map(([file]) => file).sort(),
      head,
    });
  });
  return facts;
}

function assertUniqueNames(closures: ClosureSpec[]): void {
  const seen = new Set<string>();
  for (const { name } of closures) {
    if (seen.has(name)) throw new UserError(`closure "${name}" is given twice: each resource's closure is asked for once`);
    seen.add(name);
  }
}
