import { gitFailure, runGit } from './run';

/** Who made a version: a commit's author, or the configured git user for uncommitted work. */
export interface Author {
  name: string;
  email: string;
}

/** Author name and email of a commit, in one `git show`. */
export async function commitAuthor(dir: string, commit: string): Promise<Author> {
  const out = await runGit(dir, ['show', '-s', '--no-show-signature', '--format=%an%x00%ae', commit]);
  if (out.code !== 0) throw gitFailure(dir, out.stderr);
  const [name, email] = out.stdout.replace(/\n$/, '').split('\0');
  return { name, email };
}

/**
 * The identity git would write as author of a commit made now (`user.name`/`user.email`, or
 * GIT_AUTHOR_* from the environment); null when git has none, as in a bare CI container.
 */
export async function gitUser(dir: string): Promise<Author | null> {
  const out = await runGit(dir, ['var', 'GIT_AUTHOR_IDENT']);
  const ident = out.code === 0 ? /^(.*) <(.*)> \d+ [+-]\d{4}$/.exec(out.stdout.trim()) : null;
  return ident ? { name: ident[1], email: ident[2] } : null;
}
