import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonDocument, taskDocuments } from './utils/output';
import { publishModelosPackages } from './utils/publish';
import { startVerdaccio, type LocalNpmRegistry } from './utils/verdaccio';
import { createTestWorkspace, type TestWorkspace } from './utils/workspace';

// The plugin declares `nx >= 22 < 24`: the previous major gets the same path a user takes, on the
// newest Nx 22 the npm registry has (`create-nx-workspace@22`).
const NX_PREVIOUS_MAJOR = '22';
const REGISTRY_HOST = process.env.MODELOS_TEST_REGISTRY!;
const REMOTE = { MODELOS_REGISTRY: `oci://${REGISTRY_HOST}/nx22` };

let work: string;
let npmRegistry: LocalNpmRegistry;
let ws: TestWorkspace;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'modelos-e2e-nx22-'));
  npmRegistry = await startVerdaccio(join(work, 'verdaccio'));
  publishModelosPackages(npmRegistry.url, work);
  ws = createTestWorkspace('proj22', npmRegistry.url, NX_PREVIOUS_MAJOR);
  ws.nx(['add', '@modelos/nx']);
  ws.nx(['g', '@modelos/nx:resource', 'ham']);
  ws.nx(['g', '@modelos/nx:resource', 'bacon']);
  ws.commitAll('ham and bacon');
});

afterAll(async () => {
  ws?.dispose();
  await npmRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe(`@modelos/nx on Nx ${NX_PREVIOUS_MAJOR}`, () => {
  it('installs into the workspace create-nx-workspace made, beside its Nx 22', () => {
    expect(ws.readJson('node_modules/nx/package.json').version).toMatch(/^22\./);
    expect(ws.readJson('nx.json').plugins).toContainEqual({ plugin: '@modelos/nx', options: { mainBranch: 'main' } });
  });

  it('infers the targets (createNodesV2) and stores every resource per task, then in batch mode', () => {
    expect(ws.readJson('node_modules/@modelos/nx/package.json').peerDependencies.nx).toBe('>= 22 < 24');
    expect(JSON.parse(ws.nx(['show', 'project', 'ham', '--json']).stdout).targets.store.executor).toBe('@modelos/nx:store');

    const run = (env: Record<string, string>) =>
      taskDocuments(ws.nx(['run-many', '-t', 'store', '--json', '--outputStyle=static'], { env: { ...REMOTE, ...env } }).stdout, 'store');
    const perTask = run({});
    expect(Object.keys(perTask).sort()).toEqual(['bacon', 'ham']);
    expect(perTask.ham).toMatchObject({ repository: `${REGISTRY_HOST}/nx22/ham`, unchanged: false });
    const batch = run({ NX_BATCH_MODE: 'true' });
    expect(batch.ham).toMatchObject({ tags: perTask.ham.tags, digest: perTask.ham.digest, unchanged: true, blobsUploaded: 0 });
    expect(batch.bacon).toMatchObject({ tags: perTask.bacon.tags, digest: perTask.bacon.digest, unchanged: true, blobsUploaded: 0 });
  });

  it('releases ham as v1.0.0', () => {
    const release = jsonDocument(ws.nx(['run', 'ham:release', '--json'], { env: REMOTE }).stdout);
    expect(release).toMatchObject({ resource: 'ham', released: true, version: 'v1.0.0' });
    expect(release.tags).toEqual(expect.arrayContaining(['v1.0.0', 'latest']));
  });
});
