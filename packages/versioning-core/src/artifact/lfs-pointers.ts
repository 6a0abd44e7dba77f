import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { UserError } from '../errors';
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
 * One `git check-attr` for all small files, then a read of the few that LFS tracks.
 */
export async function assertNoLfsPointers(workspaceRoot: string, files: ClosureFile[]): Promise<void> {
  await refuseLfsPointers(files, await lfsTrackedSmallFiles(workspaceRoot, files));
}

/** Which of the files small enough to be a pointer LFS tracks: one `git check-attr` for all. */
export async function lfsTrackedSmallFiles(workspaceRoot: string, files: ClosureFile[]): Promise<Set<string>> {
  const small = files.filter((file) => file.size <= POINTER_MAX_SIZE);
  return small.length === 0 ? new Set() : lfsTracked(workspaceRoot, small.map((file) => file.path));
}

/** Refuses the files among `files` that LFS tracks (`tracked`) and that still hold the pointer. */
export async function refuseLfsPointers(files: ClosureFile[], tracked: Set<string>): Promise<void> {
  const candidates = files.filter((file) => file.size <= POINTER_MAX_SIZE && tracked.has(file.path));
  const pointers: string[] = [];
  for (const file of candidates) if (isLfsPointer(await fs.readFile(file.absPath))) pointers.push(file.path);
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
function lfsTracked(workspaceRoot: string, paths: string[]): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['check-attr', '-z', '--stdin', 'filter'], { cwd: workspaceRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) {
        reject(new UserError(`git check-attr failed in ${workspaceRoot}: ${Buffer.concat(stderr).toString('utf8').trim()}`));
        return;
      }
      // Records: <path> NUL <attribute> NUL <value> NUL.
      const fields = Buffer.concat(stdout).toString('utf8').split('\0');
      const tracked = new Set<string>();
      for (let i = 0; i + 2 < fields.length; i += 3) if (fields[i + 2] === 'lfs') tracked.add(fields[i]);
      resolve(tracked);
    });
    child.stdin.end(paths.map((file) => `${file}\0`).join(''));
  });
}
