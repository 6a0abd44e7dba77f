import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobPath, copyTagToLayout } from './utils/layout-copy';
import { createNpmProject, type NpmProject } from './utils/npm-project';
import { publishModelosPackages } from './utils/publish';
import { run } from './utils/run';
import { inspectRaw, listTags } from './utils/skopeo';
import { npmToken, startVerdaccio, type LocalNpmRegistry } from './utils/verdaccio';
import { createTestWorkspace, type TestWorkspace } from './utils/workspace';

// Issue 4's acceptance: release ham through three versions in a fresh Nx workspace, then use
// them from a plain npm project with `mdl install`, side by side, against local servers.
// Issue 12's: every release is also published to npm (Verdaccio, as alice, with the token in the
// workspace's .npmrc), and a plain npm project installs `@proj/ham-client@^1` from there.

const REGISTRY_HOST = process.env.MODELOS_TEST_REGISTRY!;
const NAMESPACE = `using-versions-${randomUUID().slice(0, 8)}`;
const REMOTE = { MODELOS_REGISTRY: `oci://${REGISTRY_HOST}/${NAMESPACE}` };
const HAM_REPOSITORY = `${REGISTRY_HOST}/${NAMESPACE}/ham`;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** ham at each release: v1.0.0 as generated (plus eggs), v1.1.0 with an optional parameter, v2.0.0 without getTemp. */
function hamSource(step: 'v1.0.0' | 'v1.1.0' | 'v2.0.0'): string {
  const crispy = step !== 'v1.0.0';
  return `import { eggs } from '@proj/eggs';

export class Ham {
  constructor(
    private readonly a: string,
    private readonly b: number,
    private readonly c: boolean,
  ) {}

  bake(temp: number${crispy ? ', crispy?: boolean' : ''}): string {
    return \`\${this.a} baked at \${temp} (\${this.b}, \${this.c}) with \${eggs} eggs${crispy ? "\${crispy ? ', crispy' : ''}" : ''}\`;
  }
${
  step === 'v2.0.0'
    ? ''
    : `
  static getTemp(): number {
    return 180;
  }
`
}}
`;
}

let work: string;
let npmRegistry: LocalNpmRegistry;
let ws: TestWorkspace;
let consumer: NpmProject;

function release(): string {
  return ws.nx(['run', 'ham:release', '--publish', '--output-style=static'], { env: REMOTE }).stdout;
}

/** `npm view` against the local npm registry. */
function npmView(spec: string, field: string): any {
  return JSON.parse(run('npm', ['view', spec, field, '--json', '--registry', npmRegistry.url], { cwd: work }).stdout);
}

/** The lines mdl wrote to stderr, without the warnings npm itself prints about the machine's npm config. */
function mdlErrorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() && !/^npm (warn|notice)/.test(line));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'modelos-e2e-using-'));
  npmRegistry = await startVerdaccio(join(work, 'verdaccio'), { scopes: ['proj'], user: 'alice', password: 'alice-e2e-secret' });
  publishModelosPackages(npmRegistry.url, work);
  ws = createTestWorkspace('proj', npmRegistry.url);
  // Where @proj publishes, and alice's credentials for it: the user's own .npmrc, read by npm publish.
  const token = await npmToken(npmRegistry.url, 'alice', 'alice-e2e-secret');
  appendFileSync(join(ws.root, '.npmrc'), `@proj:registry=${npmRegistry.url}\n//${new URL(npmRegistry.url).host}/:_authToken=${token}\n`);
  ws.nx(['add', '@modelos/nx']);
  // Nx reads imports only where TypeScript is installed, as in any TS workspace.
  ws.npm(['install', '--save-dev', 'typescript@5.9.3']);
  ws.nx(['g', '@modelos/nx:resource', 'ham']);
  ws.remove('ham/src/lib/ham.spec.ts');
  // eggs is in ham's closure; spam is a project of the monorepo that ham does not use.
  const paths = { '@proj/eggs': ['eggs/src/index.ts'], '@proj/spam': ['spam/src/index.ts'] };
  ws.write('tsconfig.base.json', JSON.stringify({ compilerOptions: { baseUrl: '.', paths } }, null, 2));
  ws.write('eggs/project.json', JSON.stringify({ name: 'eggs', projectType: 'library', sourceRoot: 'eggs/src' }));
  ws.write('eggs/src/index.ts', 'export const eggs = 2;\n');
  ws.write('spam/project.json', JSON.stringify({ name: 'spam', projectType: 'library', sourceRoot: 'spam/src' }));
  ws.write('spam/src/index.ts', "export const spam = 'not in ham';\n");
  ws.write('ham/src/lib/ham.ts', hamSource('v1.0.0'));
  ws.commitAll('ham with eggs, and spam');
});

