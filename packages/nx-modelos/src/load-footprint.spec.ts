import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ExecutorWorkspace } from './test-support/executor-workspace';

// What each entry point of the built plugin loads, in a process of its own as Nx runs it. Checks
// the build (`npm test` builds first): module loading is what this is about, and ts-jest's
// module registry is not node's.
jest.setTimeout(120_000);

const DIST = resolve(__dirname, '../dist');
const HEAVY = {
  // ts-morph, or the TypeScript compiler it carries.
  'ts-morph': /node_modules\/(ts-morph|@ts-morph\/common)\/dist\//,
  'ts-morph itself': /node_modules\/ts-morph\/dist\//,
  ajv: /node_modules\/ajv\//,
  // Its index loads generator utilities (templates, formatters) that no target needs.
  '@nx/devkit': /node_modules\/@nx\/devkit\//,
};

/** Requires `entry` in a fresh node, runs its default export with `options` when given, returns require.cache's keys. */
function loadedBy(entry: string, run?: { options: object; ws: ExecutorWorkspace; project?: string }): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'modelos-footprint-'));
  try {
    const out = join(dir, 'loaded.json');
    const contextFile = join(dir, 'context.json');
    if (run) writeFileSync(contextFile, JSON.stringify(run.ws.context({}, run.project)));
    const script = `
      const fs = require('node:fs');
      const [entry, out, contextFile, options] = process.argv.slice(1);
      (async () => {
        const mod = require(entry);
        if (options) {
          const { success } = await mod.default(JSON.parse(options), JSON.parse(fs.readFileSync(contextFile, 'utf8')));
          if (!success) throw new Error('the executor failed');
        }
        fs.writeFileSync(out, JSON.stringify(Object.keys(require.cache)));
      })().catch((err) => { console.error(err); process.exit(1); });`;
    const args = ['-e', script, join(DIST, entry), out, contextFile, run ? JSON.stringify(run.options) : ''];
    // No task worker: what a task loads when it runs in its own process is what this measures.
    const env = { ...process.env, MODELOS_CACHE_DIR: join(dir, 'cache'), MODELOS_TASK_WORKER: '0' };
    execFileSync(process.execPath, args, { cwd: run?.ws.root ?? dir, stdio: ['ignore', 'ignore', 'pipe'], env });
    return JSON.parse(readFileSync(out, 'utf8')) as string[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const uses = (modules: string[], library: keyof typeof HEAVY) => modules.some((m) => HEAVY[library].test(m));
const modulesOf = (pkg: string) => (modules: string[]) =>
  modules.filter((m) => m.includes(`/${pkg}/dist/`)).map((m) => m.replace(new RegExp(`^.*/${pkg}/dist/`), ''));
const engineModules = modulesOf('versioning-core');
const runtimeModules = modulesOf('runtime');

describe('what the plugin loads', () => {
  let ws: ExecutorWorkspace;
  beforeEach(() => (ws = new ExecutorWorkspace()));
  afterEach(() => ws.remove());

  it('createNodes (the package main) loads the resource.json reader, not the engine, ts-morph, ajv or @nx/devkit', () => {
    const loaded = loadedBy('index.js');
    expect(engineModules(loaded).sort()).toEqual(['errors.js', 'resource/resource-config.js']);
    // Requirement specs (and semver) load only when a resource.json requires others; no OCI client.
    expect(runtimeModules(loaded).sort()).toEqual(['errors.js']);
    expect(uses(loaded, 'ts-morph')).toBe(false);
    expect(uses(loaded, 'ajv')).toBe(false);
    expect(uses(loaded, '@nx/devkit')).toBe(false);
    // Nor what @nx/devkit re-exports wholesale: the plugin's worker process would load Nx's task runner with it.
    expect(loaded.filter((m) => /\/nx\/dist\/src\/devkit-(exports|internals)\.js$/.test(m))).toEqual([]);
  });

  it('no executor loads the engine index (every feature, package builders and servers): each imports its subpaths', () => {
    const executors = JSON.parse(readFileSync(join(DIST, '../executors.json'), 'utf8')).executors as Record<string, { implementation: string }>;
    const loadingIndex = Object.entries(executors)
      .filter(([, { implementation }]) => engineModules(loadedBy(`${implementation.replace(/^\.\/dist\//, '')}.js`)).includes('index.js'))
      .map(([name]) => name);
    expect(loadingIndex).toEqual([]);
  });

  it("an executor's entry loads no target body and, of the engine, only the progress check: all a task's process loads when the task worker runs its task", () => {
    const executors = JSON.parse(readFileSync(join(DIST, '../executors.json'), 'utf8')).executors as Record<string, { implementation: string }>;
    for (const [name, { implementation }] of Object.entries(executors)) {
      const loaded = loadedBy(`${implementation.replace(/^\.\/dist\//, '')}.js`);
      expect({ name, engine: engineModules(loaded), bodies: loaded.filter((m) => /\/executors\/[a-z]+\/task\.js$/.test(m)) }).toEqual({ name, engine: ['transfer-progress.js'], bodies: [] });
    }
  });

  it('store parses the interface with the compiler ts-morph carries on a cold cache only: a warm run never loads it', () => {
    const store = { options: { registry: '.modelos/registry' }, ws };
    const cold = loadedBy('executors/store/executor.js', store);
    // The parse needs the compiler alone, not ts-morph's own modules.
    expect([uses(cold, 'ts-morph'), uses(cold, 'ts-morph itself')]).toEqual([true, false]);
    expect(uses(loadedBy('executors/store/executor.js', store), 'ts-morph')).toBe(false);
  });

  it('a release dry run, versions, releases and clean load neither ts-morph (warm interface cache) nor @nx/devkit', () => {
    const registry = '.modelos/registry';
    loadedBy('executors/store/executor.js', { options: { registry }, ws });
    for (const [executor, options] of [
      ['release', { registry, dryRun: true }],
      ['versions', { registry }],
      ['releases', { registry }],
      ['clean', { registry, dryRun: true }],
    ] as const) {
      const loaded = loadedBy(`executors/${executor}/executor.js`, { options, ws });
      expect({ executor, tsMorph: uses(loaded, 'ts-morph'), devkit: uses(loaded, '@nx/devkit') }).toEqual({ executor, tsMorph: false, devkit: false });
    }
  });
});
