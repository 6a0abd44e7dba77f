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
  const byRoot = groupByRoot(await listWorkspaceFiles(workspaceRoot, roots), roots);
  await assertNoLfsPointers(workspaceRoot, [...byRoot.values()].flat());
  return byRoot;
}

/** Tracked and untracked-not-ignored files under `roots`, sorted by path, with their stat data. */
export async function listWorkspaceFiles(workspaceRoot: string, roots: string[]): Promise<ClosureFile[]> {
  const { stdout } = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate', '--', ...roots.map(pathspec)],
    { cwd: workspaceRoot, maxBuffer: 256 * 1024 * 1024 },
  );
  const files: ClosureFile[] = [];
  for (const file of stdout.split('\0').filter(Boolean).sort()) {
    const stat = await fs.stat(path.join(workspaceRoot, file)).catch(() => null);
    // Tracked but deleted in the work tree: the artifact holds what is on disk.
    if (!stat?.isFile()) continue;
    files.push({
      path: file,
      absPath: path.join(workspaceRoot, file),
      size: stat.size,
      executable: (stat.mode & 0o111) !== 0,
      mtimeMs: stat.mtimeMs,
      ctimeMs: stat.ctimeMs,
    });
  }
  return files;
}

/** Each file under the deepest of `roots` that contains it, so nested projects keep their own files; files under none are left out. */
export function groupByRoot(files: ClosureFile[], roots: string[]): Map<string, ClosureFile[]> {
  const byRoot = new Map<string, ClosureFile[]>(roots.map((root) => [root, []]));
  for (const file of files) {
    const root = owningRoot(file.path, roots);
    if (root !== undefined) byRoot.get(root)!.push(file);
  }
  return byRoot;
}

/** A root of '.' would be the whole workspace; directory pathspecs keep `ham` from matching `hamster`. */
function pathspec(root: string): string {
  return root === '.' || root === '' ? '.' : `${root.replace(/\/+$/, '')}/`;
}

function owningRoot(file: string, roots: string[]): string | undefined {
  let best: string | undefined;
  for (const root of roots) {
    const prefix = root === '.' || root === '' ? '' : `${root.replace(/\/+$/, '')}/`;
    if (file.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = root;
  }
  return best;
}
