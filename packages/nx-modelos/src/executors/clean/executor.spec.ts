import { runJson, useExecutorWorkspace } from '../../test-support/executor-workspace';
import releaseExecutor from '../release/executor';
import storeExecutor from '../store/executor';
import versionsExecutor from '../versions/executor';
import cleanExecutor from './executor';

// A release builds its packages with ts-morph, loaded on first use: seconds on a busy machine.
jest.setTimeout(60_000);

const workspace = useExecutorWorkspace();
const registry = '.modelos/registry';
const tagsOf = async () =>
  (await runJson(versionsExecutor, { registry }, workspace().context())).map((row: { tag: string }) => row.tag).sort();

describe('clean executor', () => {
  it('plans on a dry run, then removes adhoc and branch tags and keeps releases', async () => {
    const ws = workspace();
    await releaseExecutor({ registry }, ws.context());
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    await storeExecutor({ registry, branch: true }, ws.context());
    const before = await tagsOf();
    expect(before).toHaveLength(8);

    const plan = await runJson(cleanExecutor, { registry, dryRun: true }, ws.context());
    expect(plan.actions).toHaveLength(3);
    expect(await tagsOf()).toEqual(before);

    expect(await cleanExecutor({ registry }, ws.context())).toEqual({ success: true });
    expect(await tagsOf()).toEqual(['client-v1', 'client-v1.0.0', 'latest', 'pkg-v1.0.0', 'v1.0.0']);
  });
});
