import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { digestHex, openRepository, parseRegistryReference, type Repository } from '../oci';
import { npmTarball } from '../packages';
import { publishTestPackage, testServerJs } from '../test-support/package-artifact';
import { startRegistryProxy } from '../test-support/registry-proxy';
import { tsNodeArgs } from '../test-support/run-ts';
import { newestServerVersion, packageCacheDir, serverVersionFor, startLocalServer, type LocalServer } from '@modelos/runtime';
import { failure } from '../test-support/failure';

const host = process.env.MODELOS_TEST_REGISTRY!;
const namespace = `local-server-${randomUUID().slice(0, 8)}`;
const registry = `oci://${host}/${namespace}`;
let work: string;
let env: NodeJS.ProcessEnv;
let repo: Repository;
const started: LocalServer[] = [];

const serverPackage = (version: string, files: Record<string, string> = {}, resource = 'ham') => ({
  name: `@${namespace}/${resource}`,
  version,
  resource,
  kind: 'server' as const,
  files: { 'server.js': testServerJs(resource, version), ...files },
});

async function start(version: string, extra: Partial<Parameters<typeof startLocalServer>[0]> = {}): Promise<LocalServer> {
  const server = await startLocalServer({ registry, resource: 'ham', version, env, ...extra });
  started.push(server);
  return server;
}

async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  return response.json();
}

