import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Annotations } from './oci';
import { MODEL_FILE_BYTES } from './artifact/layer-plan';
import { MediaTypes, parseRegistryReference, type RegistryReference } from './oci';
import { storeResource, type StoreInput } from './store';
import { GitWorkspace } from './test-support/git-workspace';
import { listVersions } from './versions';

jest.setTimeout(60_000);

const host = process.env.MODELOS_TEST_REGISTRY!;
const ADHOC = /^([0-9a-f]{7})-([0-9a-f]{7})-([0-9a-f]{7})$/;

function skopeoRaw(image: string): Record<string, any> {
  return JSON.parse(execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', image], { encoding: 'utf8' }));
}

let ws: GitWorkspace;
let registry: RegistryReference;
let namespace: string;

function input(extra: Partial<StoreInput> = {}): StoreInput {
  return {
    workspaceRoot: ws.root,
    resource: { name: 'ham', root: 'ham' },
    closure: [
      { name: 'ham', root: 'ham' },
      { name: 'eggs', root: 'libs/eggs' },
    ],
    registry,
    ...extra,
  };
}

beforeEach(() => {
  ws = new GitWorkspace();
  ws.addResource('ham', 'Ham').write('libs/eggs/src/index.ts', 'export const eggs = 2;\n');
  ws.addResource('bacon', 'Bacon').commit('initial');
  namespace = `store-${path.basename(ws.root).toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  registry = parseRegistryReference(`oci://${host}/${namespace}`, ws.root);
});

afterEach(() => ws.remove());

describe('storeResource against the real registry', () => {
  it('pushes the artifact under <git7>-<dirty7>-<client7> with the media types and annotations of SPEC §6', async () => {
    const result = await storeResource(input());
    const head = ws.git('rev-parse', 'HEAD');
    expect(result.tags).toHaveLength(1);
    const [, git7, dirty7, client7] = ADHOC.exec(result.tags[0])!;
    expect(git7).toBe(head.slice(0, 7));
    expect(dirty7).toBe('0000000');
    expect(client7).toBe(result.clientHash.slice(0, 7));

    const manifest = skopeoRaw(`docker://${host}/${namespace}/ham:${result.tags[0]}`);
    expect(manifest.mediaType).toBe(MediaTypes.imageManifest);
    expect(manifest.artifactType).toBe(MediaTypes.resourceArtifact);
    expect(manifest.config.mediaType).toBe(MediaTypes.resourceConfig);
    expect(manifest.layers.map((l: any) => l.annotations[Annotations.project])).toEqual(['ham', 'eggs']);
    expect(manifest.annotations).toMatchObject({
      [Annotations.revision]: head,
      [Annotations.title]: 'ham',
      [Annotations.kind]: 'resource',
      [Annotations.clientHash]: result.clientHash,
      [Annotations.closureCommit]: head,
    });
    expect(new Date(manifest.annotations[Annotations.created]).toISOString()).toBe(manifest.annotations[Annotations.created]);
  });

  it('re-stores unchanged content with zero uploads and the same digest', async () => {
    const first = await storeResource(input());
    const second = await storeResource(input());
    expect(first.blobsUploaded).toBe(3);
    expect(second).toMatchObject({ digest: first.digest, tags: first.tags, blobsUploaded: 0, unchanged: true });
    // The tag already holds this config (closure commit, dirty hash, interface): one GET, nothing built.
    expect(second.requests).toBe(1);
  });

  it('tracks the closure: dirty edits set dirty7, a commit to an unrelated project changes nothing', async () => {
    const clean = await storeResource(input());
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    const dirty = await storeResource(input());
    expect(dirty.tags[0]).toMatch(new RegExp(`^${clean.tags[0].slice(0, 7)}-(?!0000000)[0-9a-f]{7}-${clean.tags[0].slice(-7)}$`));

    const eggsCommit = ws.commit('eggs: three');
    ws.write('bacon/src/bacon.ts', ws.read('bacon/src/bacon.ts') + '\n// unrelated\n').commit('bacon only');
    const committed = await storeResource(input());
    expect(committed.tags[0]).toBe(`${eggsCommit.slice(0, 7)}-0000000-${clean.tags[0].slice(-7)}`);
    // Both layers are already there (eggs' went up with the dirty store): only the config is new.
    expect(committed.blobsUploaded).toBe(1);
  });

  it('pushes the branch tag with --branch and only it with --branchOnly', async () => {
    ws.git('checkout', '-q', '-b', 'Feature/Smoked_Ham');
    const both = await storeResource(input({ branch: true }));
    expect(both.tags).toEqual([expect.stringMatching(ADHOC), `feature-smoked-ham-0000000-${both.clientHash.slice(0, 7)}`]);
    const only = await storeResource(input({ branchOnly: true }));
    expect(only.tags).toEqual([both.tags[1]]);
    const listed = execFileSync('skopeo', ['list-tags', '--tls-verify=false', `docker://${host}/${namespace}/ham`], { encoding: 'utf8' });
    expect(JSON.parse(listed).Tags.sort()).toEqual([...both.tags].sort());
  });

  it('names where the code lives in .source, from remote.origin.url without its credentials', async () => {
    // The password holds an @: all of it goes, not only what precedes its first @.
    ws.git('remote', 'add', 'origin', 'https://bot:s3c@ret@example.com/acme/proj.git');
    const result = await storeResource(input());
    const manifest = skopeoRaw(`docker://${host}/${namespace}/ham:${result.tags[0]}`);
    expect(manifest.annotations[Annotations.source]).toBe('https://example.com/acme/proj.git');
  });

  it('pushes nothing on a dry run', async () => {
    const result = await storeResource(input({ dryRun: true }));
    expect(result).toMatchObject({ dryRun: true, blobsUploaded: 0 });
    const rows = await listVersions({ workspaceRoot: ws.root, resource: { name: 'ham', root: 'ham' }, registry });
    expect(rows).toEqual([]);
  });

  it('lists versions with kind, digest, created, client hash and compatibility', async () => {
    const stored = await storeResource(input({ branch: true }));
    ws.write('ham/src/ham.ts', ws.read('ham/src/ham.ts').replace('static getTemp', 'slice(n: number): number[] {\n    return [n];\n  }\n  static getTemp'));
    const dirtyNewInterface = await storeResource(input());
    const rows = await listVersions({ workspaceRoot: ws.root, resource: { name: 'ham', root: 'ham' }, registry });
    expect(rows.map((r) => [r.tag, r.kind, r.compatible])).toEqual(
      expect.arrayContaining([
        [stored.tags[0], 'adhoc', false],
        [stored.tags[1], 'branch', false],
        [dirtyNewInterface.tags[0], 'adhoc', true],
      ]),
    );
    expect(rows[0].tag).toBe(dirtyNewInterface.tags[0]);
    expect(rows.every((r) => r.digest.startsWith('sha256:') && r.created && r.clientHash)).toBe(true);
    const compatible = await listVersions({ workspaceRoot: ws.root, resource: { name: 'ham', root: 'ham' }, registry, compatibleOnly: true });
    expect(compatible.map((r) => r.tag)).toEqual([dirtyNewInterface.tags[0]]);
  });
});

describe('model layers', () => {
  const MiB = 1024 * 1024;
  const model = randomBytes(3 * MiB);
  const withModel = (root: string) => {
    ws.write(`${root}/weights/model.onnx`, model);
    const config = JSON.parse(ws.read(`${root}/resource.json`));
    ws.write(`${root}/resource.json`, JSON.stringify({ ...config, models: ['weights/*.onnx'] }));
  };

  it('stores a model file as a raw layer addressed by its content; a code change re-sends only the code layer', async () => {
    withModel('ham');
    ws.commit('ham carries a model');
    const first = await storeResource(input());
    const manifest = skopeoRaw(`docker://${host}/${namespace}/ham:${first.tags[0]}`);
    expect(manifest.layers.map((l: any) => [l.mediaType, l.annotations[Annotations.title]])).toEqual([
      [MediaTypes.layerTarGzip, 'ham.tar.gz'],
      [MediaTypes.modelFile, 'ham/weights/model.onnx'],
      [MediaTypes.layerTarGzip, 'eggs.tar.gz'],
    ]);
    expect(manifest.layers[1]).toMatchObject({ digest: `sha256:${createHash('sha256').update(model).digest('hex')}`, size: model.length });
    expect(first.bytesUploaded).toBeGreaterThan(model.length);

    ws.write('ham/src/ham.ts', ws.read('ham/src/ham.ts') + '// one line\n').commit('one line');
    const changed = await storeResource(input());
    expect(changed.digest).not.toBe(first.digest);
    expect(changed).toMatchObject({ blobsUploaded: 2, blobsMounted: 0 }); // ham's code layer and the config
    expect(changed.bytesUploaded).toBeLessThan(64 * 1024);
  });

  /** Paths under the workspace opened for reading while `run` runs. */
  async function opened<T>(run: () => Promise<T>): Promise<{ value: T; paths: string[] }> {
    const nodeFs = require('node:fs') as typeof fs;
    const spy = jest.spyOn(nodeFs, 'createReadStream');
    try {
      const value = await run();
      return { value, paths: spy.mock.calls.map(([file]) => path.relative(ws.root, String(file))) };
    } finally {
      spy.mockRestore();
    }
  }

  it('reads a new model once: hashed while it is sent, its digest then cached for the next store', async () => {
    withModel('ham');
    ws.commit('ham carries a model');
    const first = await opened(() => storeResource(input()));
    expect(first.paths.filter((file) => file === 'ham/weights/model.onnx')).toHaveLength(1);
    expect(first.value.bytesUploaded).toBeGreaterThan(model.length);
    const config = JSON.parse(execFileSync('skopeo', ['inspect', '--config', '--raw', '--tls-verify=false', `docker://${host}/${namespace}/ham:${first.value.tags[0]}`], { encoding: 'utf8' }));
    expect(config.files.ham).toContainEqual({ path: 'ham/weights/model.onnx', size: model.length, sha256: createHash('sha256').update(model).digest('hex') });

    ws.write('ham/src/ham.ts', ws.read('ham/src/ham.ts') + '// one line\n').commit('one line');
    const changed = await opened(() => storeResource(input()));
    expect(changed.paths).not.toContain('ham/weights/model.onnx');
    expect(changed.value.blobsUploaded).toBe(2);
  });

  it('re-stores an unchanged resource from a fresh clone without reading its model: the config under the tag records its digest', async () => {
    withModel('ham');
    ws.commit('ham carries a model');
    const first = await storeResource(input());
    fs.rmSync(path.join(ws.root, '.modelos'), { recursive: true, force: true });
    const again = await opened(() => storeResource(input()));
    expect(again.paths).not.toContain('ham/weights/model.onnx');
    expect(again.value).toMatchObject({ unchanged: true, digest: first.digest, blobsUploaded: 0, requests: 2 });
  });

  it('hashes a dirty model while sending it, and a dry run reads it once to digest it', async () => {
    withModel('ham');
    ws.commit('ham carries a model');
    ws.write('ham/weights/model.onnx', randomBytes(2 * MiB));
    const dry = await opened(() => storeResource(input({ dryRun: true })));
    expect(dry.paths.filter((file) => file === 'ham/weights/model.onnx')).toHaveLength(2); // the dirty hash, then the layer digest
    fs.rmSync(path.join(ws.root, '.modelos'), { recursive: true, force: true });
    const stored = await storeResource(input());
    expect(stored.dirtyHash).not.toBeNull();
    const manifest = skopeoRaw(`docker://${host}/${namespace}/ham:${stored.tags[0]}`);
    expect(manifest.layers[1].digest).toBe(`sha256:${createHash('sha256').update(fs.readFileSync(path.join(ws.root, 'ham/weights/model.onnx'))).digest('hex')}`);
  });

  it('mounts a model another resource of the registry already holds instead of sending it again', async () => {
    // Above the size threshold, a model in a library both resources depend on needs no glob.
    const shared = randomBytes(MODEL_FILE_BYTES + 1);
    ws.write('libs/weights/base.bin', shared).commit('a shared model');
    const weights = { name: 'weights', root: 'libs/weights' };
    const ham = await storeResource(input({ closure: [{ name: 'ham', root: 'ham' }, weights] }));
    const bacon = await storeResource(input({ resource: { name: 'bacon', root: 'bacon' }, closure: [{ name: 'bacon', root: 'bacon' }, weights] }));
    expect(ham.bytesUploaded).toBeGreaterThan(shared.length);
    // The library's code layer and its model: both already in ham's repository.
    expect(bacon).toMatchObject({ blobsMounted: 2 });
    expect(bacon.bytesUploaded).toBeLessThan(64 * 1024);
    const manifest = skopeoRaw(`docker://${host}/${namespace}/bacon:${bacon.tags[0]}`);
    expect(manifest.layers[2]).toMatchObject({ mediaType: MediaTypes.modelFile, digest: `sha256:${createHash('sha256').update(shared).digest('hex')}` });
  });

  it('refuses a models entry that leaves the project, naming the field', async () => {
    ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', models: ['../bacon/**'] }));
    await expect(storeResource(input())).rejects.toThrow(/ham\/resource\.json: field "models\.0"/);
  });
});

describe('storeResource into the embedded OCI image layout', () => {
  it('writes a layout that skopeo reads', async () => {
    const dir = path.join(ws.root, '.modelos', 'registry');
    registry = parseRegistryReference(dir, ws.root);
    const result = await storeResource(input());
    const manifest = skopeoRaw(`oci:${dir}/ham:${result.tags[0]}`);
    expect(manifest.artifactType).toBe(MediaTypes.resourceArtifact);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'ham', 'oci-layout'), 'utf8'))).toEqual({ imageLayoutVersion: '1.0.0' });
    expect((await storeResource(input())).digest).toBe(result.digest);
  });
});

describe('storeResource errors', () => {
  it('names an unreachable registry and writes nothing to the repo', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    registry = parseRegistryReference(`oci://127.0.0.1:${port}/ns`, ws.root);
    await expect(storeResource(input())).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${port}.*not reachable`));
    expect(ws.git('status', '--porcelain')).toBe('');
  });

  it('refuses a workspace that is not a git repository', async () => {
    fs.rmSync(path.join(ws.root, '.git'), { recursive: true });
    await expect(storeResource(input())).rejects.toThrow(/is not inside a git repository/);
  });

  it('names the file and field of an invalid resource.json', async () => {
    ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts' }));
    await expect(storeResource(input())).rejects.toThrow(/ham\/resource\.json: field "class" is missing/);
  });
});
