import { logger, type ExecutorContext, type NxJsonConfiguration, type ProjectGraph, type PromiseExecutor } from '@nx/devkit';
// Core's test workspace (test support is not part of its package): one git workspace for both packages' tests.
import { GitWorkspace } from '../../../versioning-core/src/test-support/git-workspace';

/**
 * A real git repository holding the resource `ham` (which depends on the library `eggs`) and
 * the unrelated resource `bacon`, with the ExecutorContext Nx would hand to a target of `ham`.
 */
export class ExecutorWorkspace extends GitWorkspace {
  constructor() {
    super();
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