/** Polls until the server's port refuses connections; the Jest timeout bounds it. */
async function waitUntilRefused(url: string): Promise<void> {
  for (;;) {
    try {
      await fetch(url);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const cacheEntries = () => (fs.existsSync(packageCacheDir(env)) ? fs.readdirSync(packageCacheDir(env)).sort() : []);

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'local-server-'));
  env = { ...process.env, MODELOS_CACHE_DIR: path.join(work, 'cache') };
  delete env.MODELOS_REGISTRY;
  repo = openRepository(parseRegistryReference(registry, work), 'ham');
  for (const version of ['1.0.0', '1.2.0', '1.10.0-rc.1', '2.0.0']) await publishTestPackage(repo, serverPackage(version));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('startLocalServer', () => {
  it('pulls pkg-v<version>, starts its server.js on a loopback port and stops it', async () => {
    const server = await start('v1.2.0');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.version).toBe('v1.2.0');
    await expect(getJson(server.url)).resolves.toMatchObject({ resource: 'ham', version: '1.2.0' });
    await server.stop();
    await expect(fetch(server.url)).rejects.toThrow();
    await server.stop();
  });

  it('extracts each tarball once, into a directory named by its digest, and reuses it without pulling the blob again', async () => {
    const proxy = await startRegistryProxy();
    try {
      const viaProxy = `oci://${proxy.host}/${namespace}`;
      const first = await start('1.0.0', { registry: viaProxy });
      const second = await start('1.0.0', { registry: viaProxy });
      expect(first.url).not.toBe(second.url);
      expect(cacheEntries()).toContain(digestHex(first.digest));
      expect(cacheEntries().filter((entry) => entry.startsWith('.tmp-'))).toEqual([]);
      const tarballPulls = proxy.seen.filter((request) => request.method === 'GET' && request.url.endsWith(`/blobs/${first.digest}`));
      expect(tarballPulls).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('takes the registry from MODELOS_REGISTRY over the one it is given', async () => {
    const server = await start('2.0.0', { registry: 'oci://127.0.0.1:1/nowhere', env: { ...env, MODELOS_REGISTRY: registry } });
    await expect(getJson(server.url)).resolves.toMatchObject({ version: '2.0.0' });
  });

  it('passes its environment to the server', async () => {
    const server = await start('2.0.0', { env: { ...env, HAM_FLAVOUR: 'smoked' } });
    await expect(getJson(`${server.url}/env/HAM_FLAVOUR`)).resolves.toBe('smoked');
  });

  it("installs the package's dependencies once, before the server first runs", async () => {
    const depTarball = path.join(work, 'smoke-1.0.0.tgz');
    const depFiles = { 'package.json': '{"name":"smoke","version":"1.0.0"}', 'index.js': "module.exports = 'smoked';" };
    fs.writeFileSync(depTarball, await npmTarball(Object.entries(depFiles).map(([file, text]) => ({ path: file, content: Buffer.from(text) }))));
    const server = `${testServerJs('ham', '3.0.0').replace("version: \"3.0.0\"", "version: require('smoke')")}`;
    const manifest = JSON.stringify({ name: `@${namespace}/ham`, version: '3.0.0', dependencies: { smoke: `file:${depTarball}` } });
    await publishTestPackage(repo, { ...serverPackage('3.0.0'), files: { 'package.json': manifest, 'server.js': server } });

    const running = await start('3.0.0');
    await expect(getJson(running.url)).resolves.toMatchObject({ version: 'smoked' });
    expect(fs.existsSync(path.join(packageCacheDir(env), digestHex(running.digest), 'node_modules/smoke/index.js'))).toBe(true);
  });

  it('does not outlive the process that started it, even when that process is killed', async () => {
    const script = path.join(work, 'parent.ts');
    fs.writeFileSync(
      script,
      `import { startLocalServer } from ${JSON.stringify(require.resolve('@modelos/runtime'))};
startLocalServer({ registry: ${JSON.stringify(registry)}, resource: 'ham', version: '1.0.0' }).then((s) => console.log(s.url));
setInterval(() => undefined, 1000);
`,
    );
    const parent = spawn(process.execPath, tsNodeArgs(script), { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve, reject) => {
      parent.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      parent.once('exit', (code) => reject(new Error(`parent exited with ${code}`)));
    });
    await expect(getJson(url)).resolves.toMatchObject({ version: '1.0.0' });
    parent.kill('SIGKILL');
    await waitUntilRefused(url);
  });

  it('reports a server that exits before listening, with the end of its stderr', async () => {
    await publishTestPackage(repo, serverPackage('4.0.0', { 'server.js': "console.error('model file ham.onnx is missing'); process.exit(3);" }));
    const error = await failure(start('4.0.0'));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe('server ham v4.0.0 exited (code 3) before it listened; its stderr ends with: model file ham.onnx is missing');
  });

  it('gives up on a server that never reports listening', async () => {
    await publishTestPackage(repo, serverPackage('5.0.0', { 'server.js': "console.error('warming up'); setInterval(() => undefined, 1000);" }));
    // Long enough for node to start and write its first line on a loaded machine.
    const error = await failure(start('5.0.0', { startTimeoutMs: 5000 }));
    expect(error.message).toBe('server ham v5.0.0 did not report "listening on http://…" within 5000 ms; its stderr ends with: warming up');
  });

  it('names the tag and the repository when the version has no server package', async () => {
    const error = await failure(start('v9.9.9'));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(new RegExp(`^tag "pkg-v9\\.9\\.9" does not exist in ${host}/${namespace}/ham; server packages there: pkg-v5\\.0\\.0, .*pkg-v1\\.0\\.0$`));
  });

  it('says so for an unknown resource, a refusing registry and an invalid version', async () => {
    await expect(startLocalServer({ registry, resource: 'bacon', version: '1.0.0', env })).rejects.toThrow(
      `unknown resource "bacon": ${host}/${namespace}/bacon does not exist or holds no tags`,
    );
    await expect(startLocalServer({ registry: 'oci://127.0.0.1:1/ns', resource: 'ham', version: '1.0.0', env })).rejects.toThrow(
      /^registry 127\.0\.0\.1:1 is not reachable \(connect ECONNREFUSED\)$/,
    );
    await expect(startLocalServer({ registry, resource: 'ham', version: '1.0', env })).rejects.toThrow('invalid version "1.0"');
  });

  it('refuses a tarball that does not match its digest and leaves nothing in the cache', async () => {
    const layoutDir = path.join(work, 'layout');
    const layout = openRepository(parseRegistryReference(layoutDir, work), 'ham');
    const published = await publishTestPackage(layout, serverPackage('6.0.0'));
    const blob = path.join(layoutDir, 'ham/blobs/sha256', digestHex(published.digest));
    const corrupt = Buffer.from(published.tarball);
    corrupt[corrupt.length - 5] ^= 0xff;
    fs.writeFileSync(blob, corrupt);
    const before = cacheEntries();

    const error = await failure(start('6.0.0', { registry: layoutDir }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^blob sha256:[0-9a-f]{64} in oci:.* does not match sha256:[0-9a-f]{64}: got sha256:/);
    expect(cacheEntries()).toEqual(before);
  });

  it('refuses a layer that is not a gzip\'d tar', async () => {
    await publishTestPackage(repo, { ...serverPackage('7.0.0'), tarball: Buffer.from('no tar here') });
    const error = await failure(start('7.0.0'));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(new RegExp(`^server package ${host}/${namespace}/ham:pkg-v7\\.0\\.0 is not a valid npm tarball \\(gzip'd tar\\): `));
  });
});

describe('newestServerVersion', () => {
  it('is the highest stable version of that major with a pkg-v tag', async () => {
    await expect(newestServerVersion({ registry, resource: 'ham', major: 1, env })).resolves.toBe('v1.2.0');
    await expect(newestServerVersion({ registry, resource: 'ham', major: 2, env })).resolves.toBe('v2.0.0');
  });

  it('says when a major has no server package, or the resource is unknown', async () => {
    await expect(newestServerVersion({ registry, resource: 'ham', major: 9, env })).rejects.toThrow(
      `${host}/${namespace}/ham has no server package of ham v9.x.y (no such pkg-v9.* tag)`,
    );
    await expect(newestServerVersion({ registry, resource: 'bacon', major: 1, env })).rejects.toThrow('unknown resource "bacon"');
  });
});

describe('serverVersionFor (classVersion pin, SPEC §9)', () => {
  const pin = (spec: string | undefined, cwd = work) => serverVersionFor({ registry, resource: 'ham', major: 1, spec, cwd, env });

  it('picks the newest release of the major that meets the spec, without a lock', async () => {
    await expect(pin(undefined)).resolves.toBe('v1.2.0');
    await expect(pin('^1.0')).resolves.toBe('v1.2.0');
    await expect(pin('1.0')).resolves.toBe('v1.0.0');
    await expect(pin('v1.0.0')).resolves.toBe('v1.0.0');
    await expect(pin('~=1.1')).resolves.toBe('v1.2.0');
    await expect(pin('1.1')).rejects.toThrow('has no server package of ham v1.x.y meeting 1.1');
  });

  it('refuses a spec outside the client major', async () => {
    await expect(pin('^2.0')).rejects.toThrow(
      'ham client version "^2.0" is outside this client\'s major 1: a ham-client-v1 talks to v1.x.y servers only; install the client of the major you want',
    );
    await expect(pin('newest')).rejects.toThrow('ham client version: "newest" is not a version spec');
  });

  it('takes the version a modelos.lock.json above the project locks, when it meets the spec', async () => {
    const project = path.join(work, 'locked', 'app');
    fs.mkdirSync(project, { recursive: true });
    const locked = { resource: 'ham', version: '1.0.0', repository: 'r', manifest: 'm', client: null, server: null, requiredBy: [] };
    fs.writeFileSync(path.join(work, 'locked', 'modelos.lock.json'), JSON.stringify({ lockfileVersion: 1, roots: {}, resolved: { 'ham@1.0.0': locked } }));
    await expect(pin(undefined, project)).resolves.toBe('v1.0.0');
    await expect(pin('^1.0', project)).resolves.toBe('v1.0.0');
    await expect(pin('1.2', project)).rejects.toThrow(/modelos\.lock\.json locks ham 1\.0\.0, which does not meet ham client version "1\.2"/);
  });
});
