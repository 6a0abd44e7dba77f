import { filesUnder, groupByRoot, type ClosureFile } from './closure-files';

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
