import { logger } from '@nx/devkit';
import { runJson, useExecutorWorkspace } from '../../test-support/executor-workspace';
import releaseExecutor from '../release/executor';
import releasesExecutor from './executor';

// A release builds its packages with ts-morph, loaded on first use: seconds on a busy machine.
jest.setTimeout(60_000);

const workspace = useExecutorWorkspace();
const registry = '.modelos/registry';

describe('releases executor', () => {
  it('lists releases newest first with latest on top, as a table and as JSON', async () => {
    const ws = workspace();
    await releaseExecutor({ registry }, ws.context());
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    ws.commit('eggs');
    await releaseExecutor({ registry }, ws.context());

    const rows = await runJson(releasesExecutor, { registry }, ws.context());
    expect(rows.map((row: { tag: string; version: string }) => [row.tag, row.version])).toEqual([
      ['latest', '1.1.0'],
      ['v1.1.0', '1.1.0'],
      ['v1.0.0', '1.0.0'],
    ]);
    await releasesExecutor({ registry }, ws.context());
    expect(String(jest.mocked(logger.info).mock.lastCall![0])).toMatch(
      /^TAG\s+VERSION\s+KIND\s+DIGEST\s+CREATED\nlatest\s+1\.1\.0\s+latest\s+[0-9a-f]{12}\s+\S+\nv1\.1\.0/,
    );
  });
});
