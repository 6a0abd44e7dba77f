import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, type RunOptions, type RunResult } from './run';

export interface NpmProject {
  root: string;
  npm(args: string[]): RunResult;
  npx(args: string[], options?: Omit<RunOptions, 'cwd'>): RunResult;
  /** Runs a CommonJS script written to `<root>/<file>`. */
  node(file: string, script: string): RunResult;
  readJson<T = any>(file: string): T;
  /** package.json, package-lock.json, the installed packages and the kept tarballs: what an install may change. */
  snapshot(): string;
  dispose(): void;
}

/**
 * A plain npm project (`npm init -y`), outside any Nx workspace, with `@modelos/*` resolved
 * from the local npm registry at `npmRegistryUrl`.
 */
export function createNpmProject(name: string, npmRegistryUrl: string): NpmProject {
  const parent = mkdtempSync(join(tmpdir(), 'modelos-e2e-npm-project-'));
  const root = join(parent, name);
  mkdirSync(root);
  run('npm', ['init', '-y'], { cwd: root });
  writeFileSync(join(root, '.npmrc'), `@modelos:registry=${npmRegistryUrl}\n`);
  const read = (file: string) => (existsSync(join(root, file)) ? readFileSync(join(root, file), 'utf8') : '<absent>');
  const entries = (dir: string): string[] =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir)).flatMap((entry) => (entry.startsWith('@') ? entries(join(dir, entry)) : [join(dir, entry)]))
      : [];
  return {
    root,
    npm: (args) => run('npm', [...args, '--no-audit', '--no-fund'], { cwd: root }),
    npx: (args, options) => run('npx', args, { ...options, cwd: root }),
    node: (file, script) => {
      writeFileSync(join(root, file), script);
      return run('node', [file], { cwd: root });
    },
    readJson: (file) => JSON.parse(readFileSync(join(root, file), 'utf8')),
    snapshot: () => [read('package.json'), read('package-lock.json'), ...entries('node_modules').sort(), ...entries('.modelos/packages').sort()].join('\n'),
    dispose: () => rmSync(parent, { recursive: true, force: true }),
  };
}
