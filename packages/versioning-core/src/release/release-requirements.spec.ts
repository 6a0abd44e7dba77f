import * as path from 'node:path';
import { Annotations } from '../oci';
import { parseRecordedConfig } from '../metadata/recorded-config';
import { openRepository, parseManifest, parseRegistryReference, type RegistryReference } from '../oci';
import { readNpmTarball } from '../packages';
import { failure } from '../test-support/failure';
import { GitWorkspace } from '../test-support/git-workspace';
import { publishTestPackage } from '../test-support/package-artifact';
import { pushTinyArtifact } from '../test-support/tiny-artifact';
import { storeResource } from '../store';
import { releaseResource } from './release';
import { listReleases } from './releases';

jest.setTimeout(120_000);
const host = process.env.MODELOS_TEST_REGISTRY!;
let ws: GitWorkspace;
let registry: RegistryReference;
let scope: string;

beforeEach(() => {
  ws = new GitWorkspace();
  scope = `reqs-${process.pid}-${Date.now().toString(36)}`;
  ws.write('package.json', JSON.stringify({ name: `@${scope}/source`, private: true }));
  ws.addResource('ham', 'Ham');
  ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: { jam: '^1' } })).commit('ham requires jam');
  registry = parseRegistryReference(`oci://${host}/${scope}`, ws.root);
  process.env.MODELOS_CACHE_DIR = path.join(ws.root, '.modelos', 'cache');
});

afterEach(() => ws.remove());

const release = () =>
  releaseResource({ workspaceRoot: ws.root, resource: { name: 'ham', root: 'ham' }, closure: [{ name: 'ham', root: 'ham' }], registry, mainBranch: 'main' });

describe('release with requirements (SPEC §9)', () => {
  it('refuses requirements that do not resolve, naming them, and pushes nothing', async () => {
    const error = await failure(release());
    expect(error.message).toBe('ham cannot be released: its requirements do not resolve: ham needs jam ^1; jam has no releases');
    expect(await openRepository(registry, 'ham').listTags()).toEqual([]);
  });

  it('records the resolved requirements in config and annotation, and bundles the locked client in the server package', async () => {
    const jam = openRepository(registry, 'jam');
    await pushTinyArtifact(jam, 'v1.3.0', { [Annotations.version]: '1.3.0' });
    const client = await publishTestPackage(jam, { name: `@${scope}/jam-client`, version: '1.3.0', resource: 'jam', kind: 'client', files: { 'index.js': 'exports.jam = 13;' } });
    const result = await release();
    expect(result.version).toBe('v1.0.0');

    const ham = openRepository(registry, 'ham');
    const manifest = parseManifest((await ham.fetchManifest('v1.0.0'))!.bytes, 'v1.0.0');
    expect(JSON.parse(manifest.annotations![Annotations.requires])).toEqual({ jam: { spec: '^1', versions: ['1.3.0'] } });
    const config = JSON.parse((await ham.fetchBlob(manifest.config.digest)).toString('utf8'));
    expect(config.resolved).toEqual({
      jam: [expect.objectContaining({ version: '1.3.0', digest: (await jam.resolve('v1.3.0'))!.digest, client: client.manifestDigest, requiredBy: [{ by: 'ham', spec: '^1' }] })],
    });
    // What describe reads back.
    expect(parseRecordedConfig(await ham.fetchBlob(manifest.config.digest), 'config').resolved).toEqual([
      { resource: 'jam', version: '1.3.0', digest: (await jam.resolve('v1.3.0'))!.digest },
    ]);
    expect((await listReleases(ham)).find((row) => row.tag === 'v1.0.0')!.requires).toEqual({ jam: { spec: '^1', versions: ['1.3.0'] } });

    const server = parseManifest((await ham.fetchManifest('pkg-v1.0.0'))!.bytes, 'pkg-v1.0.0');
    const files = await readNpmTarball(await ham.fetchBlob(server.layers[0].digest), 'pkg-v1.0.0');
    const text = (file: string) => files.find((f) => f.path === file)!.content.toString('utf8');
    expect(text(`node_modules/@${scope}/jam-client-v1/index.js`)).toBe('exports.jam = 13;');
    expect(JSON.parse(text('package.json'))).toMatchObject({ bundleDependencies: [`@${scope}/jam-client-v1`] });
  });

  it('a store after the release keeps the adhoc tag on the release manifest (SPEC §7.5)', async () => {
    const jam = openRepository(registry, 'jam');
    await pushTinyArtifact(jam, 'v1.3.0', { [Annotations.version]: '1.3.0' });
    await publishTestPackage(jam, { name: `@${scope}/jam-client`, version: '1.3.0', resource: 'jam', kind: 'client', files: { 'index.js': 'exports.jam = 13;' } });
    const released = await release();
    const ham = openRepository(registry, 'ham');
    const [adhoc] = released.tags;
    expect((await ham.resolve(adhoc))!.digest).toBe(released.digest);

    const stored = await storeResource({ workspaceRoot: ws.root, resource: { name: 'ham', root: 'ham' }, closure: [{ name: 'ham', root: 'ham' }], registry });
    expect(stored).toMatchObject({ unchanged: true, digest: released.digest, tags: [adhoc] });
    expect((await ham.resolve(adhoc))!.digest).toBe(released.digest);

    // Another content is stored anew.
    ws.write('ham/src/ham.ts', 'export class Ham { bake(temp: number): string { return `ham at ${temp}`; } }\n');
    const changed = await storeResource({ workspaceRoot: ws.root, resource: { name: 'ham', root: 'ham' }, closure: [{ name: 'ham', root: 'ham' }], registry });
    expect(changed.unchanged).toBe(false);
    expect(changed.digest).not.toBe(released.digest);
  });
});
