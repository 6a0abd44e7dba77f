import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonDocument, taskDocuments } from './utils/output';
import { publishModelosPackages } from './utils/publish';
import { inspectRaw, listTags } from './utils/skopeo';
import { taskWorkers } from './utils/task-workers';
import { startVerdaccio, type LocalNpmRegistry } from './utils/verdaccio';
import { createTestWorkspace, type TestWorkspace } from './utils/workspace';

/** SPEC §4: `<git7>-<dirty7>-<client7>`. */
const ADHOC = /^([0-9a-f]{7})-([0-9a-f]{7})-([0-9a-f]{7})$/;
const REGISTRY_HOST = process.env.MODELOS_TEST_REGISTRY!;
/** The real registry, the way a user points a workspace at it. */
const REMOTE = { MODELOS_REGISTRY: `oci://${REGISTRY_HOST}/ml-project` };
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

interface StoreResult {
  repository: string;
  tags: string[];
  digest: string;
  clientHash: string;
  blobsUploaded: number;
  unchanged: boolean;
  dryRun: boolean;
}

let work: string;
let npmRegistry: LocalNpmRegistry;
let ws: TestWorkspace;

function store(project: string, args: string[] = [], env: Record<string, string> = {}): StoreResult {
  const { stdout, stderr } = ws.nx(['run', `${project}:store`, '--json', ...args], { env });
  try {
    return jsonDocument(stdout);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nstderr:\n${stderr}`);
  }
}

/** Everything in the workspace except installed packages and Nx's own data. */
function workspaceSnapshot(): string {
  const list = (dir: string): string[] =>
    readdirSync(join(ws.root, dir), { withFileTypes: true })
      .filter((e) => !['node_modules', '.nx', '.git'].includes(e.name))
      .flatMap((e) => (e.isDirectory() ? list(join(dir, e.name)) : [join(dir, e.name)]));
  return `${ws.git(['status', '--porcelain', '--untracked-files=all'])}\n${list('.').sort().join('\n')}`;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'modelos-e2e-npm-'));
  npmRegistry = await startVerdaccio(join(work, 'verdaccio'));
  publishModelosPackages(npmRegistry.url, work);
  ws = createTestWorkspace('proj', npmRegistry.url);
  ws.git(['remote', 'add', 'origin', 'https://github.com/acme/proj.git']);
  ws.nx(['add', '@modelos/nx']);
  ws.commitAll('nx add @modelos/nx');
});

afterAll(async () => {
  ws?.dispose();
  await npmRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('nx add @modelos/nx', () => {
  it('installs the plugin from the npm registry and registers it in nx.json', () => {
    expect(ws.readJson('package.json').devDependencies['@modelos/nx']).toBeDefined();
    expect(existsSync(join(ws.root, 'node_modules/@modelos/versioning-core/package.json'))).toBe(true);
    expect(ws.readJson('nx.json').plugins).toContainEqual({ plugin: '@modelos/nx', options: { mainBranch: 'main' } });
    expect(ws.read('.gitignore')).toMatch(/^\/\.modelos\/registry$/m);
  });
});

describe('nx g @modelos/nx:resource', () => {
  it('changes nothing with --dry-run', () => {
    const before = workspaceSnapshot();
    const { stdout } = ws.nx(['g', '@modelos/nx:resource', 'ham', '--dry-run']);
    expect(stdout).toContain('CREATE ham/resource.json');
    expect(workspaceSnapshot()).toBe(before);
  });

  it('scaffolds a resource whose store and versions targets are inferred', () => {
    ws.nx(['g', '@modelos/nx:resource', 'ham']);
    expect(ws.readJson('ham/resource.json')).toEqual({ formatVersion: '1', entry: 'src/index.ts', class: 'Ham', requires: {} });
    ws.commitAll('add ham');

    const project = JSON.parse(ws.nx(['show', 'project', 'ham', '--json']).stdout);
    expect(project.targets.store).toMatchObject({ executor: '@modelos/nx:store', dependsOn: ['pack'] });
    expect(project.targets.versions).toMatchObject({ executor: '@modelos/nx:versions' });
    // Registry targets are never cached; pack is.
    expect([project.targets.store.cache, project.targets.versions.cache, project.targets.pack.cache]).toEqual([undefined, undefined, true]);
    expect(project.metadata.technologies).toEqual(['modelos']);
  });
});

describe('nx run ham:store', () => {
  it('writes to the embedded default an OCI layout that skopeo reads, with the SPEC §6 artifact type and annotations', () => {
    const { stdout } = ws.nx(['run', 'ham:store']);
    const layout = join(ws.root, '.modelos/registry/ham');
    const tag = new RegExp(`^pushed oci:${layout}:(\\S+)$`, 'm').exec(stdout)?.[1];
    expect(tag).toMatch(ADHOC);
    expect(stdout).toMatch(/^digest sha256:[0-9a-f]{64}$/m);

    const head = ws.git(['rev-parse', 'HEAD']);
    const [, git7, dirty7, client7] = ADHOC.exec(tag!)!;
    expect(git7).toBe(head.slice(0, 7));
    expect(dirty7).toBe('0000000');
    const manifest = inspectRaw(`oci:${layout}:${tag}`);
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.artifactType).toBe('application/vnd.modelos.resource.v1');
    expect(manifest.config.mediaType).toBe('application/vnd.modelos.resource.config.v1+json');
    expect(manifest.annotations).toMatchObject({
      'org.opencontainers.image.revision': head,
      'org.opencontainers.image.source': 'https://github.com/acme/proj.git',
      'org.opencontainers.image.title': 'ham',
      'dev.modelos.closure-commit': head,
      'dev.modelos.dirty-hash': 'clean',
    });
    expect(manifest.annotations['dev.modelos.client-hash'].slice(0, 7)).toBe(client7);
    expect(Date.parse(manifest.annotations['org.opencontainers.image.created'])).not.toBeNaN();
    expect(manifest.annotations).toHaveProperty(['dev.modelos.kind']);
  });

  it('pushes to the registry of MODELOS_REGISTRY, and a second store of unchanged content uploads no blob', () => {
    const first = store('ham', [], REMOTE);
    expect(first.repository).toBe(`${REGISTRY_HOST}/ml-project/ham`);
    expect(first.blobsUploaded).toBeGreaterThan(0);
    expect(listTags(`docker://${REGISTRY_HOST}/ml-project/ham`)).toContain(first.tags[0]);
    expect(inspectRaw(`docker://${REGISTRY_HOST}/ml-project/ham:${first.tags[0]}`).artifactType).toBe(
      'application/vnd.modelos.resource.v1',
    );

    const second = store('ham', [], REMOTE);
    expect(second.tags).toEqual(first.tags);
    expect(second.digest).toBe(first.digest);
    expect(second.blobsUploaded).toBe(0);
    expect(second.unchanged).toBe(true);
  });

  it('pushes the branch tag too with --branch, and only it with --branchOnly', () => {
    ws.git(['checkout', '-q', '-b', 'feat/Sauce_X']);
    try {
      const both = store('ham', ['--branch'], REMOTE);
      expect(both.tags).toHaveLength(2);
      expect(both.tags[0]).toMatch(ADHOC);
      expect(both.tags[1]).toBe(`feat-sauce-x-0000000-${both.clientHash.slice(0, 7)}`);

      ws.write('ham/src/lib/ham.ts', ws.read('ham/src/lib/ham.ts').replace('return 180;', 'return 200;'));
      const commit = ws.commitAll('hotter ham');
      const only = store('ham', ['--branchOnly'], REMOTE);
      expect(only.tags).toEqual([both.tags[1]]);
      expect(only.digest).not.toBe(both.digest);
      const tags = listTags(`docker://${REGISTRY_HOST}/ml-project/ham`);
      expect(tags).toContain(both.tags[1]);
      expect(tags.filter((t) => t.startsWith(commit.slice(0, 7)))).toEqual([]);
    } finally {
      ws.git(['checkout', '-q', 'main']);
    }
  });

  it('fails with one clear line and no stack trace on a user error', () => {
    const result = ws.nx(['run', 'ham:store', '--registry=ftp://registry.example.com/ml'], { allowFailure: true });
    expect(result.status).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toContain('unsupported registry reference "ftp://registry.example.com/ml"');
    expect(output).not.toMatch(STACK_FRAME);
  });
});

