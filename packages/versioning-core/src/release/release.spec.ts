import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { cleanRepository } from '../clean';
import { UserError } from '../errors';
import { Annotations, openRepository, parseManifest, parseRegistryReference, serializeManifest, type RegistryReference } from '../oci';
import { startRegistryProxy } from '../test-support/registry-proxy';
import { GitWorkspace } from '../test-support/git-workspace';
import { storeResource } from '../store';
import { listReleases } from './releases';
import { releaseResource, type ReleaseInput } from './release';

jest.setTimeout(120_000);
const execFileAsync = promisify(execFile);
const host = process.env.MODELOS_TEST_REGISTRY!;

let ws: GitWorkspace;
let registry: RegistryReference;
let namespace: string;
let counter = 0;

function release(extra: Partial<ReleaseInput> = {}, root = ws.root): ReturnType<typeof releaseResource> {
  return releaseResource({
    workspaceRoot: root,
    resource: { name: 'ham', root: 'ham' },
    closure: [
      { name: 'ham', root: 'ham' },
      { name: 'eggs', root: 'libs/eggs' },
    ],
    registry,
    mainBranch: 'main',
    ...extra,
  });
}

/** A loopback port nothing listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function skopeo(...args: string[]): any {
  return JSON.parse(execFileSync('skopeo', [...args.slice(0, 1), '--tls-verify=false', ...args.slice(1)], { encoding: 'utf8' }));
}

function editHam(find: string, replace: string): void {
  ws.write('ham/src/ham.ts', ws.read('ham/src/ham.ts').replace(find, replace));
}

beforeEach(() => {
  ws = new GitWorkspace();
  ws.addResource('ham', 'Ham').write('libs/eggs/src/index.ts', 'export const eggs = 2;\n').commit('initial');
  namespace = `release-${process.pid}-${counter++}-${Date.now().toString(36)}`;
  registry = parseRegistryReference(`oci://${host}/${namespace}`, ws.root);
  process.env.MODELOS_CACHE_DIR = path.join(ws.root, '.modelos', 'cache');
});

afterEach(() => ws.remove());

describe('release bumps (SPEC §7)', () => {
  it('walks v1.0.0 → unchanged → minor → patch → major and moves latest', async () => {
    const first = await release();
    expect(first).toMatchObject({ released: true, version: 'v1.0.0', previous: null, bump: 'initial' });
    expect(first.tags).toEqual([expect.stringMatching(/^[0-9a-f]{7}-0000000-[0-9a-f]{7}$/), 'v1.0.0', 'pkg-v1.0.0', 'client-v1.0.0', 'client-v1', 'latest']);
    const manifest = skopeo('inspect', '--raw', `docker://${host}/${namespace}/ham:v1.0.0`);
    // SPEC §6: a release says its version; the adhoc tag moved to it (SPEC §7.5, checked below).
    expect(manifest.annotations['org.opencontainers.image.version']).toBe('1.0.0');
    expect(manifest.annotations['org.opencontainers.image.revision']).toBe(ws.git('rev-parse', 'HEAD'));
    expect(skopeo('inspect', '--raw', `docker://${host}/${namespace}/ham:latest`)).toEqual(manifest);
    const repo = openRepository(registry, 'ham');
    expect((await repo.resolve(first.tags[0]))!.digest).toBe(first.digest);
    expect((await repo.resolve('v1.0.0'))!.digest).toBe(first.digest);

    expect(await release()).toMatchObject({ released: false, reason: 'ham is unchanged since v1.0.0', tags: [] });

    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n').commit('eggs: server logic');
    expect(await release()).toMatchObject({ released: true, version: 'v1.1.0', bump: 'minor', reason: expect.stringContaining('closure changed since v1.0.0') });

    ws.write('ham/model.bin', 'weights').commit('model');
    expect(await release({ patch: true })).toMatchObject({ version: 'v1.1.1', bump: 'patch' });

    editHam('static getTemp', 'slice(n: number): number[] {\n    return [n];\n  }\n  static getTemp');
    ws.commit('ham: new method');
    expect(await release()).toMatchObject({ version: 'v1.2.0', bump: 'minor', reason: 'interface grew since v1.1.1: added method slice' });

    ws.write('ham/model.bin', 'weights 2').commit('model 2');
    expect(await release({ forceMajor: true })).toMatchObject({ version: 'v2.0.0', reason: '--forceMajor' });

    editHam('  slice(n: number): number[] {\n    return [n];\n  }\n', '');
    ws.commit('ham: drop slice');
    expect(await release()).toMatchObject({ version: 'v3.0.0', bump: 'major', reason: 'interface changed incompatibly since v2.0.0: removed method slice' });

    const rows = await listReleases(openRepository(registry, 'ham'));
    expect(rows.map((r) => r.tag)).toEqual(['latest', 'v3.0.0', 'v2.0.0', 'v1.2.0', 'v1.1.1', 'v1.1.0', 'v1.0.0']);
    expect(rows[0].version).toBe('3.0.0');
  });

  it('bumps from the interface diff and says which change decided', async () => {
    await release();
    editHam('bake(temp: number)', 'bake(temp: number, glaze?: string)');
    ws.commit('ham: optional glaze');
    expect(await release()).toMatchObject({ version: 'v1.1.0', bump: 'minor', reason: 'interface grew since v1.0.0: added optional parameter glaze to bake' });

    editHam('glaze?: string)', 'glaze?: string, crisp = false)');
    ws.commit('ham: optional crisp');
    expect(await release({ patch: true })).toMatchObject({
      version: 'v1.2.0',
      bump: 'minor',
      reason: 'interface grew since v1.1.0: added optional parameter crisp to bake (a grown interface is a minor release, even with --patch)',
    });

    editHam('bake(temp: number,', 'bake(degrees: number,');
    editHam('baked at ${temp}', 'baked at ${degrees}');
    ws.commit('ham: rename a parameter');
    expect(await release({ patch: true })).toMatchObject({
      version: 'v1.2.1',
      bump: 'patch',
      reason: 'interface changed without affecting callers since v1.2.0: renamed parameter temp of bake to degrees (arguments pass by position), --patch',
    });

    editHam('  static getTemp(): number {\n    return 180;\n  }\n', '');
    ws.commit('ham: no more getTemp');
    expect(await release()).toMatchObject({ version: 'v2.0.0', bump: 'major', reason: 'interface changed incompatibly since v1.2.1: removed static method getTemp' });
  });

  it('counts any interface change as incompatible when the previous release records no interface', async () => {
    await release();
    // An artifact from before configs held the interface: v1.0.0's content, its config without it.
    const repo = openRepository(registry, 'ham');
    const v1 = parseManifest((await repo.fetchManifest('v1.0.0'))!.bytes, 'v1.0.0');
    const { interface: _, ...older } = JSON.parse((await repo.fetchBlob(v1.config.digest)).toString('utf8'));
    const config = Buffer.from(JSON.stringify(older));
    const configDescriptor = { mediaType: v1.config.mediaType, digest: `sha256:${createHash('sha256').update(config).digest('hex')}`, size: config.length };
    await repo.pushBlob(configDescriptor, () => Readable.from([config]));
    const annotations = { ...v1.annotations, 'org.opencontainers.image.version': '1.0.1' };
    await repo.pushManifest(serializeManifest({ ...v1, config: configDescriptor, annotations }), v1.mediaType, 'v1.0.1');
    // Its packages too, or the release below would first ask for them to be finished.
    for (const kind of ['pkg', 'client']) {
      const pkg = (await repo.fetchManifest(`${kind}-v1.0.0`))!;
      await repo.pushManifest(pkg.bytes, pkg.descriptor.mediaType, `${kind}-v1.0.1`);
    }

    editHam('bake(temp: number)', 'bake(temp: number, glaze?: string)');
    ws.commit('ham: optional glaze');
    const result = await release();
    expect(result).toMatchObject({ version: 'v2.0.0', previous: 'v1.0.1', bump: 'major' });
    expect(result.reason).toMatch(/^interface changed since v1\.0\.1 \(client hash [0-9a-f]{7} → [0-9a-f]{7}\), and v1\.0\.1 records no interface to compare with, so the change counts as incompatible$/);
  });

  it('reads the previous config once, and refuses to guess when the registry will not hand it over', async () => {
    const proxy = await startRegistryProxy();
    try {
      registry = parseRegistryReference(`oci://${proxy.host}/${namespace}`, ws.root);
      await release();
      const repo = openRepository(registry, 'ham');
      const config = parseManifest((await repo.fetchManifest('v1.0.0'))!.bytes, 'v1.0.0').config.digest;
      const isConfigRead = (method: string, url: string) => method === 'GET' && url.endsWith(`/blobs/${config}`);
      editHam('bake(temp: number)', 'bake(temp: number, glaze?: string)');
      ws.commit('ham: optional glaze');

      proxy.intercept = (req, res) => {
        if (!isConfigRead(req.method!, req.url!)) return false;
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown' }] }));
        return true;
      };
      await expect(release()).rejects.toThrow(/^cannot read the config of v1\.0\.0 from .*not found.*: its interface decides the next version; retry, or pass --forceMajor$/);
      expect(await repo.resolve('v1.1.0')).toBeNull();

      proxy.intercept = () => false;
      proxy.seen = [];
      expect(await release({ dryRun: true })).toMatchObject({ version: 'v1.1.0', bump: 'minor' });
      expect(proxy.seen.filter((r) => isConfigRead(r.method, r.url))).toHaveLength(1);
      proxy.seen = [];
      expect(await release({ forceMajor: true })).toMatchObject({ version: 'v2.0.0', bump: 'major' });
      expect(proxy.seen.filter((r) => isConfigRead(r.method, r.url))).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a dirty closure unless --allowDirty, and honours initialVersion', async () => {
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 4;\n');
    await expect(release()).rejects.toThrow(/ham has uncommitted changes in its closure \(eggs, ham\): commit them, or pass --allowDirty/);
    expect(await release({ allowDirty: true, initialVersion: '0.1.0' })).toMatchObject({ released: true, version: 'v0.1.0' });
  });

  it('refuses a prerelease initialVersion (no base for the next version), before anything is claimed or pushed', async () => {
    await expect(release({ initialVersion: '1.0.0-rc.1' })).rejects.toThrow(
      new UserError('invalid initialVersion "1.0.0-rc.1": the first release is a stable version X.Y.Z; for a prerelease line pass --preid'),
    );
    expect(await listReleases(openRepository(registry, 'ham'))).toEqual([]);
    expect(ws.git('for-each-ref', 'refs/modelos/claims')).toBe('');
  });

  it('says the closure is dirty before anything about the registry, although it reads the registry while git answers', async () => {
    const closed = await closedPort();
    const unreachable = parseRegistryReference(`oci://127.0.0.1:${closed}/${namespace}`, ws.root);
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 4;\n');
    await expect(release({ registry: unreachable })).rejects.toThrow(/ham has uncommitted changes in its closure/);
    ws.commit('eggs 4');
    await expect(release({ registry: unreachable })).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${closed}`));
  });

  it('computes everything and pushes nothing on a dry run', async () => {
    expect(await release({ dryRun: true })).toMatchObject({ dryRun: true, released: false, version: 'v1.0.0', tags: ['v1.0.0'] });
    expect(await listReleases(openRepository(registry, 'ham'))).toEqual([]);
  });
});

describe('branch releases and prereleases', () => {
  it('numbers a branch line below the next stable version and never moves latest', async () => {
    await release();
    const latest = skopeo('inspect', '--raw', `docker://${host}/${namespace}/ham:latest`);
    ws.git('checkout', '-q', '-b', 'feat/X');
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 5;\n').commit('feature');
    expect(await release()).toMatchObject({ version: 'v1.1.0-feat-x', tags: [expect.any(String), 'v1.1.0-feat-x', 'pkg-v1.1.0-feat-x', 'client-v1.1.0-feat-x'] });
    expect(await release()).toMatchObject({ released: false, version: 'v1.1.0-feat-x' });
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 6;\n').commit('feature 2');
    expect(await release()).toMatchObject({ version: 'v1.1.0-feat-x.1' });
    expect(await release({ preid: 'rc' })).toMatchObject({ version: 'v1.1.0-rc.1' });
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 7;\n').commit('feature 3');
    expect(await release({ preid: 'rc' })).toMatchObject({ version: 'v1.1.0-rc.2' });
    expect(skopeo('inspect', '--raw', `docker://${host}/${namespace}/ham:latest`)).toEqual(latest);
    expect(await release({ forceMain: true })).toMatchObject({ version: 'v1.1.0', tags: expect.arrayContaining(['latest']) });
    await expect(release({ preid: 'gamma' })).rejects.toThrow(/gamma/);
  });
});

describe('previous release from git tags and from the registry', () => {
  it('uses mdl-<res>-v* git tags merged into HEAD when there are any', async () => {
    expect(await release({ gitTag: true })).toMatchObject({ version: 'v1.0.0', gitTag: 'mdl-ham-v1.0.0' });
    expect(ws.git('tag', '--list')).toBe('mdl-ham-v1.0.0');
    expect(ws.git('cat-file', '-t', 'mdl-ham-v1.0.0')).toBe('tag');
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 8;\n').commit('eggs');
    expect(await release({ gitTag: true })).toMatchObject({ version: 'v1.1.0', previous: 'v1.0.0' });
  });

  it('warns and falls back to the highest release in a shallow clone', async () => {
    await release();
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 9;\n').commit('eggs');
    await release();
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 10;\n').commit('eggs 2');
    const clone = new GitWorkspace();
    fs.rmSync(clone.root, { recursive: true });
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${ws.root}`, clone.root]);
    const result = await release({}, clone.root);
    expect(result).toMatchObject({ version: 'v1.2.0', previous: 'v1.1.0' });
    expect(result.warnings).toEqual([expect.stringMatching(/shallow clone.*using the highest release v1\.1\.0/)]);
    clone.remove();
  });
});

describe('promises against the real registry', () => {
  it('never moves an existing release tag to other content', async () => {
    await release();
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 11;\n').commit('eggs');
    const repo = openRepository(registry, 'ham');
    // Someone else's v1.1.0, made from a commit outside this history.
    const v1 = parseManifest((await repo.fetchManifest('v1.0.0'))!.bytes, 'v1.0.0');
    const foreign = serializeManifest({ ...v1, annotations: { ...v1.annotations, 'org.opencontainers.image.revision': 'f'.repeat(40) } });
    const pushed = await repo.pushManifest(foreign, v1.mediaType, 'v1.1.0');
    await expect(release()).rejects.toThrow(`v1.1.0 of ham is already released from commit ${'f'.repeat(40)}`);
    expect((await repo.resolve('v1.1.0'))!.digest).toBe(pushed.digest);
  });

  it('leaves no version tag on a cut connection, and the re-run uploads nothing already there', async () => {
    const proxy = await startRegistryProxy();
    try {
      registry = parseRegistryReference(`oci://${proxy.host}/${namespace}`, ws.root);
      proxy.intercept = (req) => {
        if (req.method === 'PUT' && /\/manifests\/v1\.0\.0$/.test(req.url!)) {
          req.socket.destroy();
          return true;
        }
        return false;
      };
      await expect(release()).rejects.toThrow();
      const repo = openRepository(parseRegistryReference(`oci://${host}/${namespace}`, ws.root), 'ham');
      expect(await repo.resolve('v1.0.0')).toBeNull();
      expect(ws.git('for-each-ref', 'refs/modelos')).toBe('');

      proxy.intercept = () => false;
      proxy.seen = [];
      expect(await release()).toMatchObject({ released: true, version: 'v1.0.0' });
      // Only the packages' config and tarball blobs: the first run stopped before publishing them.
      expect(proxy.seen.filter((r) => r.method === 'POST' && r.url.includes('/blobs/uploads/'))).toHaveLength(4);
    } finally {
      await proxy.close();
    }
  });

  it.each(['pkg-v1.0.0', 'latest'])('completes a release cut off when pushing %s', async (cutTag) => {
    const proxy = await startRegistryProxy();
    try {
      registry = parseRegistryReference(`oci://${proxy.host}/${namespace}`, ws.root);
      proxy.intercept = (req) => {
        if (req.method !== 'PUT' || !req.url!.endsWith(`/manifests/${cutTag}`)) return false;
        req.socket.destroy();
        return true;
      };
      await expect(release()).rejects.toThrow();
      const repo = openRepository(registry, 'ham');
      expect(await repo.resolve('v1.0.0')).not.toBeNull();
      expect(await repo.resolve(cutTag)).toBeNull();

      proxy.intercept = () => false;
      const rerun = await release();
      expect(rerun).toMatchObject({ released: false, reason: expect.stringMatching(/^ham is unchanged since v1\.0\.0; completed its release: /) });
      expect(rerun.tags).toContain(cutTag);
      for (const tag of ['pkg-v1.0.0', 'client-v1.0.0', 'client-v1', 'latest']) expect(await repo.resolve(tag)).not.toBeNull();
      expect((await repo.resolve('latest'))!.digest).toBe((await repo.resolve('v1.0.0'))!.digest);
      expect(await release()).toMatchObject({ reason: 'ham is unchanged since v1.0.0', tags: [] });
    } finally {
      await proxy.close();
    }
  });

  it('refuses to release past a release cut off before its packages, and releases once that one is finished at its commit', async () => {
    const proxy = await startRegistryProxy();
    try {
      registry = parseRegistryReference(`oci://${proxy.host}/${namespace}`, ws.root);
      proxy.intercept = (req) => {
        if (req.method !== 'PUT' || !req.url!.endsWith('/manifests/pkg-v1.0.0')) return false;
        req.socket.destroy();
        return true;
      };
      await expect(release()).rejects.toThrow();
      proxy.intercept = () => false;
      const cutAt = ws.git('rev-parse', 'HEAD');
      editHam('return 180', 'return 190');
      ws.commit('hotter');
      await expect(release()).rejects.toThrow(
        `ham v1.0.0 has no pkg-v1.0.0 and client-v1.0.0 (its release was cut off, or predates packages): finish it at its commit first (git checkout ${cutAt} && nx run ham:release), then release again`,
      );
      const repo = openRepository(registry, 'ham');
      expect(await repo.resolve('v1.1.0')).toBeNull();

      ws.git('checkout', '-q', cutAt);
      expect(await release()).toMatchObject({ released: false, reason: expect.stringMatching(/^ham is unchanged since v1\.0\.0; completed its release: pkg-v1\.0\.0, client-v1\.0\.0/) });
      ws.git('checkout', '-q', 'main');
      expect(await release()).toMatchObject({ released: true, version: 'v1.1.0' });
      for (const tag of ['pkg-v1.0.0', 'client-v1.0.0', 'pkg-v1.1.0', 'client-v1.1.0']) expect(await repo.resolve(tag)).not.toBeNull();
    } finally {
      await proxy.close();
    }
  });

  /** Runs releaseResource from the built package in a process per work tree, all at once. */
  async function race(trees: string[]): Promise<Array<{ ok: boolean; version?: string; digest?: string; error?: string }>> {
    const dist = path.resolve(__dirname, '../../dist/index.js');
    expect(fs.existsSync(dist)).toBe(true); // npm test builds first
    const script = `
      const core = require(${JSON.stringify(dist)});
      core.releaseResource({ workspaceRoot: process.cwd(), resource: { name: 'ham', root: 'ham' },
        closure: [{ name: 'ham', root: 'ham' }, { name: 'eggs', root: 'libs/eggs' }],
        registry: core.parseRegistryReference(${JSON.stringify(`oci://${host}/${namespace}`)}, process.cwd()),
        mainBranch: 'main', forceMain: true })
        .then((r) => console.log(JSON.stringify({ ok: true, version: r.version, digest: r.digest })))
        .catch((e) => console.log(JSON.stringify({ ok: false, error: e.message })));`;
    return Promise.all(trees.map(async (tree) => JSON.parse((await execFileAsync(process.execPath, ['-e', script], { cwd: tree })).stdout.trim())));
  }

  it('gives racing releases of different content one version each or a clear conflict', async () => {
    await release();
    const trees = [0, 1, 2, 3].map((i) => {
      const tree = path.join(ws.root, '..', `${path.basename(ws.root)}-wt${i}`);
      ws.git('worktree', 'add', '-q', '-b', `racer${i}`, tree);
      fs.writeFileSync(path.join(tree, 'libs/eggs/src/index.ts'), `export const eggs = ${100 + i};\n`);
      execFileSync('git', ['commit', '-qam', `racer ${i}`], { cwd: tree });
      return tree;
    });
    const outcomes = await race(trees);
    const winners = outcomes.filter((o) => o.ok);
    const losers = outcomes.filter((o) => !o.ok);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    expect(new Set(winners.map((w) => w.version)).size).toBe(winners.length);
    for (const loser of losers) expect(loser.error).toMatch(/being released by another process|pushed by another release|already exists with other content/);
    const repo = openRepository(registry, 'ham');
    for (const winner of winners) expect((await repo.resolve(winner.version!))!.digest).toBe(winner.digest);
    for (const tree of trees) fs.rmSync(tree, { recursive: true, force: true });
  });

  it('lets racing releases of the same commit all succeed with one version and one digest', async () => {
    const outcomes = await race([ws.root, ws.root, ws.root, ws.root]);
    // Every racer succeeds; a failure shows with its error.
    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(new Set(outcomes.map((o) => `${o.version} ${o.digest}`))).toEqual(new Set([`v1.0.0 ${outcomes[0].digest}`]));
    expect((await openRepository(registry, 'ham').resolve('v1.0.0'))!.digest).toBe(outcomes[0].digest);
  });
});

describe('git tags and revisions', () => {
  it('records HEAD as the revision even when the same content was first stored on another branch', async () => {
    await release();
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 20;\n').commit('eggs on main');
    ws.git('checkout', '-q', '-b', 'side');
    ws.write('unrelated.txt', 'x').commit('side only');
    await storeResource({ workspaceRoot: ws.root, resource: { name: 'ham', root: 'ham' }, closure: [{ name: 'ham', root: 'ham' }, { name: 'eggs', root: 'libs/eggs' }], registry });
    ws.git('checkout', '-q', 'main');
    expect(await release()).toMatchObject({ version: 'v1.1.0' });
    const manifest = skopeo('inspect', '--raw', `docker://${host}/${namespace}/ham:v1.1.0`);
    expect(manifest.annotations['org.opencontainers.image.revision']).toBe(ws.git('rev-parse', 'HEAD'));
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 21;\n').commit('more eggs');
    expect(await release()).toMatchObject({ version: 'v1.2.0', previous: 'v1.1.0' });
  });

  it('moves the adhoc tag to the stable release when the same commit is released again as stable; each says its version', async () => {
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 40;\n').commit('eggs');
    const rc = await release({ preid: 'rc' });
    expect(rc).toMatchObject({ released: true, version: 'v1.0.0-rc.1' });
    const stable = await release();
    expect(stable).toMatchObject({ released: true, version: 'v1.0.0' });
    const repo = openRepository(registry, 'ham');
    const digests = await Promise.all([stable.tags[0], 'v1.0.0', 'latest'].map(async (tag) => (await repo.resolve(tag))!.digest));
    expect(new Set(digests)).toEqual(new Set([stable.digest]));
    const [rcManifest, stableManifest] = await Promise.all(['v1.0.0-rc.1', 'v1.0.0'].map(async (tag) => parseManifest((await repo.fetchManifest(tag))!.bytes, tag)));
    expect([rcManifest.annotations![Annotations.version], stableManifest.annotations![Annotations.version]]).toEqual(['1.0.0-rc.1', '1.0.0']);
    // Two release manifests, one content: the same config and layers.
    expect(rcManifest.config).toEqual(stableManifest.config);
    expect(rcManifest.layers).toEqual(stableManifest.layers);
    // The packages record their version: one server package per version.
    const pkg = parseManifest((await repo.fetchManifest('pkg-v1.0.0'))!.bytes, 'pkg');
    expect(pkg.annotations!['org.opencontainers.image.version']).toBe('1.0.0');
  });

  it('names the commit of a diverged clone that took the version, and releases the next one once it is merged', async () => {
    await release();
    const clone = (name: string) => {
      const dir = path.join(ws.root, '..', `${path.basename(ws.root)}-${name}`);
      execFileSync('git', ['clone', '-q', ws.root, dir]);
      for (const [key, value] of [['user.name', name], ['user.email', `${name}@example.com`]]) execFileSync('git', ['config', key, value], { cwd: dir });
      return dir;
    };
    const commitIn = (dir: string, file: string, content: string) => {
      fs.writeFileSync(path.join(dir, file), content);
      execFileSync('git', ['add', '-A'], { cwd: dir });
      execFileSync('git', ['commit', '-qm', `change ${file}`], { cwd: dir });
      return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8' }).trim();
    };
    const [alice, bob] = [clone('alice'), clone('bob')];
    try {
      const aliceCommit = commitIn(alice, 'libs/eggs/src/index.ts', 'export const eggs = 50;\n');
      expect(await release({}, alice)).toMatchObject({ released: true, version: 'v1.1.0' });
      commitIn(bob, 'ham/model.bin', 'bob weights');
      const expected = `v1.1.0 of ham is already released from commit ${aliceCommit}, which is not in this branch's history (another clone released it first): merge that commit (git fetch, then git merge ${aliceCommit}) and re-run release to get the version after v1.1.0`;
      await expect(release({}, bob)).rejects.toThrow(expected);
      // Every re-run says the same, and writes nothing.
      const tagsBefore = await openRepository(registry, 'ham').listTags();
      await expect(release({}, bob)).rejects.toThrow(expected);
      expect((await openRepository(registry, 'ham').listTags()).sort()).toEqual(tagsBefore.sort());

      execFileSync('git', ['pull', '-q', '--no-rebase', '--no-edit', alice, 'main'], { cwd: bob });
      const next = await release({}, bob);
      expect(next).toMatchObject({ released: true, version: 'v1.2.0', previous: 'v1.1.0', bump: 'minor' });
      const repo = openRepository(registry, 'ham');
      expect((await repo.resolve(next.tags[0]))!.digest).toBe((await repo.resolve('v1.2.0'))!.digest);
    } finally {
      for (const dir of [alice, bob]) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds registry releases made without --gitTag that are newer than the git tags', async () => {
    expect(await release({ gitTag: true })).toMatchObject({ version: 'v1.0.0' });
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 30;\n').commit('eggs');
    expect(await release()).toMatchObject({ version: 'v1.1.0' });
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 31;\n').commit('eggs');
    expect(await release()).toMatchObject({ version: 'v1.2.0', previous: 'v1.1.0' });
  });

  it('refuses --gitTag without a git identity before anything is pushed', async () => {
    // Empty in the repository's own config: no global identity or guess can stand in.
    ws.git('config', 'user.name', '');
    ws.git('config', 'user.email', '');
    await expect(release({ gitTag: true })).rejects.toThrow(/^--gitTag writes an annotated tag, which needs a git identity, .*nothing was changed$/);
    expect(await openRepository(registry, 'ham').listTags()).toEqual([]);
    expect(await release({ gitTag: true, dryRun: true })).toMatchObject({ version: 'v1.0.0', released: false });
  });

  it('refuses a bad npmRegistry, npmScope or --push remote before anything is pushed', async () => {
    // npm would take "not a url" and publish to npmjs.com: a private package made public.
    await expect(release({ npmRegistry: 'not a url' })).rejects.toThrow(/^invalid npmRegistry "not a url": expected an http:\/\/ or https:\/\/ URL/);
    await expect(release({ npmScope: '@@x' })).rejects.toThrow(/^cannot name the npm packages of ham "@@x\/ham": scope and name must be lowercase/);
    await expect(release({ gitTag: true, push: true })).rejects.toThrow(/^--push pushes the git tag to "origin", which is no remote of this repository .*nothing was changed$/);
    expect(await openRepository(registry, 'ham').listTags()).toEqual([]);
    expect(ws.git('tag', '--list')).toBe('');
  });

  it('claims the version with the pushed git tag before writing to the registry', async () => {
    await expect(release({ push: true })).rejects.toThrow('--push pushes the git tag: use it with --gitTag');
    const remote = fs.mkdtempSync(path.join(path.dirname(ws.root), 'remote-'));
    execFileSync('git', ['init', '-q', '--bare', remote]);
    ws.git('remote', 'add', 'origin', remote);
    // Another machine already took v1.0.0 for other content.
    const other = ws.git('commit-tree', '-m', 'elsewhere', ws.git('rev-parse', 'HEAD^{tree}'));
    ws.git('tag', 'mdl-ham-v1.0.0', other);
    ws.git('push', '-q', 'origin', 'refs/tags/mdl-ham-v1.0.0');
    ws.git('tag', '-d', 'mdl-ham-v1.0.0');

    await expect(release({ gitTag: true, push: true })).rejects.toThrow(/mdl-ham-v1\.0\.0 already exists on origin/);
    expect(await openRepository(registry, 'ham').resolve('v1.0.0')).toBeNull();
    expect(ws.git('tag', '--list')).toBe('');
    fs.rmSync(remote, { recursive: true, force: true });
  });
});

