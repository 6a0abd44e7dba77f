import { logger } from '@nx/devkit';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runBatch, taskGraphOf } from '../../test-support/batch';
import { captureStdout, runJson, useExecutorWorkspace } from '../../test-support/executor-workspace';
import storeExecutor from '../store/executor';
import compareExecutor, { batch } from './executor';

const workspace = useExecutorWorkspace();
const registry = '.modelos/registry';

async function store(metrics: Record<string, number>): Promise<string> {
  const ws = workspace();
  ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {}, metricsFile: 'metrics.json' }));
  ws.write('ham/metrics.json', JSON.stringify(metrics));
  ws.commit(`metrics ${JSON.stringify(metrics)}`);
  return JSON.parse(await captureStdout(() => storeExecutor({ registry, json: true }, ws.context()))).tags[0];
}

const blobCount = () => readdirSync(join(workspace().root, registry, 'ham', 'blobs', 'sha256')).length;

describe('compare executor', () => {
  it('compares two tags: metrics, files, interface and authors as one JSON document', async () => {
    const from = await store({ accuracy: 0.89 });
    const to = await store({ accuracy: 0.92 });
    const c = await runJson(compareExecutor, { registry, from, to }, workspace().context());
    expect(c.metrics).toEqual([{ name: 'accuracy', from: 0.89, to: 0.92, difference: 0.03, relative: expect.closeTo(0.0337, 4) }]);
    expect(c.files[0]).toMatchObject({ project: 'ham', changed: [expect.objectContaining({ path: 'ham/metrics.json' })] });
    expect(c.interface).toEqual({ bump: 'minor', reason: `closure changed since ${from} (server logic or model files)`, changes: [] });
    expect(c.from.author).toEqual({ name: 'Test', email: 'test@example.com' });
  });

  it('compares with the working tree by default, pushing nothing, and prints a table', async () => {
    const from = await store({ accuracy: 0.89 });
    const ws = workspace();
    ws.write('ham/metrics.json', JSON.stringify({ accuracy: 0.95 }));
    ws.write('ham/src/ham.ts', 'export class Ham {\n  constructor(private readonly a: string) {}\n}\n');
    const blobs = blobCount();
    expect(await compareExecutor({ registry, from }, ws.context())).toEqual({ success: true });
    expect(blobCount()).toBe(blobs);
    const table = String(jest.mocked(logger.info).mock.calls.at(-1)![0]);
    expect(table).toMatch(/\naccuracy\s+0\.89 → 0\.95, \+0\.06 \(\+6\.7%\)\n/);
    expect(table).toContain(`\nbump: major — interface changed incompatibly since ${from}: removed method bake\n`);
  });

  it('fails with one line for an unknown version', async () => {
    const from = await store({ accuracy: 0.89 });
    expect(await compareExecutor({ registry, from, to: 'v3.0.0' }, workspace().context())).toEqual({ success: false });
    expect(jest.mocked(logger.error)).toHaveBeenCalledWith(expect.stringMatching(/\/ham has no tag "v3\.0\.0" \(no releases yet;/));
  });

  it('has a batch twin comparing each resource with its working tree', async () => {
    const from = await store({ accuracy: 0.89 });
    const results = await runBatch(batch, taskGraphOf('compare', ['ham']), { 'ham:compare': { registry, from, json: true } }, workspace().context());
    expect(results[0].result.success).toBe(true);
    expect(JSON.parse(results[0].result.terminalOutput)).toMatchObject({ to: { tag: null }, interface: { bump: 'none' } });
  });
});
