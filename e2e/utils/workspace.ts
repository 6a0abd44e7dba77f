import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run, type RunOptions, type RunResult } from './run';

export interface TestWorkspace {
  root: string;
  /** `npx nx <args>` in the workspace. */
  nx(args: string[], options?: Omit<RunOptions, 'cwd'>): RunResult;
  npm(args: string[]): RunResult;
  git(args: string[]): string;
  write(file: string, content: string): void;
  read(file: string): string;
  readJson<T = any>(file: string): T;
  remove(file: string): void;
  /** Commits everything (tracked and untracked) and returns the full commit hash. */
  commitAll(message: string): string;
  dispose(): void;
}

/** The Nx the repository develops against (its dev pin); other majors are e2e'd by version. */
export const DEFAULT_NX = '23.2.1';

/**
 * A fresh Nx workspace made the way users make one (`create-nx-workspace@<nxVersion>`), with
 * `@modelos/*` resolved from the local npm registry at `npmRegistryUrl` and everything else from
 * the normal npm registry.
 */
export function createTestWorkspace(name: string, npmRegistryUrl: string, nxVersion = DEFAULT_NX): TestWorkspace {
  const parent = mkdtempSync(join(tmpdir(), 'modelos-e2e-'));
  run(
    'npx',
    ['-y', `create-nx-workspace@${nxVersion}`, name, '--preset=apps', '--nxCloud=skip', '--no-interactive', '--packageManager=npm'],
    { cwd: parent },
  );
  const root = join(parent, name);
  const ws: TestWorkspace = {
    root,
    nx: (args, options) => run('npx', ['nx', ...args], { ...options, cwd: root }),
    npm: (args) => run('npm', [...args, '--no-audit', '--no-fund'], { cwd: root }),
    git: (args) => run('git', args, { cwd: root }).stdout.trim(),
    write: (file, content) => {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), content);
    },
    read: (file) => readFileSync(join(root, file), 'utf8'),
    readJson: (file) => JSON.parse(readFileSync(join(root, file), 'utf8')),
    remove: (file) => rmSync(join(root, file), { recursive: true, force: true }),
    commitAll: (message) => {
      ws.git(['add', '-A']);
      ws.git(['commit', '-q', '-m', message]);
      return ws.git(['rev-parse', 'HEAD']);
    },
    dispose: () => rmSync(parent, { recursive: true, force: true }),
  };
  ws.git(['config', 'user.name', 'ModelOS e2e']);
  ws.git(['config', 'user.email', 'e2e@modelos.invalid']);
  appendFileSync(join(root, '.npmrc'), `@modelos:registry=${npmRegistryUrl}\n`);
  return ws;
}
