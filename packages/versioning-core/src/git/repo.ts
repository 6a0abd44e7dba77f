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
  /** Names of the tags matching the pattern asked for, merged or not; [] when none was asked. */
  tags: string[];
}

/**
 * Repository, position, HEAD, branch and the tags matching `tagPattern` in one git call: a task
 * asks all of them, and each git process costs a few milliseconds. A repository without commits
 * fails that call (HEAD names no commit yet); then the calls that can say so answer.
 */
export async function locateCheckout(workspaceRoot: string, tagPattern?: string): Promise<WorkspaceCheckout> {
  const tagsArg = tagPattern === undefined ? [] : [`--tags=${tagPattern}`];
  const out = await runGit(workspaceRoot, ['rev-parse', '--show-toplevel', '--show-prefix', 'HEAD^{commit}', '--symbolic-full-name', 'HEAD', ...tagsArg, '--']);
  if (out.code !== 0) {
    const [repo, branch, tags] = await Promise.all([
      locateWorkspace(workspaceRoot),
      currentBranch(workspaceRoot),
      tagPattern === undefined ? [] : listTags(workspaceRoot, tagPattern),
    ]);
    return { ...repo, branch, tags };
  }
  const [top, prefix, head, ref, ...rest] = out.stdout.split('\n');
  const tags = rest.filter((line) => line.startsWith(TAG_REF)).map((line) => line.slice(TAG_REF.length));
  return { top, prefix, head, branch: ref.startsWith(BRANCH_REF) ? ref.slice(BRANCH_REF.length) : null, tags };
}

/** Names of tags matching `pattern`, merged or not: refs only, no history walk. */
export async function listTags(workspaceRoot: string, pattern: string): Promise<string[]> {
  const out = await runGit(workspaceRoot, ['tag', '--list', pattern]);
  if (out.code !== 0) throw gitFailure(workspaceRoot, out.stderr);
  return out.stdout.split('\n').filter(Boolean);
}

const TAG_REF = 'refs/tags/';
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
  return out.code === 0 ? withoutCredentials(out.stdout.trim()) || undefined : undefined;
}

/**
 * An URL's user and password removed; scp-like `git@host:path` kept as it is. Git takes all up to
 * the last `@` of the authority as the user part, whatever the password holds (`@`, `#`, `?`,
 * `/`), where an URL parser would stop at `#` or `?` and leave the rest of the password in place.
 */
function withoutCredentials(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0];
  if (!scheme) return url;
  const rest = url.slice(scheme.length);
  const firstAt = rest.indexOf('@');
  if (firstAt === -1) return url;
  // An `@` in the path (`host[:port]/pkg@1.2`) is no user part; a password may hold a `/` though.
  const firstSlash = rest.indexOf('/');
  if (firstSlash !== -1 && firstSlash < firstAt && /^[^:#?]*(:\d*)?$/.test(rest.slice(0, firstSlash))) return url;
  const hostEnd = rest.indexOf('/', firstAt);
  const userEnd = rest.lastIndexOf('@', hostEnd === -1 ? rest.length : hostEnd);
  return scheme + rest.slice(userEnd + 1);
}
