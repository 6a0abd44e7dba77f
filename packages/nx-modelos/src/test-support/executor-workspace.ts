import { logger, type ExecutorContext, type NxJsonConfiguration, type ProjectGraph, type PromiseExecutor } from '@nx/devkit';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A real git repository holding the resource `ham` (which depends on the library `eggs`) and
 * the unrelated resource `bacon`, with the ExecutorContext Nx would hand to a target of `ham`.
 */
export class ExecutorWorkspace {
  readonly root = mkdtempSync(join(tmpdir(), 'modelos-executor-'));

  constructor() {
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'test@example.com');
    this.git('config', 'user.name', 'Test');
    this.write('.gitignore', '.modelos/\n');
    for (const [root, className] of [['ham', 'Ham'], ['bacon', 'Bacon']]) {
      this.write(`${root}/resource.json`, JSON.stringify({ formatVersion: '1', entry: `src/${root}.ts`, class: className, requires: {} }));
      this.write(
        `${root}/src/${root}.ts`,
        `export class ${className} {\n  constructor(private readonly a: string) {}\n  bake(temp: number): string {\n    return this.a + temp;\n  }\n}\n`,
      );
    }
    this.write('libs/eggs/src/index.ts', 'export const eggs = 2;\n');
    this.commit('initial');
  }

  context(nxJson: NxJsonConfiguration = {}, projectName = 'ham'): ExecutorContext {
    const roots: Record<string, string> = { ham: 'ham', bacon: 'bacon', eggs: 'libs/eggs' };
    const graph: ProjectGraph = {
      nodes: Object.fromEntries(Object.entries(roots).map(([name, root]) => [name, { name, type: 'lib', data: { root } }])),
      externalNodes: {},
      dependencies: {
        ham: [{ source: 'ham', target: 'eggs', type: 'static' }],
        bacon: [],
        eggs: [],
      },
    };
    return {
      root: this.root,
      cwd: this.root,
      isVerbose: false,
      projectName,
      targetName: 'store',
      projectGraph: graph,
      projectsConfigurations: {
        version: 2,
        projects: Object.fromEntries(Object.entries(roots).map(([name, root]) => [name, { name, root }])),
      },
      nxJsonConfiguration: nxJson,
    };
  }

  write(file: string, content: string): void {
    mkdirSync(dirname(join(this.root, file)), { recursive: true });
    writeFileSync(join(this.root, file), content);
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8' }).trim();
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Everything written to stdout while `run` runs (kept out of the test log). */
export async function captureStdout(run: () => Promise<unknown>): Promise<string> {
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return out;
}

/** A fresh workspace for every test of the file, Nx's logger silenced; read it through the getter. */
export function useExecutorWorkspace(): () => ExecutorWorkspace {
  let ws: ExecutorWorkspace | undefined;
  beforeEach(() => {
    ws = new ExecutorWorkspace();
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    ws?.remove();
  });
  return () => ws!;
}

/** Runs an executor with `--json`, expects success and returns the parsed document. */
export async function runJson<O extends { json?: boolean }>(
  executor: PromiseExecutor<O>,
  options: O,
  context: ExecutorContext,
): Promise<any> {
  let outcome: { success: boolean } | undefined;
  const stdout = await captureStdout(async () => {
    outcome = await executor({ ...options, json: true }, context);
  });
  expect(outcome).toEqual({ success: true });
  return JSON.parse(stdout);
}