describe('nx run ham:versions', () => {
  it('lists the stored versions as a table and as JSON', () => {
    const stored = store('ham', [], REMOTE);
    const table = ws.nx(['run', 'ham:versions'], { env: REMOTE }).stdout;
    expect(table).toMatch(/^TAG\s+KIND\s+DIGEST\s+CREATED\s+CLIENT HASH\s+COMPATIBLE$/m);
    expect(table).toMatch(new RegExp(`^${stored.tags[0]}\\s+adhoc\\s+`, 'm'));

    const rows = jsonDocument(ws.nx(['run', 'ham:versions', '--json'], { env: REMOTE }).stdout);
    expect(rows).toContainEqual(expect.objectContaining({ tag: stored.tags[0], kind: 'adhoc', digest: stored.digest, compatible: true }));
  });

  it('with --compatible, lists only versions whose interface the workspace still has', () => {
    const source = ws.read('ham/src/lib/ham.ts');
    ws.write('ham/src/lib/ham.ts', source.replace('bake(temp: number): string', 'bake(temp: string): string'));
    try {
      const all = jsonDocument<{ compatible: boolean }[]>(ws.nx(['run', 'ham:versions', '--json'], { env: REMOTE }).stdout);
      expect(all.length).toBeGreaterThan(0);
      expect(all.every((row) => !row.compatible)).toBe(true);
      const compatible = jsonDocument(ws.nx(['run', 'ham:versions', '--json', '--compatible'], { env: REMOTE }).stdout);
      expect(compatible).toEqual([]);
    } finally {
      ws.write('ham/src/lib/ham.ts', source);
    }
  });
});

