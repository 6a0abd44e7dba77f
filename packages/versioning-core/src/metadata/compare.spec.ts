import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { UserError } from '../errors';
import { openRepository, parseManifest, parseRegistryReference, type RegistryReference } from '../oci';
import { releaseResource } from '../release/release';
import { storeResource } from '../store';
import { GitWorkspace } from '../test-support/git-workspace';
import { startRegistryProxy } from '../test-support/registry-proxy';
import { compareResourceVersions } from './compare';
import { formatComparison } from './format-compare';

jest.setTimeout(60_000);
const closure = [
  { name: 'ham', root: 'ham' },
  { name: 'eggs', root: 'libs/eggs' },
];
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const HAM_WITH_SLICE = `export class Ham {
  constructor(private readonly a: string) {}
  bake(temp: number): string {
    return this.a + temp;
  }
  slice(n: number): number[] {
    return [n];
  }
}
`;

let ws: GitWorkspace;
beforeEach(() => {
  ws = new GitWorkspace();
  ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {}, metricsFile: 'metrics.json' }));
  ws.write('ham/src/ham.ts', 'export class Ham {\n  constructor(private readonly a: string) {}\n  bake(temp: number): string {\n    return this.a + temp;\n  }\n}\n');
  ws.write('ham/metrics.json', JSON.stringify({ accuracy: 0.89, f1: 0.8, experiment: 'baseline' }));
  ws.write('ham/model.bin', 'weights v1');
  ws.write('libs/eggs/src/index.ts', 'export const eggs = 2;\n');
  ws.write('libs/eggs/src/old.ts', 'export const old = 1;\n');
  ws.git('config', 'user.name', 'Ada Lovelace');
  ws.git('config', 'user.email', 'ada@example.com');
  ws.commit('v1');
});
afterEach(() => ws.remove());

const tree = () => ({ workspaceRoot: ws.root, resource: closure[0], closure });

/** v1.0.0 released by Ada; then Grace grows the interface, retrains the model, edits eggs and stores that. */
async function releaseThenStoreChange(registry: RegistryReference): Promise<string> {
  await releaseResource({ ...tree(), registry, mainBranch: 'main' });
  ws.git('config', 'user.name', 'Grace Hopper');
  ws.git('config', 'user.email', 'grace@example.com');
  ws.write('ham/src/ham.ts', HAM_WITH_SLICE);
  ws.write('ham/metrics.json', JSON.stringify({ accuracy: 0.92, f1: 0.8, experiment: 'more-data' }));
  ws.write('ham/model.bin', 'weights v2, larger');
  ws.write('libs/eggs/src/new.ts', 'export const fresh = 1;\n');
  ws.git('rm', '-q', 'libs/eggs/src/old.ts');
  ws.commit('more data');
  return (await storeResource({ ...tree(), registry })).tags[0];
}

describe('compareResourceVersions against the real registry', () => {
  it('gives size, metrics, interface, files and authors from manifests and configs, never a layer', async () => {
    const proxy = await startRegistryProxy();
    try {
      const namespace = `compare-${path.basename(ws.root).toLowerCase().replace(/[^a-z0-9]/g, '')}`;
      const registry = parseRegistryReference(`oci://${proxy.host}/${namespace}`, ws.root);
      const adhoc = await releaseThenStoreChange(registry);
      const repo = openRepository(registry, 'ham');
      const manifests = await Promise.all(['v1.0.0', adhoc].map(async (tag) => parseManifest((await repo.fetchManifest(tag))!.bytes, tag)));
      const layerDigests = manifests.flatMap((m) => m.layers.map((layer) => layer.digest));
      proxy.seen.length = 0;

      const c = await compareResourceVersions(openRepository(registry, 'ham'), { to: adhoc });

      expect(proxy.seen.filter((r) => layerDigests.some((digest) => r.url.includes(digest)))).toEqual([]);
      const [before, after] = manifests.map((m) => m.config.size + m.layers.reduce((sum, l) => sum + l.size, 0));
      expect(c.from).toMatchObject({ tag: 'latest', version: '1.0.0', author: { name: 'Ada Lovelace', email: 'ada@example.com' } });
      expect(c.to).toMatchObject({ tag: adhoc, version: null, author: { name: 'Grace Hopper', email: 'grace@example.com' } });
      expect(c.size).toEqual({ from: before, to: after, difference: after - before, relative: Number(((after - before) / before).toPrecision(12)) });
      expect(c.metrics).toEqual([
        { name: 'accuracy', from: 0.89, to: 0.92, difference: 0.03, relative: Number((0.03 / 0.89).toPrecision(12)) },
        { name: 'f1', from: 0.8, to: 0.8, difference: 0, relative: 0 },
      ]);
      expect(c.labels).toEqual([{ name: 'experiment', from: 'baseline', to: 'more-data' }]);
      expect(c.interface).toMatchObject({ bump: 'minor', reason: 'interface grew since v1.0.0: added method slice' });
      expect(c.interface.changes).toEqual([expect.objectContaining({ bump: 'minor', kind: 'method-added', subject: 'method slice' })]);
      const [ham, eggs] = c.files;
      expect(ham).toMatchObject({ project: 'ham', recorded: true, added: [], removed: [], unchanged: 1 });
      expect(ham.changed.map((f) => f.path)).toEqual(['ham/metrics.json', 'ham/model.bin', 'ham/src/ham.ts']);
      expect(ham.changed[1]).toEqual({
        path: 'ham/model.bin',
        from: { size: 10, sha256: sha256('weights v1') },
        to: { size: 18, sha256: sha256('weights v2, larger') },
      });
      expect(eggs).toMatchObject({
        project: 'eggs',
        added: [{ path: 'libs/eggs/src/new.ts', size: 24, sha256: sha256('export const fresh = 1;\n') }],
        removed: [expect.objectContaining({ path: 'libs/eggs/src/old.ts' })],
        changed: [],
        unchanged: 1,
      });

      const table = formatComparison(c);
      expect(table).toMatch(/\naccuracy\s+0\.89 → 0\.92, \+0\.03 \(\+3\.4%\)\n/);
      expect(table).toMatch(/\nf1\s+0\.8 → 0\.8, 0 \(0\.0%\)\n/);
      expect(table).toMatch(/\nversion\s+latest \(v1\.0\.0\)\s+[0-9a-f]{7}-0000000-[0-9a-f]{7}\n/);
      expect(table).toContain('\nbump: minor — interface grew since v1.0.0: added method slice\n');
      expect(table).toMatch(/\neggs\s+added\s+libs\/eggs\/src\/new\.ts\s+24 B\n/);
    } finally {
      await proxy.close();
    }
  });
});

