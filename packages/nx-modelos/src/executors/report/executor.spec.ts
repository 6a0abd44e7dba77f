import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBatch, taskGraphOf } from '../../test-support/batch';
import { runJson, useExecutorWorkspace } from '../../test-support/executor-workspace';
import { batch as storeBatch } from '../store/executor';
import reportExecutor, { batch } from './executor';

const workspace = useExecutorWorkspace();
const registry = '.modelos/registry';

describe('report executor', () => {
  it('writes the resource page under dist/modelos and says where, as one JSON document', async () => {
    const ws = workspace();
    await runBatch(storeBatch, taskGraphOf('store', ['ham']), { 'ham:store': { registry } }, ws.context());
    const result = await runJson(reportExecutor, { registry }, ws.context());
    expect(result).toMatchObject({ resource: 'ham', file: join(ws.root, 'dist/modelos/ham/report.html'), versions: 1, environments: 0 });
    expect(readFileSync(result.file, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('run over a workspace in one batch, leaves one index linking every resource page', async () => {
    const ws = workspace();
    const stores = { 'ham:store': { registry }, 'bacon:store': { registry } };
    await runBatch(storeBatch, taskGraphOf('store', ['ham', 'bacon']), stores, ws.context());
    const inputs = { 'ham:report': { registry, outputPath: 'out/reports' }, 'bacon:report': { registry, outputPath: 'out/reports' } };
    const results = await runBatch(batch, taskGraphOf('report', ['ham', 'bacon']), inputs, ws.context());
    expect(results.every(({ result }) => result.success)).toBe(true);
    expect(results.map(({ result }) => result.terminalOutput).join('')).toMatch(/^wrote out\/reports\/(ham|bacon)\/report.html \(1 version, 0 environments, \d+ bytes\)$/m);
    const index = readFileSync(join(ws.root, 'out/reports/index.html'), 'utf8');
    expect([...index.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1])).toEqual(['bacon/report.html', 'ham/report.html']);
    expect(existsSync(join(ws.root, 'dist/modelos'))).toBe(false);
  });
});
