import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { install } from '../install/install';
import { openRepository, parseRegistryReference, type RegistryReference } from '../oci';
import { releaseResource, type ReleaseInput } from '../release/release';
import type { GitWorkspace } from '../test-support/git-workspace';
import { hamWorkspace, loadGeneratedClient, npmInstallTarball } from '../test-support/ham-workspace';

jest.setTimeout(120_000);
const host = process.env.MODELOS_TEST_REGISTRY!;

let fixture: ReturnType<typeof hamWorkspace>;
let ws: GitWorkspace;
let registry: RegistryReference;
let namespace: string;
let tmp: string;
let counter = 0;

beforeEach(() => {
  fixture = hamWorkspace();
  ws = fixture.ws;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'release-packages-'));
  namespace = `packages-${process.pid}-${counter++}-${Date.now().toString(36)}`;
  registry = parseRegistryReference(`oci://${host}/${namespace}`, ws.root);
  process.env.MODELOS_CACHE_DIR = path.join(tmp, 'cache');
});

afterEach(() => {
  ws.remove();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const release = (extra: Partial<ReleaseInput> = {}) =>
  releaseResource({ workspaceRoot: ws.root, resource: fixture.resource, closure: fixture.closure, registry, mainBranch: 'main', ...extra });
const raw = (tag: string) => JSON.parse(execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${host}/${namespace}/ham:${tag}`], { encoding: 'utf8' }));
const tags = () => openRepository(registry, 'ham').listTags().then((list) => list.sort());

/** Downloads the one layer of a package tag: the npm tarball. */
async function tarball(tag: string): Promise<string> {
  const file = path.join(tmp, `${tag}.tgz`);
  fs.writeFileSync(file, await openRepository(registry, 'ham').fetchBlob(raw(tag).layers[0].digest));
  return file;
}

function editGlaze(glaze: string): void {
  ws.write('ham/src/glaze.ts', `export const GLAZE = '${glaze}';\n`);
  ws.commit(`glaze: ${glaze}`);
}

describe('release publishes server and client packages (SPEC §8)', () => {
  it('pushes pkg-v1.0.0, client-v1.0.0 and client-v1 as package artifacts of the release', async () => {
    const result = await release();
    expect(result.tags).toEqual([expect.stringMatching(/^[0-9a-f]{7}-0000000-[0-9a-f]{7}$/), 'v1.0.0', 'pkg-v1.0.0', 'client-v1.0.0', 'client-v1', 'latest']);

    const version = raw('v1.0.0');
    // The release image carries no version (its tags do); each package records its own.
    const inherited = [...(['created', 'revision'] as const).map((key) => version.annotations[`org.opencontainers.image.${key}`]), '1.0.0'];
    for (const [tag, artifactType, fileName, kind] of [
      ['pkg-v1.0.0', 'application/vnd.modelos.pkg.v1', 'ham-1.0.0.tgz', 'server'],
      ['client-v1.0.0', 'application/vnd.modelos.client.v1', 'ham-client-1.0.0.tgz', 'client'],
    ]) {
      const manifest = raw(tag);
      expect(manifest).toMatchObject({ artifactType, config: { mediaType: 'application/vnd.modelos.package.config.v1+json' } });
      expect(manifest.layers).toEqual([
        expect.objectContaining({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', annotations: { 'org.opencontainers.image.title': fileName } }),
      ]);
      expect((['created', 'revision', 'version'] as const).map((key) => manifest.annotations[`org.opencontainers.image.${key}`])).toEqual(inherited);
      expect(manifest.annotations['org.opencontainers.image.title']).toBe('ham');
      const config = JSON.parse((await openRepository(registry, 'ham').fetchBlob(manifest.config.digest)).toString());
      expect(config).toMatchObject({ name: `@ml-project/${fileName.replace(/-1\.0\.0\.tgz$/, '')}`, version: '1.0.0', resource: 'ham', kind, interface: { className: 'Ham' } });
    }
    expect(raw('client-v1')).toEqual(raw('client-v1.0.0'));
  });

  it('puts only the closure in the server package, which installs and runs', async () => {
    await release();
    const tgz = await tarball('pkg-v1.0.0');
    const listing = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' });
    expect(listing).toMatch(/^package\/lib\/ham\/src\/ham\.js$/m);
    expect(listing).toMatch(/^package\/lib\/libs\/eggs\/src\/lib\/eggs\.js$/m);
    expect(listing).not.toMatch(/bacon|unused|\.spec\.|resource\.json|tsconfig/);
    const consumer = npmInstallTarball(tgz);
    try {
      expect(execFileSync(process.execPath, ['-e', `console.log(require('@ml-project/ham').Ham.getTemp())`], { cwd: consumer, encoding: 'utf8' }).trim()).toBe('180');
    } finally {
      fs.rmSync(consumer, { recursive: true, force: true });
    }
  });

  it('moves client-v<MAJOR> to the newest stable release only', async () => {
    await release();
    editGlaze('mustard');
    expect((await release()).tags).toEqual(expect.arrayContaining(['pkg-v1.1.0', 'client-v1.1.0', 'client-v1']));
    expect(raw('client-v1')).toEqual(raw('client-v1.1.0'));

    editGlaze('maple');
    expect((await release({ preid: 'rc' })).tags).toEqual([expect.any(String), 'v1.2.0-rc.1', 'pkg-v1.2.0-rc.1', 'client-v1.2.0-rc.1']);
    ws.git('checkout', '-q', '-b', 'feat/x');
    editGlaze('apricot');
    expect((await release()).tags).toEqual([expect.any(String), 'v1.2.0-feat-x', 'pkg-v1.2.0-feat-x', 'client-v1.2.0-feat-x']);
    expect(raw('client-v1')).toEqual(raw('client-v1.1.0'));
  });

  it('publishes nothing when the resource cannot be packaged, and builds nothing on a dry run', async () => {
    expect(await release({ dryRun: true })).toMatchObject({ tags: ['v1.0.0'] });
    expect(await tags()).toEqual([]);

    ws.write('ham/src/glaze.ts', `import { bacon } from '@ml-project/bacon';\nexport const GLAZE = bacon;\n`);
    ws.commit('glaze from bacon');
    await expect(release()).rejects.toThrow(/outside the resource's closure/);
    expect((await tags()).filter((tag) => !/^[0-9a-f]{7}-/.test(tag))).toEqual([]);
  });

  it('gives a client that starts the newest server of its major from the registry', async () => {
    // Written as npm writes a scope: the packages are @kitchen/…, not @@kitchen/….
    await release({ npmScope: '@kitchen' });
    const tgz = await tarball('client-v1');
    execFileSync('tar', ['xzf', tgz, '-C', tmp]);
    expect(JSON.parse(fs.readFileSync(path.join(tmp, 'package/package.json'), 'utf8'))).toMatchObject({
      name: '@kitchen/ham-client',
      dependencies: { '@modelos/runtime': expect.stringMatching(/^\d+\.\d+\.\d+$/) },
      bundleDependencies: ['@modelos/runtime'],
      modelos: { registry: `oci://${host}/${namespace}` },
    });
    const { HamClient } = loadGeneratedClient(fs.readFileSync(path.join(tmp, 'package/index.js'), 'utf8'));
    await using ham = await HamClient.create('ham', 1, true);
    expect(await ham.bake(150)).toMatchObject({ text: 'ham baked at 150 with honey' });
  });

  it('installs the client with mdl install and no npm registry at all, and it runs its server from the OCI registry', async () => {
    await release();
    const consumer = path.join(tmp, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    // npm's registry is a closed port, with no retries and an empty cache: any fetch fails the install.
    const offline = { ...process.env, npm_config_registry: 'http://127.0.0.1:1/', npm_config_fetch_retries: '0', npm_config_cache: path.join(tmp, 'npm-cache') };
    const installed = await install(`${host}/${namespace}:ham-client-v1`, { cwd: consumer, env: offline });
    expect(installed).toMatchObject({ name: '@ml-project/ham-client-v1', version: '1.0.0' });
    // The client and what it carries: the runtime and its few dependencies, nothing of the engine (no TypeScript, ts-morph or ajv).
    const packagesIn = (dir: string) =>
      fs.readdirSync(dir).filter((entry) => !entry.startsWith('.')).flatMap((entry) => (entry.startsWith('@') ? fs.readdirSync(path.join(dir, entry)).map((name) => `${entry}/${name}`) : [entry]));
    expect(packagesIn(path.join(consumer, 'node_modules'))).toEqual(['@ml-project/ham-client-v1']);
    expect(packagesIn(path.join(consumer, 'node_modules/@ml-project/ham-client-v1/node_modules')).sort()).toEqual([
      '@modelos/runtime',
      'agent-base',
      'debug',
      'https-proxy-agent',
      'ms',
      'proxy-from-env',
      'semver',
    ]);
    const script = `const { HamClient } = require('@ml-project/ham-client-v1');
(async () => {
  const ham = await HamClient.create('ham', 1, true);
  console.log(JSON.stringify(await ham.bake(120)));
  await ham[Symbol.asyncDispose]();
})().catch((err) => { console.error(err.message); process.exit(1); });`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: consumer, env: offline, encoding: 'utf8' });
    expect(JSON.parse(out)).toMatchObject({ text: 'ham baked at 120 with honey' });
  });
});
