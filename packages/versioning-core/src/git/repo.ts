import { UserError } from '../errors';
import { gitFailure, runGit } from './run';

export interface WorkspaceRepo {
  /** Absolute path of the repository's work tree top. */
  top: string;
  /** Where the workspace sits inside the repository: '' at the top, else 'sub/dir/'. */
  prefix: string;
  /** Full sha of HEAD; null in a repository without commits. */
  head: string | null;
}

/** Repository, position and HEAD of a workspace in one git call. */
export async function locateWorkspace(workspaceRoot: string): Promise<WorkspaceRepo> {
  const out = await runGit(workspaceRoot, ['rev-parse', '--show-toplevel', '--show-prefix', '--verify', '-q', 'HEAD^{commit}']);
  // Exit 1 with top and prefix printed is `--verify -q` saying HEAD is unborn.
  if (out.code !== 0 && out.code !== 1) throw gitFailure(workspaceRoot, out.stderr);
  const [top, prefix, head] = out.stdout.split('\n');
  return { top, prefix, head: out.code === 0 ? head : null };
}

export interface WorkspaceCheckout extends WorkspaceRepo {
  /** Short name of the checked-out branch; null when HEAD is detached. */
  branch: string | null;
}

/**
 * Repository, position, HEAD and branch in one git call: a task asks all four, and each git
 * process costs a few milliseconds. A repository without commits fails that call (HEAD names no
 * commit yet); then the two calls that can say so answer.
 */
export async function locateCheckout(workspaceRoot: string): Promise<WorkspaceCheckout> {
  const out = await runGit(workspaceRoot, ['rev-parse', '--show-toplevel', '--show-prefix', 'HEAD^{commit}', '--symbolic-full-name', 'HEAD', '--']);
  if (out.code !== 0) {
    const [repo, branch] = await Promise.all([locateWorkspace(workspaceRoot), currentBranch(workspaceRoot)]);
    return { ...repo, branch };
  }
  const [top, prefix, head, ref] = out.stdout.split('\n');
  return { top, prefix, head, branch: ref.startsWith(BRANCH_REF) ? ref.slice(BRANCH_REF.length) : null };
}

/** A branch's full ref name starts so; a detached HEAD's symbolic name is `HEAD`. */
const BRANCH_REF = 'refs/heads/';

/** Full sha of HEAD; a UserError when the repository has no commit yet. */
export function requireHead(repo: WorkspaceRepo): string {
  if (repo.head === null) throw new UserError(`the git repository at ${repo.top} has no commit yet: commit once before storing`);
  return repo.head;
}

/** Short name of the checked-out branch; null when HEAD is detached. */
export async function currentBranch(workspaceRoot: string): Promise<string | null> {
  const out = await runGit(workspaceRoot, ['symbolic-ref', '-q', '--short', 'HEAD']);
  if (out.code === 1) return null;
  if (out.code !== 0) throw gitFailure(workspaceRoot, out.stderr);
  return out.stdout.trim();
}

/** `remote.origin.url`, credentials stripped (the `.source` annotation); undefined when there is none. */
export async function originUrl(workspaceRoot: string): Promise<string | undefined> {
  const out = await runGit(workspaceRoot, ['config', '--get', 'remote.origin.url']);
  return out.code === 0 ? out.stdout.trim().replace(/\/\/[^@/]*@/, '//') || undefined : undefined;
}