afterAll(async () => {
  ws?.dispose();
  consumer?.dispose();
  await npmRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('releases of ham bump by the interface diff', () => {
  it('releases v1.0.0 with its server and client packages', () => {
    expect(release()).toMatch(/released ham v1\.0\.0 \(first release\)/);
    expect(listTags(`docker://${HAM_REPOSITORY}`)).toEqual(expect.arrayContaining(['v1.0.0', 'pkg-v1.0.0', 'client-v1.0.0', 'client-v1']));
    expect(inspectRaw(`docker://${HAM_REPOSITORY}:pkg-v1.0.0`).artifactType).toBe('application/vnd.modelos.pkg.v1');
    expect(inspectRaw(`docker://${HAM_REPOSITORY}:client-v1`).artifactType).toBe('application/vnd.modelos.client.v1');
  });

  it('releases v1.1.0 for a new optional parameter, and says so', () => {
    ws.write('ham/src/lib/ham.ts', hamSource('v1.1.0'));
    ws.commitAll('crispy ham');
    expect(release()).toMatch(/released ham v1\.1\.0 \(interface grew since v1\.0\.0: .*optional parameter crispy/);
    expect(inspectRaw(`docker://${HAM_REPOSITORY}:client-v1`)).toEqual(inspectRaw(`docker://${HAM_REPOSITORY}:client-v1.1.0`));
  });

  it('releases v2.0.0 for a removed method, naming it', () => {
    ws.write('ham/src/lib/ham.ts', hamSource('v2.0.0'));
    ws.commitAll('no more getTemp');
    const out = release();
    expect(out).toMatch(/released ham v2\.0\.0 \(interface changed incompatibly since v1\.1\.0: .*removed .*getTemp/);
    expect(out).toMatch(/npm @proj\/ham-client@2\.0\.0 \(published, dist-tag latest\)/);
    expect(inspectRaw(`docker://${HAM_REPOSITORY}:client-v2`)).toEqual(inspectRaw(`docker://${HAM_REPOSITORY}:client-v2.0.0`));
    expect(inspectRaw(`docker://${HAM_REPOSITORY}:client-v1`)).toEqual(inspectRaw(`docker://${HAM_REPOSITORY}:client-v1.1.0`));
  });
});

describe('the packages on npm (release --publish)', () => {
  it('holds every release of the client and the server, latest on the newest stable', () => {
    for (const name of ['@proj/ham', '@proj/ham-client']) {
      expect(npmView(name, 'versions')).toEqual(['1.0.0', '1.1.0', '2.0.0']);
      expect(npmView(name, 'dist-tags')).toEqual({ latest: '2.0.0' });
    }
  });

  it('installs @proj/ham-client@^1 into a plain npm project, which calls the newest v1 server', () => {
    const project = createNpmProject('npm-consumer', npmRegistry.url);
    try {
      appendFileSync(join(project.root, '.npmrc'), `@proj:registry=${npmRegistry.url}\n`);
      project.npm(['install', '@proj/ham-client@^1']);
      expect(project.readJson('node_modules/@proj/ham-client/package.json').version).toBe('1.1.0');
      // The client brings its runtime; nothing of the engine reaches a consumer.
      const installed = project.readJson('package-lock.json').packages as Record<string, unknown>;
      expect(Object.keys(installed).filter(Boolean).sort()).toEqual([
        'node_modules/@proj/ham-client',
        ...['@modelos/runtime', 'agent-base', 'debug', 'https-proxy-agent', 'ms', 'proxy-from-env', 'semver'].map((name) => `node_modules/@proj/ham-client/node_modules/${name}`),
      ]);
      const { stdout } = project.node(
        'use-ham.js',
        `const { HamClient } = require('@proj/ham-client');
(async () => {
  const ham = await HamClient.create('n', 4, true);
  console.log(JSON.stringify([await ham.bake(150), await ham.bake(160, true), await HamClient.getTemp()]));
  await ham[Symbol.asyncDispose]();
})().catch((err) => { console.error(err.message); process.exit(1); });
`,
      );
      expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual(['n baked at 150 (4, true) with 2 eggs', 'n baked at 160 (4, true) with 2 eggs, crispy', 180]);
    } finally {
      project.dispose();
    }
  });
});

describe('a plain npm project uses two majors side by side', () => {
  beforeAll(() => {
    consumer = createNpmProject('consumer', npmRegistry.url);
    consumer.npm(['install', '@modelos/versioning-core']);
  });

  it('installs ham-client-v1 and ham-client-v2 with mdl install under per-major names', () => {
    const v1 = consumer.npx(['mdl', 'install', `${REGISTRY_HOST}/${NAMESPACE}:ham-client-v1`]).stdout;
    expect(v1).toMatch(/^INSTALLED\s+PACKAGE\s+VERSION\s+DIGEST\s+FROM$/m);
    expect(v1).toMatch(new RegExp(`^@proj/ham-client-v1\\s+@proj/ham-client\\s+1\\.1\\.0\\s+sha256:[0-9a-f]{64}\\s+${HAM_REPOSITORY}:client-v1$`, 'm'));

    const v2 = JSON.parse(consumer.npx(['mdl', 'install', `oci://${REGISTRY_HOST}/${NAMESPACE}:ham-client-v2`, '--json']).stdout);
    expect(v2).toMatchObject({ name: '@proj/ham-client-v2', package: '@proj/ham-client', version: '2.0.0', tag: 'client-v2', tarball: '.modelos/packages/ham-client-2.0.0.tgz' });
    expect(v2.digest).toMatch(DIGEST);

    expect(consumer.readJson('package.json').dependencies).toMatchObject({
      '@proj/ham-client-v1': 'file:.modelos/packages/ham-client-1.1.0.tgz',
      '@proj/ham-client-v2': 'file:.modelos/packages/ham-client-2.0.0.tgz',
    });
  });

  it('calls both against servers started with fromVersion, and the v1 client refuses the v2 server', () => {
    const { stdout } = consumer.node(
      'use-both.js',
      `const { HamClient: HamV1 } = require('@proj/ham-client-v1');
const { HamClient: HamV2 } = require('@proj/ham-client-v2');

async function main() {
  const out = {};
  const v1 = await HamV1.fromVersion('v1.1.0');
  const v2 = await HamV2.fromVersion('v2.0.0');
  try {
    const ham1 = await v1.create('a', 1, true);
    out.v1 = { version: v1.info.version, bake: await ham1.bake(180), crispy: await ham1.bake(190, true), temp: await v1.getTemp() };
    await ham1[Symbol.asyncDispose]();
    const ham2 = await v2.create('b', 2, false);
    out.v2 = { version: v2.info.version, crispy: await ham2.bake(200, true) };
    await ham2[Symbol.asyncDispose]();
    // No server given: the client starts the newest server of its major, and stops it on dispose.
    const own = await HamV1.create('c', 3, true);
    out.newestV1 = await own.bake(100);
    await own[Symbol.asyncDispose]();
    const refusal = (promise) => promise.then(() => 'accepted', (err) => err.message);
    out.v1ClientOnV2Version = await refusal(HamV1.fromVersion('v2.0.0'));
    out.v1ClientOnV2Server = await refusal(HamV1.fromUri(v2.url));
  } finally {
    await v1.close();
    await v2.close();
  }
  console.log(JSON.stringify(out));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`,
    );
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.v1).toEqual({ version: '1.1.0', bake: 'a baked at 180 (1, true) with 2 eggs', crispy: 'a baked at 190 (1, true) with 2 eggs, crispy', temp: 180 });
    expect(out.v2).toEqual({ version: '2.0.0', crispy: 'b baked at 200 (2, false) with 2 eggs, crispy' });
    expect(out.newestV1).toBe('c baked at 100 (3, true) with 2 eggs');
    expect(out.v1ClientOnV2Version).toMatch(/incompatible/);
    expect(out.v1ClientOnV2Version).toContain('v2.0.0');
    expect(out.v1ClientOnV2Server).toMatch(/incompatible/);
    expect(out.v1ClientOnV2Server).toContain('v1.1.0');
  });

  it('installs a server package under its version; it holds the closure (ham, eggs) and nothing else of the monorepo', () => {
    const server = JSON.parse(consumer.npx(['mdl', 'install', `${REGISTRY_HOST}/${NAMESPACE}:ham-pkg-v1.0.0`, '--json']).stdout);
    expect(server).toMatchObject({ name: '@proj/ham-v1_0_0', package: '@proj/ham', version: '1.0.0', kind: 'server', tarball: '.modelos/packages/ham-1.0.0.tgz' });
    const listing = run('tar', ['tzf', server.tarball], { cwd: consumer.root }).stdout.trim().split('\n');
    expect(listing).toEqual(expect.arrayContaining(['package/package.json', 'package/server.js']));
    expect(listing.every((entry) => entry.startsWith('package/'))).toBe(true);
    expect(listing.some((entry) => /ham/.test(entry.slice('package/'.length)) && entry.endsWith('.js'))).toBe(true);
    expect(listing.some((entry) => /eggs/.test(entry))).toBe(true);
    expect(listing.filter((entry) => /spam|node_modules|nx\.json|\.git\/|apps\//.test(entry))).toEqual([]);

    const local = consumer.node('local.js', "const { Ham } = require('@proj/ham-v1_0_0');\nconsole.log(new Ham('a', 1, true).bake(Ham.getTemp()));\n");
    expect(local.stdout.trim()).toBe('a baked at 180 (1, true) with 2 eggs');
  });
});

describe('mdl install refuses bad input with one line, and adds nothing to the project', () => {
  const refused = (ref: string, message: RegExp) => {
    const before = consumer.snapshot();
    const result = consumer.npx(['mdl', 'install', ref], { allowFailure: true });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    const lines = mdlErrorLines(result.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(consumer.snapshot()).toBe(before);
  };

  it('an unknown resource', () => {
    refused(`${REGISTRY_HOST}/${NAMESPACE}:bacon-client-v1`, new RegExp(`^mdl: unknown resource "bacon": ${REGISTRY_HOST}/${NAMESPACE}/bacon does not exist or holds no tags$`));
  });

  it('a tag that does not exist', () => {
    refused(`${REGISTRY_HOST}/${NAMESPACE}:ham-client-v3`, new RegExp(`^mdl: tag "client-v3" does not exist in ${HAM_REPOSITORY}; client packages there: client-v2\\.0\\.0, client-v2, client-v1\\.1\\.0, client-v1\\.0\\.0, client-v1$`));
  });

  it('a registry that refuses the connection', async () => {
    const port = await closedPort();
    refused(`127.0.0.1:${port}/${NAMESPACE}:ham-client-v1`, new RegExp(`^mdl: registry 127\\.0\\.0\\.1:${port} is not reachable \\(connect ECONNREFUSED\\)$`));
  });

  it('a tarball whose digest does not match', async () => {
    const layout = join(work, 'tampered-registry');
    // client-v1.0.0: a version the project has no tarball of yet, so it must be downloaded.
    const manifest = await copyTagToLayout(REGISTRY_HOST, `${NAMESPACE}/ham`, 'client-v1.0.0', layout);
    const file = blobPath(join(layout, 'ham'), manifest.layers[0].digest);
    const bytes = readFileSync(file);
    bytes[bytes.length - 8] ^= 0xff;
    writeFileSync(file, bytes);
    refused(`${layout}:ham-client-v1.0.0`, new RegExp(`^mdl: blob ${manifest.layers[0].digest} in oci:${layout}/ham does not match ${manifest.layers[0].digest}: got sha256:[0-9a-f]{64}`));
  });
});
