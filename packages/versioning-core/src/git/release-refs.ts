import { UserError } from '../errors';
import * as readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { gitExit, gitFailure, runGit, spawnGit } from './run';

/** Names of tags matching `pattern` that are merged into HEAD, in one call. */
export async function tagsMergedIntoHead(workspaceRoot: string, pattern: string): Promise<string[]> {
  const out = await runGit(workspaceRoot, ['tag', '--list', '--merged', 'HEAD', pattern]);
  if (out.code !== 0) throw gitFailure(workspaceRoot, out.stderr);
  return out.stdout.split('\n').filter(Boolean);
}

/**
 * Whether a tag's commit is in the history of `head`. Git walks back from `head` only as far as
 * that commit's date, where `--merged` walks all of history (without a commit-graph file).
 */
export async function isTagInHistory(workspaceRoot: string, tag: string, head: string): Promise<boolean> {
  const out = await runGit(workspaceRoot, ['merge-base', '--is-ancestor', `refs/tags/${tag}`, head]);
  if (out.code === 0 || out.code === 1) return out.code === 0;
  throw gitFailure(workspaceRoot, out.stderr);
}

export interface NearestCommit {
  /** The first of `wanted` met walking back from HEAD (newest first), or null. */
  commit: string | null;
  /** Whether the history is cut (a shallow clone), so older commits cannot be seen. */
  shallow: boolean;
}

/**
 * Walks HEAD's history once, newest first, and stops at the first commit in `wanted`: one git
 * process however many releases there are (no `rev-list` per tag).
 */
export async function nearestAncestor(workspaceRoot: string, wanted: ReadonlySet<string>): Promise<NearestCommit> {
  const shallow = await isShallow(workspaceRoot);
  if (wanted.size === 0) return { commit: null, shallow };
  const child = spawnGit(workspaceRoot, ['rev-list', 'HEAD']);
  let found: string | null = null;
  const lines = readline.createInterface({ input: child.stdout });
  lines.on('line', (commit) => {
    if (found !== null || !wanted.has(commit)) return;
    found = commit;
    lines.close();
    child.kill();
  });
  const exit = await gitExit(child);
  if (found === null && exit.code !== 0) throw gitFailure(workspaceRoot, exit.stderr);
  return { commit: found, shallow };
}

async function isShallow(workspaceRoot: string): Promise<boolean> {
  const out = await runGit(workspaceRoot, ['rev-parse', '--is-shallow-repository']);
  if (out.code !== 0) throw gitFailure(workspaceRoot, out.stderr);
  return out.stdout.trim() === 'true';
}

/** Committer date of a commit, RFC 3339 in UTC: a timestamp that is the same on every machine. */
export async function commitDate(workspaceRoot: string, commit: string): Promise<string> {
  const out = await runGit(workspaceRoot, ['show', '-s', '--format=%ct', commit]);
  if (out.code !== 0) throw gitFailure(workspaceRoot, out.stderr);
  return new Date(Number(out.stdout.trim()) * 1000).toISOString();
}

/**
 * Creates `ref` at `commit` only if it does not exist: git takes the ref's lock with O_EXCL, so
 * of several processes sharing the repository (or its worktrees) exactly one wins. Returns the
 * commit the ref already points at when another got there first, or null on success.
 */
export async function createRefIfAbsent(workspaceRoot: string, ref: string, commit: string): Promise<string | null> {
  for (let attempt = 1; ; attempt++) {
    const out = await runGit(workspaceRoot, ['update-ref', '--no-deref', ref, commit, '']);
    if (out.code === 0) return null;
    const existing = await runGit(workspaceRoot, ['rev-parse', '-q', '--verify', `${ref}^{commit}`]);
    if (existing.code === 0) return existing.stdout.trim();
    if (!/cannot lock ref/i.test(out.stderr)) throw gitFailure(workspaceRoot, out.stderr);
    // Absent, yet not lockable: another process holds its lock (creating it), or is deleting it
    // and pruning its directory under us. The latter passes in moments; the former is a holder.
    if (attempt === LOCK_RACE_ATTEMPTS) return 'a concurrent process';
    await sleep(LOCK_RACE_PAUSE_MS * attempt);
  }
}

