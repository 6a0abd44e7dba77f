import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonDocument, taskDocuments } from './utils/output';
import { publishModelosPackages } from './utils/publish';
import { startVerdaccio, type LocalNpmRegistry } from './utils/verdaccio';
import { createTestWorkspace, type TestWorkspace } from './utils/workspace';

// The plugin declares `nx >= 22 < 24`: the other e2e specs run the top (the dev pin, Nx 23), this
// one the floor, 22.0.0, on the same path a user takes.
const NX_FLOOR = '22.0.0';
const REGISTRY_HOST = process.env.MODELOS_TEST_REGISTRY!;
const REMOTE = { MODELOS_REGISTRY: `oci://${REGISTRY_HOST}/nx22` };

let work: string;
let npmRegistry: LocalNpmRegistry;
let ws: TestWorkspace;
/** What the resource generator said before `nx add @nx/jest`, and whether the tree changed. */
let refusal: { status: number; output: string; files: string };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'modelos-e2e-nx22-'));
  npmRegistry = await startVerdaccio(join(work, 'verdaccio'));
  publishModelosPackages(npmRegistry.url, work);
  ws = createTestWorkspace('proj22', npmRegistry.url, NX_FLOOR);
  ws.nx(['add', '@modelos/nx']);
  // Nx 22.0 fetches a missing @nx/jest (the resource generator's test runner) into a temp
  // directory beside a newer nx, and crashes there (`reading 'filter'`): the generator says so
  // first. Installed, as `nx add` does, it is found in the workspace.
  const before = ws.git(['status', '--porcelain']);
  const { status, stdout, stderr } = ws.nx(['g', '@modelos/nx:resource', 'ham'], { allowFailure: true });
  const after = ws.git(['status', '--porcelain']);
  refusal = { status, output: stdout + stderr, files: after === before ? 'unchanged' : after };
  ws.nx(['add', '@nx/jest']);
  ws.nx(['g', '@modelos/nx:resource', 'ham']);
  ws.nx(['g', '@modelos/nx:resource', 'bacon']);
  ws.commitAll('ham and bacon');
});

afterAll(async () => {
  ws?.dispose();
  await npmRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe(`@modelos/nx on Nx ${NX_FLOOR}, the floor of its peer range`, () => {
  it('installs into the workspace create-nx-workspace made, beside that Nx', () => {
    expect(ws.readJson('node_modules/nx/package.json').version).toBe(NX_FLOOR);
    expect(ws.readJson('nx.json').plugins).toContainEqual({ plugin: '@modelos/nx', options: { mainBranch: 'main' } });
  });

  it('refuses to scaffold before @nx/jest is installed, in one line, writing nothing', () => {
    expect(refusal).toMatchObject({ status: 1, files: 'unchanged' });
    expect(refusal.output).toContain(`Nx ${NX_FLOOR} cannot fetch @nx/jest while generating (it fails inside it): run nx add @nx/jest, then generate the resource again`);
  });

  it('infers the targets (createNodesV2) and stores every resource per task, then in batch mode', () => {
    expect(ws.readJson('node_modules/@modelos/nx/package.json').peerDependencies.nx).toBe('>= 22 < 24');
    expect(JSON.parse(ws.nx(['show', 'project', 'ham', '--json']).stdout).targets.store.executor).toBe('@modelos/nx:store');

    const store = (env: Record<string, string>) => ws.nx(['run-many', '-t', 'store', '--json', '--outputStyle=static'], { env: { ...REMOTE, ...env } });
    const perTask = taskDocuments(store({}).stdout, 'store');
    expect(Object.keys(perTask).sort()).toEqual(['bacon', 'ham']);
    expect(perTask.ham).toMatchObject({ repository: `${REGISTRY_HOST}/nx22/ham`, unchanged: false });
    // Nx 22.0 shows no output of batched tasks (Nx 23 does: the main e2e reads it), so the
    // registry tells: the batch found both stored and pushed nothing.
    const versions = () => jsonDocument(ws.nx(['run', 'ham:versions', '--json'], { env: REMOTE }).stdout);
    const before = versions();
    expect(store({ NX_BATCH_MODE: 'true' }).status).toBe(0);
    expect(versions()).toEqual(before);
  });

  it('releases ham as v1.0.0', () => {
    const release = jsonDocument(ws.nx(['run', 'ham:release', '--json'], { env: REMOTE }).stdout);
    expect(release).toMatchObject({ resource: 'ham', released: true, version: 'v1.0.0' });
    expect(release.tags).toEqual(expect.arrayContaining(['v1.0.0', 'latest']));
  });
});
