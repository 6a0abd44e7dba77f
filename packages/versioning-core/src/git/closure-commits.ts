import type { Author } from './authors';
import type { PathOwners } from './paths';

/** A commit as the log read it: its sha and its author, so that no `git show` asks again. */
export interface TouchingCommit {
  sha: string;
  author: Author;
}
import { gitExit, gitFailure, onNulRecords, spawnGit } from './run';

/**
 * For every owner, the newest commit of HEAD's first-parent line whose change against its first
 * parent touches one of the owner's roots; owners nothing touched are absent from the answer.
 *
 * One `git log` over the union of all roots, read as a stream and killed as soon as every owner
 * has its commit, so the cost follows how far back the oldest answer lies, not history size.
 *
 * First parent, because it makes the answer sound for each owner although git simplifies
 * history for the union: between the answer and HEAD no first-parent step changed the owner's
 * files, so its files at that commit are exactly its files at HEAD. (Following merged side
 * branches by date can pick a side commit whose changes the merge did not take.) A merged
 * branch that changed the owner is therefore answered by its merge commit.
 * No renames, because a rename moves files between owners: both sides must count.
 */
export async function newestTouchingCommits(
  top: string,
  head: string,
  owners: PathOwners<number>,
  ownerCount: number,
): Promise<Map<number, TouchingCommit>> {
  const pathspecs = owners.roots().map((root) => (root === '' ? '.' : root));
  const child = spawnGit(top, [
    '--literal-pathspecs',
    'log',
    '--first-parent',
    '-m',
    '--root',
    '--no-renames',
    '--no-follow',
    '--name-only',
    '-z',
    '--no-color',
    '--no-show-signature',
    // The author comes with the sha: no `git show` per resource. \x02 is in no sha, nor in any real name or email.
    '--format=%x01%H%x02%an%x02%ae',
    head,
    '--',
    ...pathspecs,
  ]);
  const found = new Map<number, TouchingCommit>();
  let resolved = false;
  let commit: TouchingCommit = { sha: '', author: { name: '', email: '' } };
  let firstFile = false;
  // Records: "\x01<sha>\x02<author name>\x02<email>" per commit, then its files; git puts a newline before the first file.
  onNulRecords(child.stdout, (record) => {
    if (record.startsWith('\x01')) {
      const [sha, name, email] = record.slice(1).split('\x02');
      commit = { sha, author: { name, email } };
      firstFile = true;
      return false;
    }
    const file = firstFile && record.startsWith('\n') ? record.slice(1) : record;
    firstFile = false;
    for (const owner of owners.ownersOf(file)) if (!found.has(owner)) found.set(owner, commit);
    if (found.size < ownerCount) return false;
    resolved = true;
    child.kill();
    return true;
  });
  const exit = await gitExit(child);
  if (!resolved && exit.code !== 0) throw gitFailure(top, exit.stderr);
  return found;
}
