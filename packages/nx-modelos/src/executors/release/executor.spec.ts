import { logger } from '@nx/devkit';
import { captureStdout, ExecutorWorkspace } from '../../test-support/executor-workspace';
import releaseExecutor from './executor';

let ws: ExecutorWorkspace;
beforeEach(() => {
  ws = new ExecutorWorkspace();
  jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  jest.spyOn(logger, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
  ws.remove();
});

async function releaseJson(options: Parameters<typeof releaseExecutor>[0], nxJson = {}) {
  let outcome: { success: boolean } | undefined;
  const stdout = await captureStdout(async () => {
    outcome = await releaseExecutor({ registry: '.modelos/registry', json: true, ...options }, ws.context(nxJson));
  });
  expect(outcome).toEqual({ success: true });
  return JSON.parse(stdout);
}

describe('release executor', () => {
  it('releases v1.0.0 with latest, then says the resource is unchanged', async () => {
    expect(await releaseJson({})).toMatchObject({ released: true, version: 'v1.0.0', tags: [expect.any(String), 'v1.0.0', 'latest'] });
    const info = jest.mocked(logger.info);
    info.mockClear();
    expect(await releaseExecutor({ registry: '.modelos/registry' }, ws.context())).toEqual({ success: true });
    expect(info).toHaveBeenCalledWith('ham is unchanged since v1.0.0');
  });

  it('bumps minor when a dependency of the closure changed, and releases bacon independently', async () => {
    await releaseJson({});
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    ws.commit('eggs');
    expect(await releaseJson({})).toMatchObject({ version: 'v1.1.0', bump: 'minor' });
    let outcome: { success: boolean } | undefined;
    const stdout = await captureStdout(async () => {
      outcome = await releaseExecutor({ registry: '.modelos/registry', json: true }, ws.context({}, 'bacon'));
    });
    expect(outcome).toEqual({ success: true });
    expect(JSON.parse(stdout)).toMatchObject({ resource: 'bacon', version: 'v1.0.0' });
  });

  it('releases a branch version off the main branch named by the plugin option or defaultBase', async () => {
    ws.git('checkout', '-q', '-b', 'trunk');
    expect(await releaseJson({}, { defaultBase: 'trunk' })).toMatchObject({ version: 'v1.0.0' });
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 4;\n');
    ws.commit('eggs');
    const nxJson = { defaultBase: 'trunk', plugins: [{ plugin: '@modelos/nx', options: { mainBranch: 'main' } }] };
    expect(await releaseJson({}, nxJson)).toMatchObject({ version: 'v1.1.0-trunk' });
  });

  it('fails with one line on a dirty closure', async () => {
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 5;\n');
    expect(await releaseExecutor({ registry: '.modelos/registry' }, ws.context())).toEqual({ success: false });
    expect(logger.error).toHaveBeenCalledWith(expect.stringMatching(/^ham has uncommitted changes in its closure \(eggs, ham\)/));
  });
});