describe('nx affected -t store', () => {
  let baseline: Record<'ham' | 'bacon', StoreResult>;

  beforeAll(() => {
    // Nx reads imports only where TypeScript is installed, as in any TS workspace.
    ws.npm(['install', '--save-dev', 'typescript@5.9.3']);
    // eggs: a plain library that ham imports through the workspace's TS path alias.
    ws.write('tsconfig.base.json', JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@proj/eggs': ['eggs/src/index.ts'] } } }, null, 2));
    ws.write('eggs/project.json', JSON.stringify({ name: 'eggs', projectType: 'library', sourceRoot: 'eggs/src' }));
    ws.write('eggs/src/index.ts', 'export const eggs = 2;\n');
    ws.write('ham/src/lib/ham.ts', `import { eggs } from '@proj/eggs';\n${ws.read('ham/src/lib/ham.ts').replace('return 180;', 'return 180 + eggs;')}`);
    ws.nx(['g', '@modelos/nx:resource', 'bacon']);
    ws.commitAll('eggs for ham, and bacon');
    baseline = { ham: store('ham', [], REMOTE), bacon: store('bacon', [], REMOTE) };
  });

  it('sees ham depend on eggs in the project graph', () => {
    ws.nx(['graph', '--file=graph.json']);
    const { graph } = ws.readJson('graph.json');
    ws.remove('graph.json');
    expect(graph.dependencies.ham).toContainEqual(expect.objectContaining({ target: 'eggs' }));
    expect(graph.dependencies.bacon).toEqual([]);
  });

  it('stores only the resources whose closure changed, and leaves the others at their git7', () => {
    ws.write('eggs/src/index.ts', 'export const eggs = 3;\n');
    const commit = ws.commitAll('more eggs');
    const { stdout } = ws.nx(['affected', '-t', 'store', '--base=HEAD~1'], { env: REMOTE });
    expect(stdout).toContain('nx run ham:store');
    expect(stdout).not.toContain('bacon:store');

    const hamTags = listTags(`docker://${REGISTRY_HOST}/ml-project/ham`);
    expect(hamTags).toContain(baseline.ham.tags[0]);
    expect(hamTags.some((t) => t.startsWith(`${commit.slice(0, 7)}-0000000-`))).toBe(true);

    ws.write('ham/src/lib/ham.ts', ws.read('ham/src/lib/ham.ts').replace('180 + eggs', '181 + eggs'));
    ws.commitAll('warmer ham');
    const bacon = store('bacon', ['--dryRun'], REMOTE);
    expect(ADHOC.exec(bacon.tags[0])![1]).toBe(ADHOC.exec(baseline.bacon.tags[0])![1]);
    expect(bacon.tags).toEqual(baseline.bacon.tags);
  });

  it('with NX_BATCH_MODE=true stores several resources in one process, each task with its own --json document', () => {
    const head = ws.git(['rev-parse', 'HEAD']);
    const { stdout } = ws.nx(['run-many', '-t', 'store', '--projects=ham,bacon', '--json', '--outputStyle=static'], {
      env: { ...REMOTE, NX_BATCH_MODE: 'true' },
    });
    const documents = taskDocuments<StoreResult>(stdout, 'store');
    expect(Object.keys(documents).sort()).toEqual(['bacon', 'ham']);
    expect(documents.bacon).toMatchObject({ repository: `${REGISTRY_HOST}/ml-project/bacon`, tags: baseline.bacon.tags, unchanged: true, blobsUploaded: 0 });
    expect(documents.ham).toMatchObject({ repository: `${REGISTRY_HOST}/ml-project/ham`, unchanged: false, dryRun: false });
    expect(ADHOC.exec(documents.ham.tags[0])![1]).toBe(head.slice(0, 7));
    expect(listTags(`docker://${REGISTRY_HOST}/ml-project/ham`)).toContain(documents.ham.tags[0]);
  });
  it('without batch mode, hands tasks to one task worker that prints through each task, and ends it when idle', async () => {
    const storeBoth = (env: Record<string, string> = {}) =>
      taskDocuments<StoreResult>(ws.nx(['run-many', '-t', 'store', '--projects=ham,bacon', '--json', '--outputStyle=static'], { env: { ...REMOTE, ...env } }).stdout, 'store');
    // The stores of the tests above may have left a worker: start from none.
    await waitFor(() => taskWorkers(ws.root).length === 0, 'earlier task workers to end when idle', 30_000);
    // The first tasks find no worker: they start one and run in their own processes.
    storeBoth();
    await waitFor(() => taskWorkers(ws.root).length === 1, 'a task worker to start');
    const [worker] = taskWorkers(ws.root);
    const documents = storeBoth();
    expect(documents.bacon).toMatchObject({ repository: `${REGISTRY_HOST}/ml-project/bacon`, tags: baseline.bacon.tags, unchanged: true });
    expect(documents.ham).toMatchObject({ repository: `${REGISTRY_HOST}/ml-project/ham`, unchanged: true });
    // The same worker ran them: it used CPU, and no other started.
    const [after] = taskWorkers(ws.root);
    expect(taskWorkers(ws.root)).toHaveLength(1);
    expect(after.pid).toBe(worker.pid);
    expect(after.cpuTicks).toBeGreaterThan(worker.cpuTicks);
    // Another environment is another worker's: a task never runs with another task's variables.
    const { ham } = storeBoth({ MODELOS_REGISTRY: `oci://${REGISTRY_HOST}/ml-other` });
    expect(ham.repository).toBe(`${REGISTRY_HOST}/ml-other/ham`);
    await waitFor(() => taskWorkers(ws.root).some((w) => w.pid !== worker.pid), 'a second task worker, for the other environment');
    // MODELOS_TASK_WORKER=0: tasks run in their own processes and start no worker (in a third
    // environment). The two above may end meanwhile, when idle: no pid but theirs may appear.
    const before = taskWorkers(ws.root).map((w) => w.pid);
    expect(storeBoth({ MODELOS_TASK_WORKER: '0' }).ham.unchanged).toBe(true);
    expect(taskWorkers(ws.root).filter((w) => !before.includes(w.pid))).toEqual([]);
    await waitFor(() => taskWorkers(ws.root).length === 0, 'the task workers to end when idle', 30_000);
  });
});

/** Polls `done` every 200 ms until it holds; fails naming `what` after `ms`. */
async function waitFor(done: () => boolean, what: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a bad resource.json', () => {
  it('fails with an error naming the file and the field', () => {
    ws.write('broken/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/broken.js', class: 'Broken' }));
    try {
      const result = ws.nx(['show', 'projects'], { allowFailure: true });
      expect(result.status).not.toBe(0);
      const output = result.stdout + result.stderr;
      expect(output).toContain(join('broken', 'resource.json'));
      expect(output).toContain('field "entry"');
    } finally {
      ws.remove('broken');
    }
  });
});

