import { logger } from '@nx/devkit';
import { runBatch, taskGraphOf } from '../../test-support/batch';
import { captureStdout, runJson, useExecutorWorkspace } from '../../test-support/executor-workspace';
import storeExecutor from '../store/executor';
import describeExecutor, { batch } from './executor';

const workspace = useExecutorWorkspace();
const registry = '.modelos/registry';

async function storeWithMetrics(metrics: Record<string, unknown>): Promise<string> {
  const ws = workspace();
  ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {}, metricsFile: 'metrics.json' }));
  ws.write('ham/metrics.json', JSON.stringify(metrics));
  ws.commit('metrics');
  return JSON.parse(await captureStdout(() => storeExecutor({ registry, json: true }, ws.context()))).tags[0];
}

describe('describe executor', () => {
  it('describes the version given by --version as one JSON document', async () => {
    const tag = await storeWithMetrics({ accuracy: 0.92, experiment: 'more-data' });
    const d = await runJson(describeExecutor, { registry, version: tag }, workspace().context());
    expect(d).toMatchObject({
      tag,
      author: { name: 'Test', email: 'test@example.com' },
      metrics: { accuracy: 0.92 },
      labels: { experiment: 'more-data' },
      status: { kind: 'adhoc', tags: [tag], environments: [] },
    });
    expect(d.projects.map((p: { name: string }) => p.name)).toEqual(['ham', 'eggs']);
  });

  it('prints a table for people', async () => {
    const tag = await storeWithMetrics({ accuracy: 0.92 });
    expect(await describeExecutor({ registry, version: tag }, workspace().context())).toEqual({ success: true });
    expect(String(jest.mocked(logger.info).mock.calls.at(-1)![0])).toMatch(/\naccuracy\s+0\.92\n/);
  });

  it('fails with one line when the version does not exist (default latest)', async () => {
    await storeWithMetrics({ accuracy: 0.92 });
    expect(await describeExecutor({ registry }, workspace().context())).toEqual({ success: false });
    expect(jest.mocked(logger.error)).toHaveBeenCalledWith(expect.stringMatching(/\/ham has no tag "latest" \(no releases yet; `versions` lists every tag\)$/));
  });

  it('refuses a metricsFile value that is neither a number nor a string at store time, naming file and key', async () => {
    const ws = workspace();
    ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {}, metricsFile: 'metrics.json' }));
    ws.write('ham/metrics.json', JSON.stringify({ accuracy: 0.9, tuned: true }));
    expect(await storeExecutor({ registry }, ws.context())).toEqual({ success: false });
    expect(jest.mocked(logger.error)).toHaveBeenCalledWith('ham/metrics.json (metricsFile): "tuned" is a boolean; values must be numbers (metrics) or strings (labels)');
  });

  it('has a batch twin: one document per task', async () => {
    const tag = await storeWithMetrics({ accuracy: 0.92 });
    const results = await runBatch(batch, taskGraphOf('describe', ['ham']), { 'ham:describe': { registry, version: tag, json: true } }, workspace().context());
    expect(results).toEqual([{ task: 'ham:describe', result: { success: true, terminalOutput: expect.any(String) } }]);
    expect(JSON.parse(results[0].result.terminalOutput)).toMatchObject({ tag, metrics: { accuracy: 0.92 } });
  });
});
