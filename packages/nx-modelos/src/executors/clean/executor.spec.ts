import { logger } from '@nx/devkit';
import { captureStdout, ExecutorWorkspace } from '../../test-support/executor-workspace';
import releaseExecutor from '../release/executor';
import storeExecutor from '../store/executor';
import versionsExecutor from '../versions/executor';
import cleanExecutor from './executor';

let ws: ExecutorWorkspace;
beforeEach(() => {
  ws = new ExecutorWorkspace();
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  ws.remove();
});

const registry = '.modelos/registry';
const tagsOf = async () =>
  JSON.parse(await captureStdout(() => versionsExecutor({ registry, json: true }, ws.context())))
    .map((row: { tag: string }) => row.tag)
    .sort();

describe('clean executor', () => {
  it('plans on a dry run, then removes adhoc and branch tags and keeps releases', async () => {
    await releaseExecutor({ registry }, ws.context());
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    await storeExecutor({ registry, branch: true }, ws.context());
    const before = await tagsOf();
    expect(before).toHaveLength(5);

    const plan = JSON.parse(await captureStdout(() => cleanExecutor({ registry, dryRun: true, json: true }, ws.context())));
    expect(plan.actions).toHaveLength(3);
    expect(await tagsOf()).toEqual(before);

    expect(await cleanExecutor({ registry }, ws.context())).toEqual({ success: true });
    expect(await tagsOf()).toEqual(['latest', 'v1.0.0']);
  });
});
