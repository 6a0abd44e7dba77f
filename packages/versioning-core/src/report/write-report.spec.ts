import * as fs from 'node:fs';
import * as path from 'node:path';
import { promote, traffic } from '../environments';
import { openRepository, parseRegistryReference } from '../oci';
import { releaseResource } from '../release/release';
import { storeResource } from '../store';
import { GitWorkspace } from '../test-support/git-workspace';
import { writeResourceReport } from './write-report';

jest.setTimeout(120_000);
const host = process.env.MODELOS_TEST_REGISTRY!;
const closure = [{ name: 'ham', root: 'ham' }];

let ws: GitWorkspace;
/** The resource with a metricsFile (addResource writes a resource.json without one). */
const addHam = (members = '') =>
  ws.addResource('ham', 'Ham', members).write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {}, metricsFile: 'metrics.json' }));
beforeEach(() => {
  ws = new GitWorkspace();
  addHam();
  ws.git('config', 'user.name', 'Ada Lovelace');
  ws.git('config', 'user.email', 'ada@example.com');
  ws.write('ham/metrics.json', JSON.stringify({ accuracy: 0.5 }));
});
afterEach(() => ws.remove());

/** Three releases with rising accuracy and falling latency; the third adds a method (minor, interface grew). */
async function threeReleases(registry: ReturnType<typeof parseRegistryReference>): Promise<void> {
  const metrics = [
    { accuracy: 0.89, latency_ms: 40, experiment: 'baseline' },
    { accuracy: 0.92, latency_ms: 35, experiment: 'more-data' },
    { accuracy: 0.95, latency_ms: 31, experiment: 'distilled' },
  ];
  for (const [i, m] of metrics.entries()) {
    if (i === 2) addHam('  slice(n: number): number {\n    return n;\n  }\n');
    ws.write('ham/metrics.json', JSON.stringify(m));
    ws.commit(`ham ${i}`);
    await releaseResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry, mainBranch: 'main' });
  }
  ws.write('ham/notes.txt', 'dirty');
  await storeResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry });
}

describe('writeResourceReport', () => {
  it('reads releases, metrics, environments and interface changes from the real registry into the page, the same bytes twice', async () => {
    const registry = parseRegistryReference(`oci://${host}/report-${path.basename(ws.root).toLowerCase().replace(/[^a-z0-9]/g, '')}`, ws.root);
    await threeReleases(registry);
    const repo = openRepository(registry, 'ham');
    const env = { repo, resource: 'ham', environment: 'production', settleMs: 50, env: { USER: 'tester' } };
    await promote({ ...env, version: '1.0.0' });
    await traffic({ ...env, weights: 'v1.0.0=90,v1.2.0=10', reason: 'canary' });

    const out = path.join(ws.root, 'dist/modelos');
    const result = await writeResourceReport(repo, 'ham', out);
    expect(result).toMatchObject({ resource: 'ham', file: path.join(out, 'ham/report.html'), versions: 7, environments: 1 });
    const html = fs.readFileSync(result.file, 'utf8');
    const model = JSON.parse(html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]);
    expect(model.versions.map((v: { tag: string }) => v.tag).slice(0, 3)).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0']);
    // Each release's adhoc tag, and the dirty store after them.
    expect(model.versions.slice(3).map((v: { kind: string }) => v.kind)).toEqual(['adhoc', 'adhoc', 'adhoc', 'adhoc']);
    expect(model.versions.map((v: { metrics: Record<string, number> }) => v.metrics.accuracy).slice(0, 3)).toEqual([0.89, 0.92, 0.95]);
    expect(model.versions[1]).toMatchObject({ author: 'Ada Lovelace <ada@example.com>', labels: { experiment: 'more-data' }, environments: [] });
    // The canary's share shows on v1.2.0 although env-production stays on v1.0.0.
    expect(model.versions[0].environments).toEqual(['production 90%']);
    expect(model.versions[2].environments).toEqual(['production 10%']);
    expect(model.versions[0].files.ham.map((i: number) => model.fileTable[i][0])).toEqual(['ham/metrics.json', 'ham/resource.json', 'ham/src/ham.ts']);
    expect(model.environments).toEqual([
      expect.objectContaining({
        name: 'production',
        current: expect.objectContaining({ who: 'tester', reason: 'canary', weights: { 'v1.0.0': 90, 'v1.2.0': 10 } }),
        history: [expect.objectContaining({ weights: { 'v1.0.0': 100 } }), expect.objectContaining({ reason: 'canary' })],
      }),
    ]);
    expect(model.interfaceChanges).toEqual([{ from: 'v1.1.0', to: 'v1.2.0', bump: 'minor', reason: expect.stringMatching(/^interface grew since v1\.1\.0: added method slice/) }]);

    // Same registry state, same bytes: the page can be an Nx output.
    expect(fs.readFileSync((await writeResourceReport(repo, 'ham', out)).file, 'utf8')).toBe(html);
  });

  it('writes one index linking every report of the directory', async () => {
    const out = path.join(ws.root, 'dist/modelos');
    ws.commit('ham');
    for (const name of ['ham', 'bacon']) {
      const registry = parseRegistryReference(path.join(ws.root, `.modelos/${name}`), ws.root);
      if (name === 'ham') await releaseResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry, mainBranch: 'main' });
      await writeResourceReport(openRepository(registry, 'ham'), name, out);
    }
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect([...index.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1])).toEqual(['bacon/report.html', 'ham/report.html']);
    expect(index).toContain('<td class="num">1</td><td><code>v1.0.0</code></td>');
  });

  it('refuses an output directory under a regular file with one line naming it', async () => {
    ws.write('dist', 'a file');
    ws.commit('ham');
    const registry = parseRegistryReference('.modelos/registry', ws.root);
    await storeResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry });
    await expect(writeResourceReport(openRepository(registry, 'ham'), 'ham', path.join(ws.root, 'dist/modelos'))).rejects.toThrow(
      new RegExp(`^cannot write report directory ${path.join(ws.root, 'dist/modelos/ham')}: ENOTDIR`),
    );
  });
});
