import * as path from 'node:path';
import { openRepository, parseRegistryReference } from './oci';
import { storeResource } from './store';
import { GitWorkspace } from './test-support/git-workspace';
import { pushTinyArtifact } from './test-support/tiny-artifact';
import { formatVersionsTable, listRepositoryVersions } from './versions';

const host = process.env.MODELOS_TEST_REGISTRY!;
const closure = [{ name: 'ham', root: 'ham' }];

let ws: GitWorkspace;
beforeEach(() => {
  ws = new GitWorkspace();
  ws.addResource('ham', 'Ham');
  ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {}, metricsFile: 'metrics.json' }));
});
afterEach(() => ws.remove());

describe('versions --metrics against the real registry', () => {
  it('adds each version metrics from its config, read once per config', async () => {
    const registry = parseRegistryReference(`oci://${host}/versions-${path.basename(ws.root).toLowerCase().replace(/[^a-z0-9]/g, '')}`, ws.root);
    ws.write('ham/metrics.json', JSON.stringify({ accuracy: 0.89, experiment: 'baseline' }));
    ws.commit('baseline');
    const first = await storeResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry });
    ws.write('ham/metrics.json', JSON.stringify({ accuracy: 0.92, f1: 0.9 }));
    ws.commit('more data');
    const second = await storeResource({ workspaceRoot: ws.root, resource: closure[0], closure, registry });
    const repo = openRepository(registry, 'ham');
    await pushTinyArtifact(repo, 'not-ours');

    const rows = await listRepositoryVersions(repo, { metrics: true });
    const byTag = Object.fromEntries(rows.map((row) => [row.tag, row.metrics]));
    expect(byTag).toEqual({ [first.tags[0]]: { accuracy: 0.89 }, [second.tags[0]]: { accuracy: 0.92, f1: 0.9 }, 'not-ours': {} });
    const table = formatVersionsTable(rows).split('\n');
    expect(table[0]).toMatch(/COMPATIBLE\s+ACCURACY\s+F1$/);
    expect(table.find((line) => line.startsWith(first.tags[0]))).toMatch(/\s0\.89\s+-$/);

    // Configs are immutable by digest: a second listing reads none of them again.
    const again = openRepository(registry, 'ham');
    await listRepositoryVersions(again, { metrics: true });
    const listingOnly = openRepository(registry, 'ham');
    await listRepositoryVersions(listingOnly);
    expect(again.counters.requests).toBe(listingOnly.counters.requests);
    expect((await listRepositoryVersions(repo))[0].metrics).toBeUndefined();
  });
});
