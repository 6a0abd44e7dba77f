import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { logger, type ProjectGraph } from '@nx/devkit';
import { captureStdout, useExecutorWorkspace } from '../../test-support/executor-workspace';
import { connectToWorker, handOver } from './client';
import { serveTasks, type ServeOptions } from './worker';

const workspace = useExecutorWorkspace();
let dir: string;
let socketPath: string;
beforeEach(() => {
  // Socket paths are limited to ~104 bytes: a short directory.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdl-tw-'));
  socketPath = path.join(dir, 'w.sock');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A worker serving tasks of the test workspace, for the length of `run`. */
async function withWorker(run: () => Promise<void>, options: ServeOptions = {}): Promise<void> {
  const ws = workspace();
  const worker = await serveTasks(socketPath, { root: ws.root, cwd: ws.root }, { idleMs: 100, projectGraph: () => ws.context().projectGraph, ...options });
  await run();
  await worker.closed;
}

async function handOverTask(task: string, options: Record<string, unknown>) {
  const socket = await connectToWorker(socketPath);
  if (!socket) throw new Error('no worker listens');
  return handOver(socket, task, options, workspace().context());
}

describe('task worker', () => {
  it('runs a task handed over its socket, and the task prints its lines as it would have alone', async () => {
    await withWorker(async () => {
      expect(await handOverTask('store', { registry: '.modelos/registry' })).toEqual({ success: true });
      expect(await handOverTask('store', { registry: '.modelos/registry' })).toEqual({ success: true });
    });
    // Core's progress line, then the summary, as `nx run ham:store` prints them alone.
    const said = jest.mocked(logger.info).mock.calls.map(([text]) => String(text));
    expect(said[0]).toMatch(/^pushed oci:.*\/ham:[0-9a-f]{7}-0000000-[0-9a-f]{7}$/);
    expect(said[1]).toMatch(/^digest sha256:[0-9a-f]{64}$/m);
    expect(said[2]).toMatch(/unchanged: .*ham:[0-9a-f]{7}-[0-9a-f]{7}-[0-9a-f]{7} already at this digest/);
    const index = JSON.parse(fs.readFileSync(path.join(workspace().root, '.modelos/registry/ham/index.json'), 'utf8'));
    expect(index.manifests).toHaveLength(1);
  });

  it('prints a --json document on the task process stdout, alone', async () => {
    let stdout = '';
    await withWorker(async () => {
      stdout = await captureStdout(() => handOverTask('store', { registry: '.modelos/registry', json: true }));
    });
    expect(JSON.parse(stdout).repository).toMatch(/\/ham$/);
  });

  it('fails a task on bad input with its one-line error', async () => {
    await withWorker(async () => {
      expect(await handOverTask('store', { registry: 'ftp://registry.example.com/ml' })).toEqual({ success: false });
    });
    expect(logger.error).toHaveBeenCalledWith(expect.stringMatching(/^unsupported registry reference "ftp:\/\/registry.example.com\/ml": use oci:\/\//));
  });

  it('declines a task whose project graph is not the one it reads, and runs nothing', async () => {
    const graph = (): ProjectGraph => {
      const { projectGraph } = workspace().context();
      return { ...projectGraph, nodes: { ...projectGraph.nodes, toast: { name: 'toast', type: 'lib', data: { root: 'toast' } } } };
    };
    await withWorker(async () => {
      expect(await handOverTask('store', { registry: '.modelos/registry' })).toBeUndefined();
    }, { projectGraph: graph });
    expect(fs.existsSync(path.join(workspace().root, '.modelos/registry'))).toBe(false);
  });

  it('fails the task, saying so, when the worker ends before the task does', async () => {
    const dying = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dying.listen(socketPath, resolve));
    try {
      expect(await handOverTask('store', {})).toEqual({ success: false });
    } finally {
      dying.close();
    }
    expect(logger.error).toHaveBeenCalledWith(expect.stringMatching(/^the modelos task worker ended before the task finished/));
  });

  it("says when a task's process goes away before its task ends (worker-main then exits)", async () => {
    let abandoned!: () => void;
    const gone = new Promise<void>((resolve) => (abandoned = resolve));
    await withWorker(
      async () => {
        const socket = await connectToWorker(socketPath);
        // A dry-run store waits on git: the task is still running when its process goes away.
        const handedOver = handOver(socket!, 'store', { registry: '.modelos/registry', dryRun: true }, workspace().context());
        socket!.destroy();
        await gone;
        expect(await handedOver).toEqual({ success: false });
      },
      { onAbandoned: abandoned },
    );
  });

  it('stops when idle and removes its socket', async () => {
    const ws = workspace();
    const worker = await serveTasks(socketPath, { root: ws.root, cwd: ws.root }, { idleMs: 50 });
    expect(fs.existsSync(socketPath)).toBe(true);
    await worker.closed;
    expect(fs.existsSync(socketPath)).toBe(false);
    expect(await connectToWorker(socketPath)).toBeUndefined();
  });

  it("takes over a dead worker's socket file, and leaves a live worker's alone", async () => {
    const ws = workspace();
    fs.writeFileSync(socketPath, '');
    const first = await serveTasks(socketPath, { root: ws.root, cwd: ws.root }, { idleMs: 200 });
    await expect(serveTasks(socketPath, { root: ws.root, cwd: ws.root }, { idleMs: 200 })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.closed;
  });
});
