import * as path from 'node:path';
import { UserError } from '../errors';
import type { GitWorkspace } from '../test-support/git-workspace';
import { hamWorkspace } from '../test-support/ham-workspace';
import { collectClosureSources } from './closure-sources';

let fixture: ReturnType<typeof hamWorkspace>;
let ws: GitWorkspace;
beforeEach(() => {
  fixture = hamWorkspace();
  ws = fixture.ws;
});
afterEach(() => ws.remove());

const collect = () => collectClosureSources({ workspaceRoot: ws.root, entryFile: fixture.entryFile, closure: fixture.closure });
const relative = (files: string[]) => files.map((file) => path.relative(ws.root, file));

describe('collectClosureSources', () => {
  it('follows relative imports, tsconfig paths, re-exports and JSON modules; only what the entry reaches', () => {
    expect(relative(collect().files)).toEqual([
      'ham/src/glaze.ts',
      'ham/src/ham.ts',
      'ham/src/settings.json',
      'libs/eggs/src/index.ts',
      'libs/eggs/src/lib/eggs.ts',
    ]);
  });

  it('records npm imports with their version from the workspace root, skipping node built-ins', () => {
    ws.write('package.json', JSON.stringify({ name: '@ml-project/source', dependencies: { semver: '^7.7.0' }, devDependencies: { '@scope/tool': '2.0.0' } }));
    ws.write('libs/eggs/src/lib/eggs.ts', `import * as semver from 'semver';\nimport type { T } from '@scope/tool/types';\nimport * as fs from 'fs';\nexport const v = semver.valid('1.0.0');\n`);
    expect(collect().dependencies).toEqual({ '@scope/tool': '2.0.0', semver: '^7.7.0' });
  });

  it('refuses an npm import the workspace does not declare', () => {
    ws.write('ham/src/glaze.ts', `export { default as pad } from 'left-pad';\nexport const GLAZE = 'honey';\n`);
    expect(collect).toThrow(new UserError('ham/src/glaze.ts imports the npm package "left-pad", which the workspace root package.json does not list in dependencies or devDependencies: add it there'));
  });

  it('refuses a file outside the closure, naming it', () => {
    ws.write('ham/src/glaze.ts', `import { bacon } from '@ml-project/bacon';\nexport const GLAZE = bacon;\n`);
    expect(collect).toThrow(/ham\/src\/glaze\.ts imports "@ml-project\/bacon" \(libs\/bacon\/src\/index\.ts\), which is outside the resource's closure \(ham, libs\/eggs\)/);
  });

  it('refuses a relative import that names no file', () => {
    ws.write('ham/src/glaze.ts', `export * from './missing';\nexport const GLAZE = 1;\n`);
    expect(collect).toThrow('ham/src/glaze.ts imports "./missing", which names no TypeScript or JSON file');
  });
});
