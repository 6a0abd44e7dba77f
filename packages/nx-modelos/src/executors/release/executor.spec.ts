import { logger } from '@nx/devkit';
import { openRepository, parseRegistryReference } from '@modelos/versioning-core';
import { runJson, useExecutorWorkspace } from '../../test-support/executor-workspace';
import { validateOptsAgainstSchema, type Schema } from 'nx/src/utils/params';
import releaseExecutor from './executor';
import releaseSchema from './schema.json';

// A release builds its packages with ts-morph, loaded on first use: seconds on a busy machine.
jest.setTimeout(60_000);

const workspace = useExecutorWorkspace();
const registry = '.modelos/registry';

describe('release executor', () => {
  it('releases v1.0.0 with latest, then says the resource is unchanged', async () => {
    expect(await runJson(releaseExecutor, { registry }, workspace().context())).toMatchObject({
      released: true,
      version: 'v1.0.0',
      tags: expect.arrayContaining(['v1.0.0', 'latest']),
    });
    expect(await releaseExecutor({ registry }, workspace().context())).toEqual({ success: true });
    expect(logger.info).toHaveBeenLastCalledWith('ham is unchanged since v1.0.0');
  });

  it('bumps minor when a dependency of the closure changed, and releases bacon independently', async () => {
    const ws = workspace();
    await runJson(releaseExecutor, { registry }, ws.context());
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    ws.commit('eggs');
    expect(await runJson(releaseExecutor, { registry }, ws.context())).toMatchObject({ version: 'v1.1.0', bump: 'minor' });
    expect(await runJson(releaseExecutor, { registry }, ws.context({}, 'bacon'))).toMatchObject({ resource: 'bacon', version: 'v1.0.0' });
  });

  it('releases a branch version off the main branch named by the plugin option or defaultBase', async () => {
    const ws = workspace();
    ws.git('checkout', '-q', '-b', 'trunk');
    expect(await runJson(releaseExecutor, { registry }, ws.context({ defaultBase: 'trunk' }))).toMatchObject({ version: 'v1.0.0' });
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 4;\n');
    ws.commit('eggs');
    const nxJson = { defaultBase: 'trunk', plugins: [{ plugin: '@modelos/nx', options: { mainBranch: 'main' } }] };
    expect(await runJson(releaseExecutor, { registry }, ws.context(nxJson))).toMatchObject({ version: 'v1.1.0-trunk' });
  });

  it('names the packages with the npmScope plugin option', async () => {
    const ws = workspace();
    const nxJson = { plugins: [{ plugin: '@modelos/nx', options: { npmScope: 'acme' } }] };
    await runJson(releaseExecutor, { registry }, ws.context(nxJson));
    const repo = openRepository(parseRegistryReference(registry, ws.root), 'ham');
    const manifest = JSON.parse((await repo.fetchManifest('client-v1.0.0'))!.bytes.toString('utf8'));
    expect(JSON.parse((await repo.fetchBlob(manifest.config.digest)).toString('utf8')).name).toBe('@acme/ham-client');
  });

  it('says what a dry run would release, and that an unchanged resource has nothing to release', async () => {
    expect(await releaseExecutor({ registry, dryRun: true }, workspace().context())).toEqual({ success: true });
    expect(logger.info).toHaveBeenLastCalledWith(expect.stringMatching(/^would release ham v1\.0\.0 \(first release\)\n  .*:v1\.0\.0$/));
    await releaseExecutor({ registry }, workspace().context());
    await releaseExecutor({ registry, dryRun: true }, workspace().context());
    expect(logger.info).toHaveBeenLastCalledWith('ham is unchanged since v1.0.0');
  });

  it('fails with one line on a dirty closure', async () => {
    workspace().write('libs/eggs/src/index.ts', 'export const eggs = 5;\n');
    expect(await releaseExecutor({ registry }, workspace().context())).toEqual({ success: false });
    expect(logger.error).toHaveBeenCalledWith(expect.stringMatching(/^ham has uncommitted changes in its closure \(eggs, ham\)/));
  });
});

describe('release options as Nx checks them', () => {
  it('takes --push alone (origin) and --push <remote>, as the refusal of a missing origin advises', () => {
    for (const push of [true, false, 'upstream']) expect(() => validateOptsAgainstSchema({ gitTag: true, push }, releaseSchema as Schema)).not.toThrow();
    expect(() => validateOptsAgainstSchema({ push: 1 }, releaseSchema as Schema)).toThrow(/push/);
  });
});
