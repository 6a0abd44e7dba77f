import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { canonicalJson } from '../canonical-json';
import { promote, traffic } from '../environments';
import { UserError } from '../errors';
import { digestOf, MediaTypes, openRepository, parseRegistryReference, serializeManifest, type RegistryReference } from '../oci';
import { releaseResource } from '../release/release';
import { storeResource } from '../store';
import { GitWorkspace } from '../test-support/git-workspace';
import { describeVersion } from './describe';
import { formatDescription } from './format-describe';

jest.setTimeout(60_000);
const host = process.env.MODELOS_TEST_REGISTRY!;
const closure = [
  { name: 'ham', root: 'ham' },
  { name: 'eggs', root: 'libs/eggs' },
];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let ws: GitWorkspace;
beforeEach(() => {
  ws = new GitWorkspace();
  ws.addResource('ham', 'Ham').write('libs/eggs/src/index.ts', 'export const eggs = 2;\n');
  ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {}, metricsFile: 'metrics.json' }));
  ws.write('ham/metrics.json', JSON.stringify({ accuracy: 0.92, f1: 0.89, experiment: 'more-data' }));
  ws.git('config', 'user.name', 'Ada Lovelace');
  ws.git('config', 'user.email', 'ada@example.com');
  ws.commit('ham with metrics');
});
afterEach(() => ws.remove());

const registries: Array<[string, () => RegistryReference]> = [
  ['the real registry', () => parseRegistryReference(`oci://${host}/describe-${path.basename(ws.root).toLowerCase().replace(/[^a-z0-9]/g, '')}`, ws.root)],
  ['the embedded OCI layout', () => parseRegistryReference('.modelos/registry', ws.root)],
];

describe.each(registries)('describeVersion on %s', (_name, registryOf) => {
  it('shows created, author, size, files per closure project, metrics, labels and status of a store', async () => {
    const registry = registryOf();
    const stored = await storeResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry });
    const repo = openRepository(registry, 'ham');
    const [tag] = stored.tags;
    const d = await describeVersion(repo, tag);
    const manifest = JSON.parse((await repo.fetchManifest(tag))!.bytes.toString('utf8'));
    expect(d).toMatchObject({
      tag,
      digest: stored.digest,
      created: manifest.annotations['org.opencontainers.image.created'],
      author: { name: 'Ada Lovelace', email: 'ada@example.com' },
      size: manifest.config.size + manifest.layers[0].size + manifest.layers[1].size,
      metrics: { accuracy: 0.92, f1: 0.89 },
      labels: { experiment: 'more-data' },
      closureCommit: ws.git('rev-parse', 'HEAD'),
      dirtyHash: null,
      status: { kind: 'adhoc', tags: [tag], environments: [] },
    });
    expect(d.projects.map((p) => [p.name, p.size])).toEqual([
      ['ham', manifest.layers[0].size],
      ['eggs', manifest.layers[1].size],
    ]);
    expect(d.projects[1].files).toEqual([{ path: 'libs/eggs/src/index.ts', size: 23, sha256: sha256('export const eggs = 2;\n') }]);
    expect(d.projects[0].files!.map((f) => f.path)).toEqual(['ham/metrics.json', 'ham/resource.json', 'ham/src/ham.ts']);
    expect(formatDescription(d)).toMatch(/^FIELD\s+VALUE\nresource\s+.*ham:[0-9a-f-]+\n/);
  });

  it('names the git user as author of a dirty store, not the last committer', async () => {
    const registry = registryOf();
    ws.git('config', 'user.name', 'Grace Hopper');
    ws.git('config', 'user.email', 'grace@example.com');
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    const stored = await storeResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry });
    const d = await describeVersion(openRepository(registry, 'ham'), stored.tags[0]);
    expect(d.author).toEqual({ name: 'Grace Hopper', email: 'grace@example.com' });
    expect(d.dirtyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.projects[1].files![0].sha256).toBe(sha256('export const eggs = 3;\n'));
  });
});

