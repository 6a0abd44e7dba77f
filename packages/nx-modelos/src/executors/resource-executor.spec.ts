import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { runBatch, taskGraphOf } from '../test-support/batch';
import { captureStdout, useExecutorWorkspace } from '../test-support/executor-workspace';
import { batchOf, type ResourceTargetOptions } from './resource-executor';
import { batch as storeBatch } from './store/executor';

const workspace = useExecutorWorkspace();
const ADHOC = /^([0-9a-f]{7})-([0-9a-f]{7})-([0-9a-f]{7})$/;

describe('batch twin of a resource executor', () => {
  it('stores every resource of the batch, each task with its own JSON document as terminal output', async () => {
    const ws = workspace();
    const graph = taskGraphOf('store', ['ham', 'bacon']);
    const inputs = { 'ham:store': { registry: '.modelos/registry', json: true }, 'bacon:store': { registry: '.modelos/registry', json: true } };
    const stdout = await captureStdout(async () => {
      const results = await runBatch(storeBatch, graph, inputs, ws.context());
      expect(results.map((r) => r.task).sort()).toEqual(['bacon:store', 'ham:store']);
      for (const { task, result } of results) {
        expect(result.success).toBe(true);
        const document = JSON.parse(result.terminalOutput);
        expect(document.repository).toContain(`/${task.split(':')[0]}`);
        expect(document.tags[0]).toMatch(ADHOC);
      }
    });
    // Batch output goes to Nx as terminal output, never straight to stdout.
    expect(stdout).toBe('');
    for (const name of ['ham', 'bacon']) {
      const index = JSON.parse(readFileSync(join(ws.root, '.modelos/registry', name, 'index.json'), 'utf8'));
      expect(index.manifests).toHaveLength(1);
    }
  });

  it('gives each task the git facts of its own closure, read once for the whole batch', async () => {
    const ws = workspace();
    ws.write('libs/eggs/src/index.ts', 'export const eggs = 3;\n');
    const graph = taskGraphOf('store', ['ham', 'bacon']);
    const inputs = { 'ham:store': { dryRun: true, json: true }, 'bacon:store': { dryRun: true, json: true } };
    const results = Object.fromEntries(
      (await runBatch(storeBatch, graph, inputs, ws.context())).map(({ task, result }) => [task, JSON.parse(result.terminalOutput)]),
    );
    // ham's closure holds eggs, which is dirty; bacon's does not.
    expect(ADHOC.exec(results['ham:store'].tags[0])![2]).not.toBe('0000000');
    expect(ADHOC.exec(results['bacon:store'].tags[0])![2]).toBe('0000000');
  });

  it('fails only the task whose input is bad, with its one-line error as its output', async () => {
    const ws = workspace();
    const graph = taskGraphOf('store', ['ham', 'bacon']);
    const inputs = { 'ham:store': { registry: 'ftp://registry.example.com/ml' }, 'bacon:store': { registry: '.modelos/registry' } };
    const results = Object.fromEntries((await runBatch(storeBatch, graph, inputs, ws.context())).map(({ task, result }) => [task, result]));
    expect(results['ham:store'].success).toBe(false);
    expect(results['ham:store'].terminalOutput).toMatch(/^unsupported registry reference "ftp:\/\/registry.example.com\/ml": use oci:\/\/.*\n$/);
    expect(results['bacon:store'].success).toBe(true);
    expect(results['bacon:store'].terminalOutput).toMatch(/^digest sha256:[0-9a-f]{64}$/m);
  });

  it('runs a task after the tasks it depends on in the batch, and keeps a bug to its own task', async () => {
    const ws = workspace();
    const order: string[] = [];
    const batch = batchOf<ResourceTargetOptions & { fail?: boolean }>(async ({ options, target, out }) => {
      await new Promise((resolve) => setTimeout(resolve, target.resource.name === 'eggs' ? 50 : 0));
      order.push(target.resource.name);
      if (options.fail) throw new TypeError('a bug');
      out.info(`ran ${target.resource.name}`);
    });
    const graph = taskGraphOf('x', ['ham', 'eggs', 'bacon'], { ham: ['eggs'] });
    const results = await runBatch(batch, graph, { 'ham:x': {}, 'eggs:x': {}, 'bacon:x': { fail: true } }, ws.context());
    expect(order.indexOf('eggs')).toBeLessThan(order.indexOf('ham'));
    const byTask = Object.fromEntries(results.map(({ task, result }) => [task, result]));
    expect(byTask['ham:x']).toEqual({ success: true, terminalOutput: 'ran ham\n' });
    expect(byTask['bacon:x'].success).toBe(false);
    expect(byTask['bacon:x'].terminalOutput).toMatch(/^TypeError: a bug\n\s+at /);
  });
});
