import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonDocument, taskDocuments } from './utils/output';
import { publishModelosPackages } from './utils/publish';
import { startVerdaccio, type LocalNpmRegistry } from './utils/verdaccio';
import { createTestWorkspace, type TestWorkspace } from './utils/workspace';

// The plugin declares `nx >= 22 < 24`. The previous major gets the same path a user takes at both
// ends of the range: its first release (the floor) and the newest Nx 22 the npm registry has.
const NX_22_VERSIONS = ['22.0.0', '22'];
const REGISTRY_HOST = process.env.MODELOS_TEST_REGISTRY!;

let work: string;
let npmRegistry: LocalNpmRegistry;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'modelos-e2e-nx22-'));
  npmRegistry = await startVerdaccio(join(work, 'verdaccio'));
  publishModelosPackages(npmRegistry.url, work);
});

afterAll(async () => {
  await npmRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.each(NX_22_VERSIONS)('@modelos/nx on Nx %s', (nxVersion) => {
  const namespace = `nx${nxVersion.replace(/\./g, '-')}`;
  const REMOTE = { MODELOS_REGISTRY: `oci://${REGISTRY_HOST}/${namespace}` };
  let ws: TestWorkspace;
  /** On Nx 22.0, what the resource generator said before `nx add @nx/jest`. */
  let refusal: { status: number; output: string; files: string } | undefined;

  beforeAll(() => {
    ws = createTestWorkspace('proj22', npmRegistry.url, nxVersion);
    ws.nx(['add', '@modelos/nx']);
    // Nx 22.0 fetches a missing @nx/jest (the resource generator's test runner) into a temp
    // directory beside a newer nx, and crashes there (`reading 'filter'`): the generator says
    // so first. Installed, as `nx add` does, it is found in the workspace.
    if (nxVersion.startsWith('22.0.')) {
      const before = ws.git(['status', '--porcelain']);
      const { status, stdout, stderr } = ws.nx(['g', '@modelos/nx:resource', 'ham'], { allowFailure: true });
      refusal = { status, output: stdout + stderr, files: ws.git(['status', '--porcelain']) === before ? 'unchanged' : ws.git(['status', '--porcelain']) };
    }
    ws.nx(['add', '@nx/jest']);
    ws.nx(['g', '@modelos/nx:resource', 'ham']);
    ws.nx(['g', '@modelos/nx:resource', 'bacon']);
    ws.commitAll('ham and bacon');
  });

  afterAll(() => ws?.dispose());

  it('installs into the workspace create-nx-workspace made, beside its Nx 22', () => {
    const installed = ws.readJson('node_modules/nx/package.json').version;
    expect(installed).toMatch(/^22\./);
    if (nxVersion !== '22') expect(installed).toBe(nxVersion);
    expect(ws.readJson('nx.json').plugins).toContainEqual({ plugin: '@modelos/nx', options: { mainBranch: 'main' } });
  });

  if (nxVersion.startsWith('22.0.')) it('refuses to scaffold before @nx/jest is installed, in one line, writing nothing', () => {
    expect(refusal).toMatchObject({ status: 1, files: 'unchanged' });
    expect(refusal!.output).toContain(`Nx ${nxVersion} cannot fetch @nx/jest while generating (it fails inside it): run nx add @nx/jest, then generate the resource again`);
  });

  it('infers the targets (createNodesV2) and stores every resource per task, then in batch mode', () => {
    expect(ws.readJson('node_modules/@modelos/nx/package.json').peerDependencies.nx).toBe('>= 22 < 24');
    expect(JSON.parse(ws.nx(['show', 'project', 'ham', '--json']).stdout).targets.store.executor).toBe('@modelos/nx:store');

    const store = (env: Record<string, string>) => ws.nx(['run-many', '-t', 'store', '--json', '--outputStyle=static'], { env: { ...REMOTE, ...env } }).stdout;
    const perTask = taskDocuments(store({}), 'store');
    expect(Object.keys(perTask).sort()).toEqual(['bacon', 'ham']);
    expect(perTask.ham).toMatchObject({ repository: `${REGISTRY_HOST}/${namespace}/ham`, unchanged: false });
    const versions = () => jsonDocument(ws.nx(['run', 'ham:versions', '--json'], { env: REMOTE }).stdout);
    const before = versions();
    const batchOutput = store({ NX_BATCH_MODE: 'true' });
    // The registry says it whatever Nx shows: the batch found both stored and pushed nothing.
    expect(versions()).toEqual(before);
    // Nx 22.0 shows no output of batched tasks; later ones show each task's.
    if (nxVersion === '22.0.0') return;
    const batch = taskDocuments(batchOutput, 'store');
    expect(batch.ham).toMatchObject({ tags: perTask.ham.tags, digest: perTask.ham.digest, unchanged: true, blobsUploaded: 0 });
    expect(batch.bacon).toMatchObject({ tags: perTask.bacon.tags, digest: perTask.bacon.digest, unchanged: true, blobsUploaded: 0 });
  });

  it('releases ham as v1.0.0', () => {
    const release = jsonDocument(ws.nx(['run', 'ham:release', '--json'], { env: REMOTE }).stdout);
    expect(release).toMatchObject({ resource: 'ham', released: true, version: 'v1.0.0' });
    expect(release.tags).toEqual(expect.arrayContaining(['v1.0.0', 'latest']));
  });
});
