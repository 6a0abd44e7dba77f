import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MediaTypes, openRepository, parseRegistryReference, type RegistryReference } from '../oci';
import { releaseResource } from '../release/release';
import { storeResource, type StoreInput } from '../store';
import { GitWorkspace } from '../test-support/git-workspace';
import { packDir, readPackDocument } from './pack-document';
import { packResource } from './pack-resource';

jest.setTimeout(60_000);

const host = process.env.MODELOS_TEST_REGISTRY!;
const ham = { name: 'ham', root: 'ham' };
const closure = [ham, { name: 'eggs', root: 'libs/eggs' }];
const model = randomBytes(1024 * 1024);
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

let ws: GitWorkspace;
let registry: RegistryReference;
let dir: string;

beforeEach(() => {
  ws = new GitWorkspace();
  ws.write('.gitignore', '.modelos/\ndist/\n');
  ws.addResource('ham', 'Ham').write('libs/eggs/src/index.ts', 'export const eggs = 2;\n').write('ham/weights/model.onnx', model);
  ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', models: ['weights/**'] }));
  ws.commit('ham with a model');
  registry = parseRegistryReference(`oci://${host}/pack-${path.basename(ws.root).toLowerCase().replace(/[^a-z0-9]/g, '')}`, ws.root);
  dir = packDir(ws.root, 'ham');
});

afterEach(() => ws.remove());

const pack = () => packResource({ workspaceRoot: ws.root, resource: ham, closure });
const store = (extra: Partial<StoreInput> = {}) => storeResource({ workspaceRoot: ws.root, resource: ham, closure, registry, packDir: dir, ...extra });
const packBytes = () => Object.fromEntries(listFiles(dir).map((file) => [file, fs.readFileSync(path.join(dir, file))]));

function listFiles(root: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(root, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(root, path.join(prefix, entry.name)) : [path.join(prefix, entry.name)],
  );
}

describe('packResource', () => {
  it('writes layers, file lists and interface into dist/modelos/<resource>, the same bytes for the same checkout', async () => {
    const result = await pack();
    expect(result).toMatchObject({ resource: 'ham', outDir: path.join('dist', 'modelos', 'ham') });
    const document = readPackDocument(dir)!;
    expect(document.interface).toMatchObject({ className: 'Ham' });
    expect(document.layers.map((layer) => [layer.kind, layer.project, layer.mediaType])).toEqual([
      ['code', 'ham', MediaTypes.layerTarGzip],
      ['model', 'ham', MediaTypes.modelFile],
      ['code', 'eggs', MediaTypes.layerTarGzip],
    ]);
    const [code, modelLayer] = document.layers;
    expect(code.files.find((file) => file.path === 'ham/src/ham.ts')).toEqual({
      path: 'ham/src/ham.ts',
      executable: false,
      size: Buffer.byteLength(ws.read('ham/src/ham.ts')),
      sha256: sha256(ws.read('ham/src/ham.ts')),
    });
    expect(modelLayer).toMatchObject({ digest: `sha256:${sha256(model)}`, size: model.length, files: [{ path: 'ham/weights/model.onnx', sha256: sha256(model) }] });
    expect(modelLayer.blob).toBeUndefined(); // the model stays in the checkout, not copied into the cache
    expect(sha256(fs.readFileSync(path.join(dir, code.blob!)))).toBe(code.digest.slice(7));

    const first = packBytes();
    fs.rmSync(path.join(ws.root, '.modelos'), { recursive: true, force: true });
    await pack();
    expect(packBytes()).toEqual(first);
  });

  it('is not refused but rebuilt where only a mode changed (Nx hashes contents, so a chmod keeps the cache entry)', async () => {
    await pack();
    const packed = readPackDocument(dir)!.layers[0].digest;
    fs.chmodSync(path.join(ws.root, 'ham/src/ham.ts'), 0o755);
    const stored = await store();
    const manifest = JSON.parse((await openRepository(registry, 'ham').fetchManifest(stored.digest))!.bytes.toString());
    await pack();
    const repacked = readPackDocument(dir)!.layers[0];
    expect(repacked.files.find((file) => file.path === 'ham/src/ham.ts')!.executable).toBe(true);
    expect(repacked.digest).not.toBe(packed);
    // What the checkout gives, modes included: the same layer a fresh pack builds.
    expect(manifest.layers[0].digest).toBe(repacked.digest);
  });

  it('is what store pushes: the manifest carries pack’s layer digests, and a re-store of the same content sends nothing', async () => {
    await pack();
    const stored = await store();
    const repo = openRepository(registry, 'ham');
    const manifest = JSON.parse((await repo.fetchManifest(stored.digest))!.bytes.toString());
    expect(manifest.layers.map((layer: { digest: string }) => layer.digest)).toEqual(readPackDocument(dir)!.layers.map((layer) => layer.digest));
    expect(await store()).toMatchObject({ unchanged: true, blobsUploaded: 0, requests: 1 });
  });
});

describe('a pack output that does not match the checkout (a poisoned cache entry)', () => {
  it('is refused by store, naming the file, with nothing pushed', async () => {
    // Same size, other bytes: only the sha256 tells them apart.
    ws.write('ham/src/ham.ts', ws.read('ham/src/ham.ts').replace('baked at', 'baked by'));
    await pack(); // built from other sources, as a pull request's cache entry would be
    ws.git('checkout', '--', 'ham/src/ham.ts');
    await expect(store()).rejects.toThrow(
      /dist\/modelos\/ham does not match the checkout: ham\/src\/ham\.ts has sha256 [0-9a-f]{64} there, [0-9a-f]{64} in the checkout\. .*nx run ham:pack --skip-nx-cache/,
    );
    expect(await openRepository(registry, 'ham').listTags()).toEqual([]);
  });

  it('is refused when only a layer was swapped (honest file lists, tarball and digest replaced), on a fresh machine', async () => {
    await pack();
    const document = readPackDocument(dir)!;
    const forged = randomBytes(64);
    fs.writeFileSync(path.join(dir, 'layers', `${sha256(forged)}.tar.gz`), forged);
    document.layers[0] = { ...document.layers[0], digest: `sha256:${sha256(forged)}`, size: forged.length, blob: `layers/${sha256(forged)}.tar.gz` };
    fs.writeFileSync(path.join(dir, 'pack.json'), JSON.stringify(document));
    fs.rmSync(path.join(ws.root, '.modelos'), { recursive: true, force: true }); // a CI runner: no local layer cache
    await expect(store()).rejects.toThrow(/layer 1 \(code of ham\) has digest sha256:[0-9a-f]{64}, the checkout gives sha256:[0-9a-f]{64}/);
    expect(await openRepository(registry, 'ham').listTags()).toEqual([]);
  });

  it('reads no file outside the pack: a layer whose tarball path was forged is refused before anything is sent', async () => {
    await pack();
    ws.write('.npmrc', '//registry.npmjs.org/:_authToken=s3cret\n');
    const document = readPackDocument(dir)!;
    document.layers[0] = { ...document.layers[0], blob: '../../../.npmrc' };
    fs.writeFileSync(path.join(dir, 'pack.json'), JSON.stringify(document));
    await expect(store()).rejects.toThrow(/layer 1 \(code of ham\) names \.\.\/\.\.\/\.\.\/\.npmrc as its tarball/);
    expect(await openRepository(registry, 'ham').listTags()).toEqual([]);
  });

  it('is refused, naming the tarball, when a layer tarball was changed after pack', async () => {
    await pack();
    const [code] = readPackDocument(dir)!.layers;
    fs.appendFileSync(path.join(dir, code.blob!), 'x');
    await expect(store()).rejects.toThrow(/dist\/modelos\/ham does not match the checkout: layers\/[0-9a-f]{64}\.tar\.gz is not the \d+ bytes pack\.json records/);
    fs.rmSync(path.join(dir, code.blob!));
    await expect(store()).rejects.toThrow(/layers\/[0-9a-f]{64}\.tar\.gz is not the \d+ bytes pack\.json records/);
    expect(await openRepository(registry, 'ham').listTags()).toEqual([]);
  });

  it('never becomes a release: refused before the version is claimed', async () => {
    ws.write('ham/weights/model.onnx', randomBytes(1024));
    await pack();
    ws.git('checkout', '--', 'ham/weights/model.onnx');
    await expect(
      releaseResource({ workspaceRoot: ws.root, resource: ham, closure, registry, mainBranch: 'main', packDir: dir }),
    ).rejects.toThrow(/ham\/weights\/model\.onnx is 1024 bytes there, 1048576 in the checkout/);
    expect(await openRepository(registry, 'ham').listTags()).toEqual([]);
    expect(ws.git('for-each-ref', 'refs/modelos/claims')).toBe('');
  });
});
