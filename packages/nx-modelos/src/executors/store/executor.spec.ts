import { logger } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureStdout, ExecutorWorkspace, runJson } from '../../test-support/executor-workspace';
import storeExecutor from './executor';

const ADHOC = /^([0-9a-f]{7})-([0-9a-f]{7})-([0-9a-f]{7})$/;
const REF_NAME = 'org.opencontainers.image.ref.name';

let ws: ExecutorWorkspace;
beforeEach(() => {
  ws = new ExecutorWorkspace();
  delete process.env.MODELOS_REGISTRY;
});
afterEach(() => {
  delete process.env.MODELOS_REGISTRY;
  jest.restoreAllMocks();
  ws.remove();
});

function layoutTags(dir: string, resource = 'ham'): string[] {
  const index = JSON.parse(readFileSync(join(ws.root, dir, resource, 'index.json'), 'utf8'));
  return index.manifests.map((m: { annotations: Record<string, string> }) => m.annotations[REF_NAME]);
}

const storeJson = (options: Parameters<typeof storeExecutor>[0], context = ws.context()) => runJson(storeExecutor, options, context);

describe('store executor', () => {
  it('stores to the plugin option registry and prints only one JSON document on stdout', async () => {
    const head = ws.git('rev-parse', 'HEAD');
    const context = ws.context({ plugins: ['@nx/js/typescript', { plugin: '@modelos/nx', options: { registry: '.modelos/plugin' } }] });
    const result = await storeJson({}, context);
    const [, git7, dirty7] = ADHOC.exec(result.tags[0])!;
    expect(git7).toBe(head.slice(0, 7));
    expect(dirty7).toBe('0000000');
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(layoutTags('.modelos/plugin')).toEqual(result.tags);
  });

  it('takes --registry over MODELOS_REGISTRY over the plugin option', async () => {
    const context = ws.context({ plugins: [{ plugin: '@modelos/nx', options: { registry: '.modelos/plugin' } }] });
    process.env.MODELOS_REGISTRY = join(ws.root, '.modelos/env');
    await storeJson({}, context);
    expect(existsSync(join(ws.root, '.modelos/env/ham/index.json'))).toBe(true);
    expect(existsSync(join(ws.root, '.modelos/plugin'))).toBe(false);

    const result = await storeJson({ registry: `oci://${process.env.MODELOS_TEST_REGISTRY}/nx-store-executor` }, context);
    expect(result.repository).toContain('nx-store-executor/ham');
  });

  it('hands the closure from the project graph: a change in a dependency dirties only its dependents', async () => {
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    const ham = await storeJson({ registry: '.modelos/registry', dryRun: true });
    const bacon = await storeJson({ registry: '.modelos/registry', dryRun: true }, ws.context({}, 'bacon'));
    expect(ADHOC.exec(ham.tags[0])![2]).not.toBe('0000000');
    expect(ADHOC.exec(bacon.tags[0])![2]).toBe('0000000');
    expect(ham.dryRun).toBe(true);
    expect(existsSync(join(ws.root, '.modelos/registry'))).toBe(false);
  });

  it('pushes adhoc and branch tags with --branch, only the branch tag with --branchOnly', async () => {
    ws.git('checkout', '-q', '-b', 'feat/Sauce_X');
    const both = await storeJson({ registry: '.modelos/registry', branch: true });
    expect(both.tags).toHaveLength(2);
    expect(both.tags[0]).toMatch(ADHOC);
    expect(both.tags[1]).toMatch(/^feat-sauce-x-0000000-[0-9a-f]{7}$/);
    const only = await storeJson({ registry: '.modelos/other', branchOnly: true });
    expect(only.tags).toEqual([both.tags[1]]);
    expect(layoutTags('.modelos/other')).toEqual([both.tags[1]]);
  });

  it('prints a line per pushed tag and the digest, then reports an unchanged re-store', async () => {
    const info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    expect(await storeExecutor({ registry: '.modelos/registry' }, ws.context())).toEqual({ success: true });
    const [tag] = layoutTags('.modelos/registry');
    const first = info.mock.calls.map(([line]) => String(line)).join('\n');
    expect(first).toContain(`pushed oci:${join(ws.root, '.modelos/registry/ham')}:${tag}`);
    expect(first).toMatch(/^digest sha256:[0-9a-f]{64}$/m);

    info.mockClear();
    expect(await storeExecutor({ registry: '.modelos/registry' }, ws.context())).toEqual({ success: true });
    expect(info.mock.calls.map(([line]) => String(line)).join('\n')).toMatch(/^unchanged: .*nothing uploaded$/m);
  });

  it('fails the task with one line for a user error, without a stack trace', async () => {
    const error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const stdout = await captureStdout(async () => {
      expect(await storeExecutor({ registry: 'ftp://registry.example.com/ml', json: true }, ws.context())).toEqual({ success: false });
    });
    expect(stdout).toBe('');
    expect(error).toHaveBeenCalledTimes(1);
    const [message] = error.mock.calls[0];
    expect(message).toMatch(/^unsupported registry reference "ftp:\/\/registry.example.com\/ml": use oci:\/\//);
    expect(String(message)).not.toContain('\n');
  });

  it('fails with one line when --registry lies under a regular file', async () => {
    ws.write('package.txt', 'a file, not a directory');
    const error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    expect(await storeExecutor({ registry: 'package.txt/registry' }, ws.context())).toEqual({ success: false });
    expect(error).toHaveBeenCalledTimes(1);
    const message = String(error.mock.calls[0][0]);
    expect(message).toMatch(new RegExp(`^cannot write registry directory ${join(ws.root, 'package.txt/registry/ham')}: ENOTDIR: not a directory`));
    expect(message).not.toContain('\n');
  });
});
