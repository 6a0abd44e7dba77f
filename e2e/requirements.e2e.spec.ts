import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonDocument } from './utils/output';
import { publishModelosPackages } from './utils/publish';
import { run } from './utils/run';
import { startVerdaccio, type LocalNpmRegistry } from './utils/verdaccio';
import { createTestWorkspace, type TestWorkspace } from './utils/workspace';

// Issue 8's acceptance: eggs released as v1.2.0, v1.4.0 and v2.0.0; ham requires eggs ^1.2 and
// toast requires eggs 1.4, so the workspace resolves to one eggs 1.x; ham's code uses eggs
// through @proj/eggs-client-v1, and ham's released server package runs with the client it bundles.

const REGISTRY_HOST = process.env.MODELOS_TEST_REGISTRY!;
const NAMESPACE = `requirements-${randomUUID().slice(0, 8)}`;
const REMOTE = { MODELOS_REGISTRY: `oci://${REGISTRY_HOST}/${NAMESPACE}` };

/** eggs: `lay(n)` lays n × factor eggs; v2 retypes its parameter (an incompatible change). */
const eggsSource = (factor: number, param = 'n: number') => `export class Eggs {
  lay(${param}): number {
    return Number(n) * ${factor};
  }
}
`;

const resource = (className: string, requires: Record<string, string>) =>
  JSON.stringify({ formatVersion: '1', entry: `src/${className.toLowerCase()}.ts`, class: className, requires }, null, 2);

let work: string;
let npmRegistry: LocalNpmRegistry;
let ws: TestWorkspace;

const release = (project: string, extra: string[] = []) => ws.nx(['run', `${project}:release`, '--output-style=static', ...extra], { env: REMOTE }).stdout;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'modelos-e2e-requirements-'));
  npmRegistry = await startVerdaccio(join(work, 'verdaccio'));
  publishModelosPackages(npmRegistry.url, work);
  ws = createTestWorkspace('proj', npmRegistry.url);
  ws.nx(['add', '@modelos/nx']);
  ws.npm(['install', '--save-dev', 'typescript@5.9.3']);
  ws.write('eggs/resource.json', resource('Eggs', {}));
  ws.write('eggs/src/eggs.ts', eggsSource(2));
  ws.write('toast/resource.json', resource('Toast', { eggs: '1.4' }));
  ws.write('toast/src/toast.ts', 'export class Toast {\n  brown(): string {\n    return "brown";\n  }\n}\n');
  ws.write('ham/resource.json', resource('Ham', { eggs: '^1.2' }));
  ws.write(
    'ham/src/ham.ts',
    `import { EggsClient } from '@proj/eggs-client-v1';

export class Ham {
  async eggs(n: number): Promise<string> {
    const eggs = await EggsClient.create();
    try {
      return \`\${await eggs.lay(n)} eggs from eggs v\${EggsClient.version ?? 'newest'}\`;
    } finally {
      await eggs[Symbol.asyncDispose]();
    }
  }
}
`,
  );
  ws.commitAll('eggs, toast, ham');
  release('eggs', ['--initialVersion', '1.2.0']);
  for (const factor of [3, 4]) {
    ws.write('eggs/src/eggs.ts', eggsSource(factor));
    ws.commitAll(`eggs × ${factor}`);
    release('eggs');
  }
  ws.write('eggs/src/eggs.ts', eggsSource(5, 'n: string'));
  ws.commitAll('eggs v2');
  expect(release('eggs')).toMatch(/released eggs v2\.0\.0/);
});