describe('releases', () => {
  interface ReleaseResult {
    released: boolean;
    version: string;
    reason: string;
    tags: string[];
    digest: string;
  }
  const release = (project: string, args: string[] = []): ReleaseResult =>
    jsonDocument(ws.nx(['run', `${project}:release`, '--json', ...args], { env: REMOTE }).stdout);

  it('releases v1.0.0 with latest and a git tag, then says ham is unchanged', () => {
    const first = release('ham', ['--gitTag']);
    expect(first).toMatchObject({ released: true, version: 'v1.0.0' });
    expect(first.tags).toEqual(expect.arrayContaining(['v1.0.0', 'latest']));
    expect(ws.git(['tag', '--list', 'mdl-ham-*'])).toBe('mdl-ham-v1.0.0');
    const manifest = inspectRaw(`docker://${REGISTRY_HOST}/ml-project/ham:v1.0.0`);
    expect(manifest.annotations['org.opencontainers.image.revision']).toBe(ws.git(['rev-parse', 'HEAD']));
    expect(inspectRaw(`docker://${REGISTRY_HOST}/ml-project/ham:latest`)).toEqual(manifest);
    // The release image is the adhoc image, secondarily tagged (SPEC §7.5).
    expect(inspectRaw(`docker://${REGISTRY_HOST}/ml-project/ham:${first.tags[0]}`)).toEqual(manifest);

    const again = ws.nx(['run', 'ham:release'], { env: REMOTE }).stdout;
    expect(again).toContain('ham is unchanged since v1.0.0');
  });

  it('releases each changed resource once with nx affected, and bumps ham when eggs changed', () => {
    release('bacon');
    ws.write('eggs/src/index.ts', 'export const eggs = 4;\n');
    ws.commitAll('eggs for release');
    const { stdout } = ws.nx(['affected', '-t', 'release', '--base=HEAD~1', '--gitTag', '--output-style=static'], { env: REMOTE });
    expect(stdout).toContain('nx run ham:release');
    expect(stdout).not.toContain('bacon:release');
    expect(stdout).toMatch(/released ham v1\.1\.0 \(closure changed since v1\.0\.0/);

    const all = ws.nx(['run-many', '-t', 'release', '--output-style=static'], { env: REMOTE }).stdout;
    expect(all).toContain('ham is unchanged since v1.1.0');
    expect(all).toContain('bacon is unchanged since v1.0.0');
  });

  it('lists releases newest first with latest on top', () => {
    const table = ws.nx(['run', 'ham:releases'], { env: REMOTE }).stdout;
    expect(table).toMatch(/^TAG\s+VERSION\s+KIND\s+DIGEST\s+CREATED\nlatest\s+1\.1\.0\s+latest\s+\S+\s+\S+\nv1\.1\.0\s+1\.1\.0\s+release\s+\S+\s+\S+\nv1\.0\.0\s+1\.0\.0\s+release/m);
  });

  it('describes a release and compares two, reading configs only', () => {
    // Nx 23 keeps a bare --version for itself: the version goes as the first argument.
    const described = jsonDocument<{ tag: string; status: { kind: string; tags: string[] }; projects: { name: string; files: unknown[] }[] }>(
      ws.nx(['run', 'ham:describe', 'v1.1.0', '--json'], { env: REMOTE }).stdout,
    );
    // The release is the adhoc image tagged again (SPEC §7.5): its adhoc tag shares the digest.
    expect(described).toMatchObject({ tag: 'v1.1.0', status: { kind: 'release', tags: [expect.stringMatching(ADHOC), 'latest', 'v1.1.0'] } });
    expect(described.projects.map((p) => p.name)).toEqual(['ham', 'eggs']);

    const table = ws.nx(['run', 'ham:compare', '--from', 'v1.0.0', '--to', 'v1.1.0'], { env: REMOTE }).stdout;
    expect(table).toContain('bump: minor — closure changed since v1.0.0 (server logic or model files)');
    expect(table).toMatch(/\neggs\s+changed\s+eggs\/src\/index\.ts\s/);
  });

  it('cleans adhoc and branch tags and leaves every release pullable', () => {
    const plan = jsonDocument<{ actions: { tag: string }[] }>(ws.nx(['run', 'ham:clean', '--dryRun', '--json'], { env: REMOTE }).stdout);
    expect(plan.actions.length).toBeGreaterThan(0);
    expect(plan.actions.every(({ tag }) => ADHOC.test(tag) || /-[0-9a-f]{7}-[0-9a-f]{7}$/.test(tag))).toBe(true);

    ws.nx(['run', 'ham:clean'], { env: REMOTE });
    expect(listTags(`docker://${REGISTRY_HOST}/ml-project/ham`).sort()).toEqual([
      'client-v1',
      'client-v1.0.0',
      'client-v1.1.0',
      'latest',
      'pkg-v1.0.0',
      'pkg-v1.1.0',
      'v1.0.0',
      'v1.1.0',
    ]);
    for (const tag of ['latest', 'v1.0.0', 'v1.1.0']) {
      expect(inspectRaw(`docker://${REGISTRY_HOST}/ml-project/ham:${tag}`).artifactType).toBe('application/vnd.modelos.resource.v1');
    }
  });
});