describe('describeVersion status', () => {
  it('lists the tags on the same digest and the environments sending a release traffic, a share of a split included', async () => {
    const registry = parseRegistryReference('.modelos/registry', ws.root);
    const released = await releaseResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry, mainBranch: 'main' });
    const repo = openRepository(registry, 'ham');
    const change = (environment: string) => ({ repo, resource: 'ham', environment, settleMs: 50, env: { USER: 'tester' } });
    for (const env of ['production', 'staging']) await promote({ ...change(env), version: 'v1.0.0' });
    const d = await describeVersion(repo, 'latest');
    expect(d.digest).toBe(released.digest);
    // The release is its adhoc image tagged again (SPEC §7.5): the adhoc tag shares the digest.
    const [adhoc] = (await repo.listTags()).filter((tag) => /^[0-9a-f]{7}-0000000-[0-9a-f]{7}$/.test(tag));
    // Tags in string order; the adhoc tag's place depends on the commit's hash (f46130c… sorts after env-*).
    expect(d.status).toEqual({ kind: 'latest', tags: [adhoc, 'env-production', 'env-staging', 'latest', 'v1.0.0'].sort(), environments: ['production', 'staging'] });
    expect(d.version).toBe('1.0.0');
    expect((await describeVersion(repo, 'v1.0.0')).status.kind).toBe('release');
    // A version may be given without its v, as everywhere else.
    expect(await describeVersion(repo, '1.0.0')).toMatchObject({ tag: 'v1.0.0', version: '1.0.0', status: { kind: 'release' } });
    expect(formatDescription(d)).toMatch(/\nenvironments\s+production, staging\n/);

    // A canary: env-staging stays on the heavier v1.0.0, yet v1.1.0 gets a tenth of staging's traffic.
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    ws.commit('eggs 3');
    await releaseResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry, mainBranch: 'main' });
    await traffic({ ...change('staging'), weights: 'v1.0.0=90,v1.1.0=10' });
    expect((await describeVersion(repo, 'v1.1.0')).status.environments).toEqual(['staging 10%']);
    expect((await describeVersion(repo, 'v1.0.0')).status.environments).toEqual(['production', 'staging 90%']);
  });

  it('reads a config made before metadata (raw metrics, no files, no author)', async () => {
    const repo = openRepository(parseRegistryReference('.modelos/registry', ws.root), 'ham');
    const config = Buffer.from(canonicalJson({ name: 'ham', clientHash: 'c'.repeat(64), closure: { projects: ['ham'], commit: 'a'.repeat(40) }, dirtyHash: null, requires: {}, metrics: { accuracy: 0.8, run: 'old', nested: { x: 1 } } }));
    const layer = Buffer.from('layer');
    const configDesc = { mediaType: MediaTypes.resourceConfig, digest: digestOf(config), size: config.length };
    const layerDesc = { mediaType: MediaTypes.layerTarGzip, digest: digestOf(layer), size: layer.length, annotations: { 'dev.modelos.project': 'ham' } };
    await repo.pushBlob(configDesc, () => Readable.from([config]));
    await repo.pushBlob(layerDesc, () => Readable.from([layer]));
    const manifest = serializeManifest({ schemaVersion: 2, mediaType: MediaTypes.imageManifest, artifactType: MediaTypes.resourceArtifact, config: configDesc, layers: [layerDesc] });
    await repo.pushManifest(manifest, MediaTypes.imageManifest, 'v0.9.0');
    const d = await describeVersion(repo, 'v0.9.0');
    expect(d).toMatchObject({ author: null, created: null, size: config.length + 5, metrics: { accuracy: 0.8 }, labels: { run: 'old' }, interface: null });
    expect(d.projects).toEqual([{ name: 'ham', size: 5, files: null }]);
    expect(formatDescription(d)).toMatch(/\nham\s+5 B\s+not recorded/);
  });

  it('refuses an unknown tag naming the releases there are, and a tag that is not a resource version', async () => {
    const registry = parseRegistryReference('.modelos/registry', ws.root);
    await releaseResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry, mainBranch: 'main' });
    const repo = openRepository(registry, 'ham');
    await expect(describeVersion(repo, 'v9.9.9')).rejects.toThrow(UserError);
    await expect(describeVersion(repo, 'v9.9.9')).rejects.toThrow(`${repo.reference} has no tag "v9.9.9" (newest releases: v1.0.0; \`versions\` lists every tag)`);
    await expect(describeVersion(repo, 'client-v1')).rejects.toThrow(`${repo.reference}:client-v1 is not a resource version (artifact type ${MediaTypes.clientArtifact})`);
    // Written as a version but none: the rule, not "no tag".
    for (const text of ['01.1.0', '1.0', 'v1.0.0+x']) await expect(describeVersion(repo, text)).rejects.toThrow(new RegExp(`^invalid version "${text.replace(/[.+]/g, '\\$&')}": `));
  });
});
