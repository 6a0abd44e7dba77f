import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { jsonDocument } from './utils/output';
import { publishModelosPackages } from './utils/publish';
import { listTags } from './utils/skopeo';
import { startVerdaccio, type LocalNpmRegistry } from './utils/verdaccio';
import { createTestWorkspace, type TestWorkspace } from './utils/workspace';

const REGISTRY_HOST = process.env.MODELOS_TEST_REGISTRY!;

let work: string;
let npmRegistry: LocalNpmRegistry;
let ws: TestWorkspace;
/** The real registry, under a namespace of this run. */
let remote: { MODELOS_REGISTRY: string };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'modelos-e2e-scaffold-'));
  npmRegistry = await startVerdaccio(join(work, 'verdaccio'));
  publishModelosPackages(npmRegistry.url, work);
  // --preset=apps: what `create-nx-workspace` gives a user who asks for an empty monorepo
  // (nx, @nx/js and @nx/workspace; no test runner, no linter, no tsconfig yet).
  ws = createTestWorkspace('proj', npmRegistry.url);
  ws.nx(['add', '@modelos/nx']);
  ws.commitAll('nx add @modelos/nx');
  remote = { MODELOS_REGISTRY: `oci://${REGISTRY_HOST}/scaffold-${basename(work).toLowerCase().replace(/[^a-z0-9]/g, '')}` };
});

afterAll(async () => {
  ws?.dispose();
  await npmRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The npm installs (dirs holding node_modules) left in a temp dir. */
function installsLeftIn(tempDir: string): string[] {
  return readdirSync(tempDir).filter((name) => existsSync(join(tempDir, name, 'node_modules')));
}

describe('nx g @modelos/nx:resource ham in a fresh workspace', () => {
  // The workspace has no @nx/jest: each generation fetches it into the temp dir.
  let tempDir: string;
  beforeAll(() => {
    tempDir = mkdtempSync(join(work, 'tmp-'));
  });

  it('writes nothing with --dry-run, and leaves no fetched plugin in the temp dir', () => {
    const { stdout } = ws.nx(['g', '@modelos/nx:resource', 'ham', '--dry-run'], { env: { TMPDIR: tempDir } });
    expect(stdout).toContain('Fetching @nx/jest');
    expect(stdout).toContain('CREATE ham/resource.json');
    expect(stdout).toContain('CREATE ham/tsconfig.lib.json');
    expect(ws.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');
    expect(installsLeftIn(tempDir)).toEqual([]);
  });

  it('gives a library whose own test passes under nx test, and no lint target where the workspace does not lint', () => {
    ws.nx(['g', '@modelos/nx:resource', 'ham', '--metrics', '--tags=scope:ml'], { env: { TMPDIR: tempDir } });
    expect(installsLeftIn(tempDir)).toEqual([]);
    expect(ws.readJson('ham/resource.json')).toEqual({ formatVersion: '1', entry: 'src/index.ts', class: 'Ham', requires: {}, metricsFile: 'metrics.json' });
    expect(ws.readJson('package.json').devDependencies).toEqual(expect.objectContaining({ jest: expect.any(String), '@nx/jest': expect.any(String) }));
    const project = JSON.parse(ws.nx(['show', 'project', 'ham', '--json']).stdout);
    expect(project.tags).toEqual(['scope:ml']);
    expect(Object.keys(project.targets)).toEqual(expect.arrayContaining(['test', 'store', 'release']));
    expect(project.targets.lint).toBeUndefined();

    const test = ws.nx(['test', 'ham']);
    expect(`${test.stdout}${test.stderr}`).toMatch(/Tests:\s+1 passed, 1 total/);
  });

  it('stores and releases right after generation', () => {
    ws.commitAll('add ham');
    const stored = jsonDocument(ws.nx(['run', 'ham:store', '--json'], { env: remote }).stdout);
    const released = jsonDocument(ws.nx(['run', 'ham:release', '--json'], { env: remote }).stdout);
    expect(released).toMatchObject({ released: true, version: 'v1.0.0' });
    expect(listTags(`docker://${remote.MODELOS_REGISTRY.slice('oci://'.length)}/ham`)).toEqual(
      expect.arrayContaining([stored.tags[0], 'v1.0.0', 'latest']),
    );
  });
});

describe('nx g @modelos/nx:resource --project converts an existing @nx/js library', () => {
  beforeAll(() => {
    ws.nx(['g', '@nx/js:library', 'eggs-lib', '--directory=eggs-lib', '--bundler=none', '--unitTestRunner=none', '--linter=none']);
    ws.write('eggs-lib/src/lib/eggs.ts', 'export class Eggs {\n  constructor(private readonly count: number) {}\n\n  boil(minutes: number): string {\n    return `${this.count} eggs, ${minutes} min`;\n  }\n}\n');
    ws.write('eggs-lib/src/index.ts', `${ws.read('eggs-lib/src/index.ts')}export { Eggs } from './lib/eggs';\n`);
    ws.commitAll('eggs-lib');
  });

  it('refuses a class the entry does not export, in one line, changing nothing', () => {
    const refused = ws.nx(['g', '@modelos/nx:resource', '--project=eggs-lib', '--class=Bacon'], { allowFailure: true });
    expect(refused.status).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toContain('class "Bacon" is not exported by eggs-lib/src/index.ts');
    expect(ws.git(['status', '--porcelain', '--untracked-files=all'])).toBe('');
  });

  it('writes resource.json only, and the library stores as a resource', () => {
    ws.nx(['g', '@modelos/nx:resource', '--project=eggs-lib', '--class=Eggs']);
    expect(ws.git(['status', '--porcelain', '--untracked-files=all'])).toBe('?? eggs-lib/resource.json');
    expect(ws.readJson('eggs-lib/resource.json')).toEqual({ formatVersion: '1', entry: 'src/index.ts', class: 'Eggs', requires: {} });
    ws.commitAll('eggs-lib is a resource');
    const stored = jsonDocument(ws.nx(['run', 'eggs-lib:store', '--json'], { env: remote }).stdout);
    expect(stored.tags[0]).toMatch(/^[0-9a-f]{7}-0000000-[0-9a-f]{7}$/);
  });
});