describe('compareResourceVersions on the embedded OCI layout', () => {
  it('compares with the working tree by default, pushing nothing', async () => {
    const registry = parseRegistryReference('.modelos/registry', ws.root);
    await releaseResource({ ...tree(), registry, mainBranch: 'main' });
    ws.write('ham/src/ham.ts', 'export class Ham {\n  constructor(private readonly a: string) {}\n}\n');
    ws.write('ham/metrics.json', JSON.stringify({ accuracy: 0.5 }));
    const repo = openRepository(registry, 'ham');
    const tagsBefore = (await repo.listTags()).sort();

    const c = await compareResourceVersions(repo, { workingTree: tree() });

    expect(repo.counters.blobsUploaded).toBe(0);
    expect((await repo.listTags()).sort()).toEqual(tagsBefore);
    expect(c.to).toEqual({ tag: null, version: null, digest: null, created: null, author: { name: 'Ada Lovelace', email: 'ada@example.com' }, clientHash: expect.any(String) });
    expect(c.interface).toMatchObject({ bump: 'major', reason: 'interface changed incompatibly since v1.0.0: removed method bake' });
    expect(c.metrics).toEqual([expect.objectContaining({ name: 'accuracy', from: 0.89, to: 0.5 }), { name: 'f1', from: 0.8, to: null, difference: null, relative: null }]);
    expect(c.labels).toEqual([{ name: 'experiment', from: 'baseline', to: null }]);
    expect(formatComparison(c)).toMatch(/\nversion\s+latest \(v1\.0\.0\)\s+the working tree\n/);
    expect(formatComparison(c)).toMatch(/\nf1\s+0\.8 → -\n/);
  });

  it('says the content is the same for a release and its adhoc tag', async () => {
    const registry = parseRegistryReference('.modelos/registry', ws.root);
    const released = await releaseResource({ ...tree(), registry, mainBranch: 'main' });
    const adhoc = released.tags.find((tag) => /^[0-9a-f]{7}-/.test(tag))!;
    const c = await compareResourceVersions(openRepository(registry, 'ham'), { from: 'v1.0.0', to: adhoc });
    expect(c.interface).toEqual({ bump: 'none', reason: `${adhoc} has the same content as v1.0.0`, changes: [] });
    expect(c.size.difference).toBe(0);
    expect(c.files.every((p) => p.added.length + p.removed.length + p.changed.length === 0)).toBe(true);
  });

  it('refuses an unknown --from or --to with one line', async () => {
    const registry = parseRegistryReference('.modelos/registry', ws.root);
    const repo = openRepository(registry, 'ham');
    await expect(compareResourceVersions(repo, { workingTree: tree() })).rejects.toThrow(new UserError(`${repo.reference} has no tag "latest" (the repository is empty; \`versions\` lists every tag)`));
    await releaseResource({ ...tree(), registry, mainBranch: 'main' });
    await expect(compareResourceVersions(repo, { to: 'v2.0.0' })).rejects.toThrow(`${repo.reference} has no tag "v2.0.0" (newest releases: v1.0.0;`);
  });
});
