import { logger } from '@nx/devkit';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runJson, useExecutorWorkspace } from '../../test-support/executor-workspace';
import promoteExecutor from '../promote/executor';
import releaseExecutor from '../release/executor';
import rollbackExecutor from '../rollback/executor';
import trafficExecutor from '../traffic/executor';
import environmentsExecutor from './executor';

const workspace = useExecutorWorkspace();
const registry = '.modelos/registry';

jest.setTimeout(60_000);

describe('promote, traffic, rollback and environments executors', () => {
  it('change an environment in the embedded registry, write git tags, and list the split and history', async () => {
    const ws = workspace();
    await releaseExecutor({ registry }, ws.context());
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    ws.commit('eggs');
    await releaseExecutor({ registry }, ws.context());

    const promoted = await runJson(promoteExecutor, { registry, env: 'production', version: 'v1.0.0', replicas: 2, gitTag: true }, ws.context());
    expect(promoted).toMatchObject({ entry: { n: 1, action: 'promote', who: 'Test <test@example.com>' }, envTag: { tag: 'env-production', version: 'v1.0.0' }, gitTag: 'mdl-ham-env-production-1' });
    await trafficExecutor({ registry, env: 'production', weights: 'v1.0.0=90,v1.1.0=10', gitTag: true }, ws.context());
    expect(String(jest.mocked(logger.info).mock.lastCall![0])).toBe(
      'ham production #2: traffic → v1.1.0 10%, v1.0.0 90%, 2 replica(s) per version; env-production → v1.0.0; git tag mdl-ham-env-production-2',
    );
    expect(ws.git('tag', '--list', 'mdl-ham-env-*').split('\n')).toEqual(['mdl-ham-env-production-1', 'mdl-ham-env-production-2']);

    const rows = await runJson(environmentsExecutor, { registry }, ws.context());
    expect(rows).toEqual([expect.objectContaining({ environment: 'production', entries: 2 })]);
    const rolledBack = await runJson(rollbackExecutor, { registry, env: 'production' }, ws.context());
    expect(rolledBack.entry.targets.map((t: { version: string }) => t.version)).toEqual(['v1.0.0']);
    const history = await runJson(environmentsExecutor, { registry, env: 'production' }, ws.context());
    expect(history.map((e: { action: string }) => e.action)).toEqual(['promote', 'traffic', 'rollback']);
  });

  it('fail with one line on bad input: a missing option, an adhoc version, an unreachable endpoint', async () => {
    const ws = workspace();
    await releaseExecutor({ registry }, ws.context());
    const cases: Array<[() => Promise<{ success: boolean }>, RegExp]> = [
      [() => promoteExecutor({ registry, env: 'production' }, ws.context()), /--version is required/],
      [() => promoteExecutor({ registry, env: 'production', version: '1234567-0000000-abcdef0' }, ws.context()), /adhoc version/],
      [() => trafficExecutor({ registry, env: 'production' }, ws.context()), /--weights is required/],
      [() => trafficExecutor({ registry, status: true, endpoint: 'http://127.0.0.1:1' }, ws.context()), /no endpoint answers at http:\/\/127\.0\.0\.1:1/],
      [() => rollbackExecutor({ registry }, ws.context()), /--env is required/],
    ];
    for (const [run, message] of cases) {
      await expect(run()).resolves.toEqual({ success: false });
      expect(String(jest.mocked(logger.error).mock.lastCall![0])).toMatch(message);
    }
  });

  it("traffic --status refuses another resource's endpoint on the port it asks", async () => {
    const ws = workspace();
    const other = http.createServer((_req, res) => res.end(JSON.stringify({ resource: 'bacon', environment: 'production', versions: [] })));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      await expect(trafficExecutor({ registry, env: 'production', status: true, endpoint }, ws.context())).resolves.toEqual({ success: false });
      expect(String(jest.mocked(logger.error).mock.lastCall![0])).toBe(
        `the endpoint at ${endpoint} serves bacon@production, not ham@production: point --endpoint at the ham@production endpoint (mdl endpoint … --port P)`,
      );
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
