import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { assertNoLfsPointers } from './lfs-pointers';

const run = promisify(execFile);

/** One file of a closure project, as it goes into a layer. */
export interface ClosureFile {
  /** Workspace-relative, posix separators: the path inside the layer. */
  path: string;
  absPath: string;
  size: number;
  executable: boolean;
  mtimeMs: number;
  ctimeMs: number;
}

/**
 * Files of each project root: tracked and untracked-not-ignored, the same set the dirty hash
 * covers, so ignored build output never lands in an artifact. One `git ls-files` for all roots.
 * Git LFS pointers left in place of their content are refused (see assertNoLfsPointers).
 */
export async function listClosureFiles(workspaceRoot: string, roots: string[]): Promise<Map<string, ClosureFile[]>> {
  const { stdout } = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate', '--', ...roots.map(pathspec)],
    { cwd: workspaceRoot, maxBuffer: 256 * 1024 * 1024 },
  );
  const byRoot = new Map<string, ClosureFile[]>(roots.map((root) => [root, []]));
  const paths = stdout.split('\0').filter(Boolean).sort();
  for (const file of paths) {
    const stat = await fs.stat(path.join(workspaceRoot, file)).catch(() => null);
    // Tracked but deleted in the work tree: the artifact holds what is on disk.
    if (!stat?.isFile()) continue;
    const root = owningRoot(file, roots);
    if (root === undefined) continue;
    byRoot.get(root)!.push({
      path: file,
      absPath: path.join(workspaceRoot, file),
      size: stat.size,
      executable: (stat.mode & 0o111) !== 0,
      mtimeMs: stat.mtimeMs,
      ctimeMs: stat.ctimeMs,
    });
  }
  await assertNoLfsPointers(workspaceRoot, [...byRoot.values()].flat());
  return byRoot;
}

/** A root of '.' would be the whole workspace; directory pathspecs keep `ham` from matching `hamster`. */
function pathspec(root: string): string {
  return root === '.' || root === '' ? '.' : `${root.replace(/\/+$/, '')}/`;
}

/** The deepest root containing the file, so nested projects keep their own files. */
function owningRoot(file: string, roots: string[]): string | undefined {
  let best: string | undefined;
  for (const root of roots) {
    const prefix = root === '.' || root === '' ? '' : `${root.replace(/\/+$/, '')}/`;
    if (file.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = root;
  }
  return best;
}