afterAll(async () => {
  ws?.dispose();
  await npmRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('requirements between resources', () => {
  it('resolves the workspace to one eggs 1.x, writes the lock and installs eggs-client-v1', () => {
    // Batch mode: the batch twin resolves the whole set once, into one lock.
    const out = jsonDocument(ws.nx(['run-many', '-t', 'resolve', '--json', '--output-style=static'], { env: { ...REMOTE, NX_BATCH_MODE: 'true' } }).stdout);
    expect(out.roots).toEqual(['eggs', 'ham', 'toast']);
    expect(out.resolved).toEqual([
      expect.objectContaining({ resource: 'eggs', version: '1.4.0', requiredBy: [{ by: 'ham', spec: '^1.2' }, { by: 'toast', spec: '1.4' }] }),
    ]);
    const lock = ws.readJson('modelos.lock.json');
    expect(Object.keys(lock.resolved)).toEqual(['eggs@1.4.0']);
    expect(lock.resolved['eggs@1.4.0']).toMatchObject({ repository: `${REGISTRY_HOST}/${NAMESPACE}/eggs`, manifest: expect.stringMatching(/^sha256:/), client: expect.stringMatching(/^sha256:/) });
    expect(ws.readJson('node_modules/@proj/eggs-client-v1/package.json').version).toBe('1.4.0');
    expect(ws.readJson('package.json').dependencies['@proj/eggs-client-v1']).toBe('file:.modelos/packages/eggs-client-1.4.0.tgz');

    // Same inputs, same lock bytes.
    const bytes = ws.read('modelos.lock.json');
    ws.nx(['run', 'ham:resolve', '--output-style=static'], { env: REMOTE });
    expect(ws.read('modelos.lock.json')).toBe(bytes);
  });

  it('refuses a conflict within one major, naming each requirer, and changes nothing', () => {
    const lock = ws.read('modelos.lock.json');
    const packageJson = ws.read('package.json');
    ws.write('ham/resource.json', resource('Ham', { eggs: '~1.4.0' }));
    ws.write('toast/resource.json', resource('Toast', { eggs: '~1.3.0' }));
    const failed = ws.nx(['run', 'toast:resolve', '--update', '--output-style=static'], { env: REMOTE, allowFailure: true });
    expect(failed.status).not.toBe(0);
    expect(failed.stdout + failed.stderr).toContain('ham needs eggs ~1.4.0; toast needs eggs ~1.3.0; no eggs 1.x satisfies both; available: 1.2.0, 1.3.0, 1.4.0');
    expect([ws.read('modelos.lock.json'), ws.read('package.json')]).toEqual([lock, packageJson]);
    ws.write('ham/resource.json', resource('Ham', { eggs: '^1.2' }));
    ws.write('toast/resource.json', resource('Toast', { eggs: '1.4' }));
  });

  it("releases ham with its requirements; its server package runs with the bundled eggs client and no npm registry", () => {
    ws.commitAll('lock and clients');
    expect(release('ham')).toMatch(/released ham v1\.0\.0/);
    const releases = jsonDocument(ws.nx(['run', 'ham:releases', '--json', '--output-style=static'], { env: REMOTE }).stdout);
    expect(releases.find((row: { tag: string }) => row.tag === 'v1.0.0').requires).toEqual({ eggs: { spec: '^1.2', versions: ['1.4.0'] } });

    ws.write(
      'use-ham.js',
      `const { startLocalServer } = require('@modelos/versioning-core');
(async () => {
  const server = await startLocalServer({ registry: process.env.MODELOS_REGISTRY, resource: 'ham', version: 'v1.0.0' });
  try {
    const post = (path, args) => fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ args }) }).then((r) => r.json());
    const { id } = await post('/instances', []);
    console.log(JSON.stringify(await post('/instances/' + id + '/eggs', [3])));
  } finally {
    await server.stop();
  }
})().catch((err) => { console.error(err.message); process.exit(1); });
`,
    );
    // A dead npm registry: the server package must not need one.
    const env = { ...REMOTE, npm_config_registry: 'http://127.0.0.1:9/', MODELOS_CACHE_DIR: join(work, 'serve-cache') };
    const { stdout } = run('node', ['use-ham.js'], { cwd: ws.root, env });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ result: '12 eggs from eggs vnewest' });
  });
});
