import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { taskWorkerSocket, workerEnvironment } from './worker-address';

// Any file stands in for the built worker script: its identity is what counts.
const BUILT = __filename;

describe('task worker address', () => {
  const env = { PATH: '/usr/bin', MODELOS_REGISTRY: 'oci://127.0.0.1:5000/ml' };
  const socket = (changes: Partial<{ root: string; cwd: string; env: NodeJS.ProcessEnv; built: string; tmpDir: string }> = {}) =>
    taskWorkerSocket(changes.root ?? '/ws', changes.cwd ?? '/ws', changes.env ?? env, { workerMain: changes.built ?? BUILT, tmpDir: changes.tmpDir ?? os.tmpdir() });

  it('is shared by tasks that differ only in what Nx sets per task', () => {
    const perTask = { NX_TASK_TARGET_PROJECT: 'ham', NX_TASK_HASH: '123', LERNA_PACKAGE_NAME: 'ham', NX_INVOCATION_ROOT_PID: '42', NX_TERMINAL_OUTPUT_PATH: '/x' };
    expect(socket({ env: { ...env, ...perTask } })).toBe(socket());
    expect(workerEnvironment({ ...env, ...perTask })).toEqual(env);
  });

  it('differs with the environment, the workspace, the working directory and the build', () => {
    const addresses = [
      socket(),
      socket({ env: { ...env, MODELOS_REGISTRY: 'oci://127.0.0.1:5001/ml' } }),
      socket({ env: { ...env, MODELOS_REGISTRY_PASSWORD: 'secret' } }),
      socket({ root: '/other' }),
      socket({ cwd: '/ws/libs' }),
      socket({ built: path.join(__dirname, 'worker.ts') }),
    ];
    expect(new Set(addresses).size).toBe(addresses.length);
    for (const address of addresses) expect(address!.length).toBeLessThan(104);
  });

  it('is undefined when the worker is not built', () => {
    expect(socket({ built: path.join(__dirname, 'worker-main.js.missing') })).toBeUndefined();
  });

  it('is undefined when its directory is open to other users', () => {
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdl-twa-'));
    try {
      const dir = path.join(tmpDir, `modelos-tasks-${process.getuid!()}`);
      fs.mkdirSync(dir);
      fs.chmodSync(dir, 0o755);
      expect(socket({ tmpDir })).toBeUndefined();
      fs.chmodSync(dir, 0o700);
      expect(socket({ tmpDir })).toMatch(new RegExp(`^${dir}/[0-9a-f]{32}\\.sock$`));
    } finally {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
  });

  it('makes its directory private when it creates it', () => {
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdl-twa-'));
    try {
      expect(socket({ tmpDir })).toBeDefined();
      expect(fs.statSync(path.join(tmpDir, `modelos-tasks-${process.getuid!()}`)).mode & 0o777).toBe(0o700);
    } finally {
      fs.rmSync(tmpDir, { recursive: true, force: true });
    }
  });
});
