import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Runs the build (`npm test` builds first) in a node of its own: the code cache hooks node's
// module loader, which ts-jest's module registry bypasses.
const TS_COMPILER = resolve(__dirname, '../dist/ts-compiler.js');

describe('the compiled-code cache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'modelos-compile-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const loadCompiler = (env: NodeJS.ProcessEnv = {}) =>
    execFileSync(process.execPath, ['-e', `require(${JSON.stringify(TS_COMPILER)}).ts.createSourceFile('a.ts', 'class A {}', 99)`], {
      // Node 22.1+ keeps its own cache under NODE_COMPILE_CACHE; v8-compile-cache (Node 20) under V8_COMPILE_CACHE_CACHE_DIR.
      env: { ...process.env, NODE_COMPILE_CACHE: dir, V8_COMPILE_CACHE_CACHE_DIR: dir, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  const cachedBytes = (): number =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);

  it('keeps the code of the TypeScript compiler that ts-morph loads, for the next process', () => {
    loadCompiler();
    // TypeScript alone is ~9 MB of source; its compiled top level is megabytes, not a stray entry.
    expect(cachedBytes()).toBeGreaterThan(1_000_000);
  });

  it('keeps nothing when the user turns it off', () => {
    loadCompiler({ DISABLE_V8_COMPILE_CACHE: '1', NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(cachedBytes()).toBe(0);
  });
});