const LOCK_RACE_ATTEMPTS = 3;
const LOCK_RACE_PAUSE_MS = 50;

/**
 * Deletes `ref`. Same-commit releases share one claim and each deletes it when done: a lock
 * another of them holds, or a directory it prunes under us, means the ref is theirs to finish.
 */
export async function deleteRef(workspaceRoot: string, ref: string): Promise<void> {
  const out = await runGit(workspaceRoot, ['update-ref', '-d', ref]);
  if (out.code === 0 || /cannot lock ref/i.test(out.stderr)) return;
  const still = await runGit(workspaceRoot, ['rev-parse', '-q', '--verify', ref]);
  if (still.code !== 0) return;
  throw gitFailure(workspaceRoot, out.stderr);
}

/** Annotated tag at `commit`; refuses to move an existing tag. Returns false when it already points there. */
export async function createAnnotatedTag(workspaceRoot: string, tag: string, commit: string, message: string): Promise<boolean> {
  if (!(await tagStillToWrite(workspaceRoot, tag, commit))) return false;
  const out = await runGit(workspaceRoot, ['tag', '-a', '-m', message, tag, commit]);
  if (out.code !== 0) throw gitFailure(workspaceRoot, out.stderr);
  return true;
}

/**
 * Pushes one tag. The remote refuses to replace an existing tag without --force, which makes
 * the push an atomic claim across machines.
 */
export async function pushTag(workspaceRoot: string, remote: string, tag: string): Promise<void> {
  const out = await runGit(workspaceRoot, ['push', '--quiet', remote, `refs/tags/${tag}:refs/tags/${tag}`]);
  if (out.code === 0) return;
  // Only "already exists" is another release's claim; a hook or permission refusal is its own error.
  if (/already exists/i.test(out.stderr)) {
    throw new UserError(`git tag ${tag} already exists on ${remote} with other content: another release took this version; re-run release`);
  }
  throw gitFailure(workspaceRoot, out.stderr);
}

/** Whether `tag` is still to be written at `commit`: false when it is there already; a tag of that name elsewhere is refused. */
export async function tagStillToWrite(workspaceRoot: string, tag: string, commit: string): Promise<boolean> {
  const existing = await runGit(workspaceRoot, ['rev-parse', '-q', '--verify', `refs/tags/${tag}^{commit}`]);
  if (existing.code !== 0) return true;
  if (existing.stdout.trim() === commit) return false;
  throw new UserError(`git tag ${tag} already exists at ${existing.stdout.trim().slice(0, 12)}, not at ${commit.slice(0, 12)}: ModelOS git tags are never moved`);
}

/**
 * An annotated tag records who made it: without a git identity (a bare CI runner) `git tag -a`
 * fails. Asked before any registry write, so --gitTag never fails halfway through a change.
 */
export async function assertGitIdentity(workspaceRoot: string): Promise<void> {
  const out = await runGit(workspaceRoot, ['var', 'GIT_COMMITTER_IDENT']);
  if (out.code === 0) return;
  if (/not a git repository/i.test(out.stderr)) throw gitFailure(workspaceRoot, out.stderr);
  throw new UserError(
    `--gitTag writes an annotated tag, which needs a git identity, and git has none here (${out.stderr.split('\n')[0].trim()}): set user.name and user.email (git config, or GIT_COMMITTER_NAME and GIT_COMMITTER_EMAIL) and re-run; nothing was changed`,
  );
}

/** `--push` to a remote by name: a missing one is refused before the release writes anything (a URL or path is git's to check). */
export async function assertRemote(workspaceRoot: string, remote: string): Promise<void> {
  if (/[:/\\]/.test(remote)) return;
  const out = await runGit(workspaceRoot, ['remote', 'get-url', remote]);
  if (out.code === 0) return;
  throw new UserError(`--push pushes the git tag to "${remote}", which is no remote of this repository (git remote -v lists them): add it with git remote add, or pass --push <remote>; nothing was changed`);
}

