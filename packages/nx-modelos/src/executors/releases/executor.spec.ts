import { logger } from '@nx/devkit';
import { captureStdout, ExecutorWorkspace } from '../../test-support/executor-workspace';
import releaseExecutor from '../release/executor';
import releasesExecutor from './executor';

let ws: ExecutorWorkspace;
beforeEach(() => {
  ws = new ExecutorWorkspace();
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  ws.remove();
});

describe('releases executor', () => {
  it('lists releases newest first with latest on top, as a table and as JSON', async () => {
    await releaseExecutor({ registry: '.modelos/registry' }, ws.context());
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    ws.commit('eggs');
    await releaseExecutor({ registry: '.modelos/registry' }, ws.context());

    const stdout = await captureStdout(() => releasesExecutor({ registry: '.modelos/registry', json: true }, ws.context()));
    expect(JSON.parse(stdout).map((row: { tag: string; version: string }) => [row.tag, row.version])).toEqual([
      ['latest', '1.1.0'],
      ['v1.1.0', '1.1.0'],
      ['v1.0.0', '1.0.0'],
    ]);
    const info = jest.mocked(logger.info);
    info.mockClear();
    await releasesExecutor({ registry: '.modelos/registry' }, ws.context());
    expect(String(info.mock.calls[0][0])).toMatch(/^TAG\s+VERSION\s+KIND\s+DIGEST\s+CREATED\nlatest\s+1\.1\.0\s+latest\s+[0-9a-f]{12}\s+\S+\nv1\.1\.0/);
  });
});
