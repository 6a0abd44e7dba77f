import { logger } from '@nx/devkit';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBatch, taskGraphOf } from '../../test-support/batch';
import { runJson, useExecutorWorkspace } from '../../test-support/executor-workspace';
import storeExecutor from '../store/executor';
import packExecutor, { batch } from './executor';

const workspace = useExecutorWorkspace();
const packJson = (resource: string) => JSON.parse(readFileSync(join(workspace().root, 'dist/modelos', resource, 'pack.json'), 'utf8'));

describe('pack executor', () => {
  it('packs the closure from the project graph into dist/modelos/<resource> and prints one JSON document', async () => {
    const result = await runJson(packExecutor, {}, workspace().context());
    expect(result).toMatchObject({ resource: 'ham', outDir: 'dist/modelos/ham' });
    expect(result.layers.map((layer: { project: string }) => layer.project)).toEqual(['ham', 'eggs']);
    expect(packJson('ham').layers[1].files).toEqual([expect.objectContaining({ path: 'libs/eggs/src/index.ts', size: 23 })]);
  });

  it('packs every resource of a batch in one process', async () => {
    const ws = workspace();
    const results = await runBatch(batch, taskGraphOf('pack', ['ham', 'bacon']), { 'ham:pack': {}, 'bacon:pack': {} }, ws.context());
    expect(results.map(({ task, result }) => [task, result.success])).toEqual(expect.arrayContaining([['ham:pack', true], ['bacon:pack', true]]));
    expect(results.find(({ task }) => task === 'ham:pack')!.result.terminalOutput).toMatch(/^packed ham into dist\/modelos\/ham: 2 layer\(s\) \(0 model\)/);
    expect(packJson('bacon').closure).toEqual([{ name: 'bacon', root: 'bacon' }]);
  });

  it('is checked by store: an output that does not match the checkout fails the store in one line', async () => {
    const ws = workspace();
    await runJson(packExecutor, {}, ws.context());
    const document = packJson('ham');
    document.layers[1].files[0].sha256 = '0'.repeat(64);
    writeFileSync(join(ws.root, 'dist/modelos/ham/pack.json'), JSON.stringify(document));
    const errors = jest.spyOn(logger, 'error');
    await expect(storeExecutor({ registry: '.modelos/registry' }, ws.context())).resolves.toEqual({ success: false });
    expect(errors).toHaveBeenCalledWith(expect.stringMatching(/^dist\/modelos\/ham does not match the checkout: libs\/eggs\/src\/index\.ts has sha256 0{64} there/));
  });
});
