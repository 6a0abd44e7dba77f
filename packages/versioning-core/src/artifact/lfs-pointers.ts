import { readFileSync } from 'node:fs';
import { UserError } from '../errors';
import { gitFailure, runGit } from '../git/run';
import type { ClosureFile } from './closure-files';

/** git-lfs spec: a pointer file is at most 1024 bytes and starts with this line. */
const POINTER_MAX_SIZE = 1024;
const POINTER_HEADER = Buffer.from('version https://git-lfs.github.com/spec/v1\n');
const POINTER_OID = /^oid sha256:[0-9a-f]{64}$/m;

/**
 * Refuses closure files that Git LFS tracks (`filter=lfs` in the attributes) but whose work-tree
 * content is still the pointer: a checkout without `git lfs pull` (CI with GIT_LFS_SKIP_SMUDGE,
 * a clone without git-lfs installed) would otherwise store a 130-byte pointer as the model.
 * Both signs are needed: a pointer-shaped text that LFS does not track is an ordinary file (a
 * fixture, a doc), and an LFS-tracked file with its real content is stored by content.
 * A closure with few small files reads them and asks `git check-attr` only about pointer-shaped
 * ones (usually none: no git process); a larger one asks about all small files at once, then reads
 * the few that LFS tracks.
 */
export async function assertNoLfsPointers(workspaceRoot: string, files: ClosureFile[]): Promise<void> {
  refuseLfsPointers(files, await lfsTrackedPointerCandidates(workspaceRoot, files));
}

/**
 * Up to this many small files are read rather than all asked about: a few reads cost less than a
 * git process (a task's closure usually has a handful), and only pointer-shaped ones are asked.
 */
const READ_FIRST_UP_TO = 64;

/**
 * The small files LFS tracks, or at least every one of them that holds a pointer (what
 * refuseLfsPointers needs): one `git check-attr`, or none when no small file looks like a pointer.
 */
export async function lfsTrackedPointerCandidates(workspaceRoot: string, files: ClosureFile[]): Promise<Set<string>> {
  const small = files.filter((file) => file.size <= POINTER_MAX_SIZE);
  const asked = small.length <= READ_FIRST_UP_TO ? holdingPointers(small) : small;
  return asked.length === 0 ? new Set() : lfsTracked(workspaceRoot, asked.map((file) => file.path));
}

/** Synchronous reads: a file of at most 1 KiB reads in microseconds, less than an awaited thread-pool round trip. */
function holdingPointers(files: ClosureFile[]): ClosureFile[] {
  return files.filter((file) => isLfsPointer(readFileSync(file.absPath)));
}

/** Refuses the files among `files` that LFS tracks (`tracked`) and that still hold the pointer. */
export function refuseLfsPointers(files: ClosureFile[], tracked: Set<string>): void {
  const pointers = holdingPointers(files.filter((file) => file.size <= POINTER_MAX_SIZE && tracked.has(file.path))).map((file) => file.path);
  if (pointers.length > 0) {
    throw new UserError(
      `Git LFS pointer${pointers.length > 1 ? 's' : ''} instead of content in the closure: ${pointers.join(', ')}; run \`git lfs pull\` to check out the real files, then run again`,
    );
  }
}

/** A git-lfs pointer by content: the version line first, then an sha256 oid. */
export function isLfsPointer(content: Buffer): boolean {
  return (
    content.length <= POINTER_MAX_SIZE &&
    content.subarray(0, POINTER_HEADER.length).equals(POINTER_HEADER) &&
    POINTER_OID.test(content.toString('utf8'))
  );
}

/** Paths whose `filter` attribute is `lfs`, from one `git check-attr --stdin` over all of them. */
async function lfsTracked(workspaceRoot: string, paths: string[]): Promise<Set<string>> {
  const out = await runGit(workspaceRoot, ['check-attr', '-z', '--stdin', 'filter'], paths.map((file) => `${file}\0`).join(''));
  if (out.code !== 0) throw gitFailure(workspaceRoot, out.stderr);
  // Records: <path> NUL <attribute> NUL <value> NUL.
  const fields = out.stdout.split('\0');
  const tracked = new Set<string>();
  for (let i = 0; i + 2 < fields.length; i += 3) if (fields[i + 2] === 'lfs') tracked.add(fields[i]);
  return tracked;
}
