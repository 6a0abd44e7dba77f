import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GitWorkspace } from '../test-support/git-workspace';
import { filesUnder, groupByRoot, listWorkspaceFiles, type ClosureFile } from './closure-files';

/** Closure files by path alone, sorted as listWorkspaceFiles sorts them. */
const files = (...paths: string[]): ClosureFile[] =>
  paths.sort().map((path) => ({ path, absPath: `/ws/${path}`, size: 1, executable: false, mtimeMs: 0, ctimeMs: 0 }));
const paths = (list: ClosureFile[]) => list.map((file) => file.path);

const workspace = files('README.md', 'ham/a.ts', 'ham/sub/b.ts', 'ham-x/c.ts', 'hamster/d.ts', 'libs/eggs/e.ts', 'libs/eggs/nested/n.ts', 'libs/oven/o.ts');

describe('filesUnder', () => {
  it('takes each root as a directory: ham is not hamster, nor ham-x (which sorts before ham/)', () => {
    expect(paths(filesUnder(workspace, ['ham']))).toEqual(['ham/a.ts', 'ham/sub/b.ts']);
    expect(paths(filesUnder(workspace, ['ham-x/', 'hamster']))).toEqual(['ham-x/c.ts', 'hamster/d.ts']);
  });

  it('gives each file once, in path order, when roots nest or repeat; "." is everything', () => {
    expect(paths(filesUnder(workspace, ['libs/oven', 'libs/eggs/nested', 'libs/eggs', 'libs/eggs']))).toEqual(['libs/eggs/e.ts', 'libs/eggs/nested/n.ts', 'libs/oven/o.ts']);
    expect(paths(filesUnder(workspace, ['.']))).toEqual(paths(workspace));
    expect(filesUnder(workspace, ['nowhere'])).toEqual([]);
  });

  it('gives groupByRoot what a listing of just those roots would: nested projects keep their own files', () => {
    const roots = ['libs/eggs', 'libs/eggs/nested'];
    const grouped = groupByRoot(filesUnder(workspace, roots), roots);
    expect([...grouped].map(([root, list]) => [root, paths(list)])).toEqual([
      ['libs/eggs', ['libs/eggs/e.ts']],
      ['libs/eggs/nested', ['libs/eggs/nested/n.ts']],
    ]);
  });
});

describe('listWorkspaceFiles', () => {
  let ws: GitWorkspace;
  beforeEach(() => {
    ws = new GitWorkspace();
  });
  afterEach(() => ws.remove());

  it('lists tracked and untracked files on disk with their stat data, in path order; not ignored ones, nor tracked ones deleted', async () => {
    ws.write('ham/z.ts', 'z').write('ham/run.sh', '#!/bin/sh\n').write('ham/gone.ts', 'g').write('ham/.gitignore', 'out/\n');
    chmodSync(join(ws.root, 'ham/run.sh'), 0o755);
    ws.commit('ham');
    ws.write('ham/new.ts', 'new!').write('ham/out/build.js', 'ignored').write('eggs/e.ts', 'other root');
    rmSync(join(ws.root, 'ham/gone.ts'));

    const listed = await listWorkspaceFiles(ws.root, ['ham']);
    expect(listed.map(({ path, size, executable }) => ({ path, size, executable }))).toEqual([
      { path: 'ham/.gitignore', size: 5, executable: false },
      { path: 'ham/new.ts', size: 4, executable: false },
      { path: 'ham/run.sh', size: 10, executable: true },
      { path: 'ham/z.ts', size: 1, executable: false },
    ]);
    expect(listed[3].absPath).toBe(join(ws.root, 'ham/z.ts'));
    expect(listed[3].mtimeMs).toBeGreaterThan(0);
  });
});
