import { logger } from '@nx/devkit';
import { captureStdout, ExecutorWorkspace, runJson } from '../../test-support/executor-workspace';
import storeExecutor from '../store/executor';
import versionsExecutor from './executor';

let ws: ExecutorWorkspace;
let tag: string;
beforeEach(async () => {
  ws = new ExecutorWorkspace();
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  const stdout = await captureStdout(() => storeExecutor({ registry: '.modelos/registry', json: true }, ws.context()));
  [tag] = JSON.parse(stdout).tags;
});
afterEach(() => {
  jest.restoreAllMocks();
  ws.remove();
});

const versionsJson = (options: Parameters<typeof versionsExecutor>[0]) =>
  runJson(versionsExecutor, { registry: '.modelos/registry', ...options }, ws.context());

describe('versions executor', () => {
  it('lists the stored versions as JSON', async () => {
    expect(await versionsJson({})).toEqual([expect.objectContaining({ tag, kind: 'adhoc', compatible: true })]);
  });

  it('prints the versions table', async () => {
    const info = jest.mocked(logger.info);
    info.mockClear();
    expect(await versionsExecutor({ registry: '.modelos/registry' }, ws.context())).toEqual({ success: true });
    expect(info).toHaveBeenCalledTimes(1);
    expect(String(info.mock.calls[0][0])).toMatch(new RegExp(`^TAG.*\\n${tag}\\s+adhoc`));
  });

  it('with --compatible, leaves out versions whose interface the workspace broke', async () => {
    ws.write('ham/src/ham.ts', 'export class Ham {\n  constructor(private readonly a: string) {}\n  bake(temp: string): string {\n    return this.a + temp;\n  }\n}\n');
    expect(await versionsJson({})).toEqual([expect.objectContaining({ tag, compatible: false })]);
    expect(await versionsJson({ compatible: true })).toEqual([]);
  });

  it('with --metrics, adds each version metrics to the rows and a column to the table', async () => {
    ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {}, metricsFile: 'metrics.json' }));
    ws.write('ham/metrics.json', JSON.stringify({ accuracy: 0.92 }));
    ws.commit('metrics');
    const [withMetrics] = JSON.parse(await captureStdout(() => storeExecutor({ registry: '.modelos/registry', json: true }, ws.context()))).tags;
    const rows = await versionsJson({ metrics: true });
    expect(Object.fromEntries(rows.map((row: { tag: string; metrics: unknown }) => [row.tag, row.metrics]))).toEqual({ [tag]: {}, [withMetrics]: { accuracy: 0.92 } });
    const info = jest.mocked(logger.info);
    info.mockClear();
    await versionsExecutor({ registry: '.modelos/registry', metrics: true }, ws.context());
    expect(String(info.mock.calls[0][0])).toMatch(/^TAG.*COMPATIBLE\s+ACCURACY\n/);
  });
});