describe('clean', () => {
  it('deletes adhoc and branch tags only, and every release stays pullable', async () => {
    await release();
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 12;\n');
    const dirty = await storeResource({ workspaceRoot: ws.root, resource: { name: 'ham', root: 'ham' }, closure: [{ name: 'ham', root: 'ham' }, { name: 'eggs', root: 'libs/eggs' }], registry, branch: true });
    ws.commit('eggs');
    await release();
    const repo = openRepository(registry, 'ham');
    const before = (await repo.listTags()).sort();
    expect(before).toEqual(expect.arrayContaining([...dirty.tags, 'v1.0.0', 'v1.1.0', 'latest']));

    const plan = await cleanRepository(repo, { dryRun: true });
    expect(plan.actions.map((a) => a.tag).sort()).toEqual(before.filter((t) => !/^(v|pkg-v|client-v)|^latest$/.test(t)).sort());
    expect((await repo.listTags()).sort()).toEqual(before);

    await cleanRepository(repo);
    expect((await repo.listTags()).sort()).toEqual(['client-v1', 'client-v1.0.0', 'client-v1.1.0', 'latest', 'pkg-v1.0.0', 'pkg-v1.1.0', 'v1.0.0', 'v1.1.0']);
    for (const tag of ['latest', 'v1.0.0', 'v1.1.0']) {
      expect(skopeo('inspect', '--raw', `docker://${host}/${namespace}/ham:${tag}`).artifactType).toBe('application/vnd.modelos.resource.v1');
    }
  });
});
