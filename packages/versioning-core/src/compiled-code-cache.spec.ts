import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// Runs the build (`npm test` builds first) in a node of its own: the cache works inside node's
// module loader, which ts-jest's module registry bypasses.
const COMPILER_MODULE = resolve(__dirname, '../dist/typescript.js');
const CODE_CACHE_MODULE = resolve(__dirname, '../dist/compiled-code-cache.js');

describe('the TypeScript compiler loaded through V8 code cache', () => {
  let cacheDir: string;
  beforeEach(() => (cacheDir = mkdtempSync(join(tmpdir(), 'modelos-code-cache-'))));
  afterEach(() => rmSync(cacheDir, { recursive: true, force: true }));

  /** Loads the compiler in a fresh node, parses and prints a class, and compares it with ts-morph's. */
  const loadCompiler = (): string =>
    execFileSync(
      process.execPath,
      [
        '-e',
        `const ts = require(${JSON.stringify(COMPILER_MODULE)});
         const file = ts.createSourceFile('a.ts', 'export class Ham { bake(temp: number): void {} }', ts.ScriptTarget.Latest, true);
         const printed = ts.createPrinter().printNode(ts.EmitHint.Unspecified, file.statements[0], file);
         // The very module ts-morph uses (its \`ts\` wraps the module's exports in a namespace object).
         const same = require('@ts-morph/common').ts.createSourceFile === ts.createSourceFile;
         process.stdout.write(JSON.stringify({ version: ts.version, printed, same }));`,
      ],
      { cwd: resolve(__dirname, '..'), env: { ...process.env, MODELOS_CACHE_DIR: cacheDir }, encoding: 'utf8' },
    );
  const cacheFiles = () => readdirSync(join(cacheDir, 'code-cache')).map((name) => join(cacheDir, 'code-cache', name));

  it('keeps the compiled code for the next process, which uses it as it is', () => {
    const first = JSON.parse(loadCompiler());
    expect(first).toMatchObject({ printed: expect.stringContaining('bake(temp: number): void'), same: true });
    const [file] = cacheFiles();
    expect(cacheFiles()).toHaveLength(1);
    expect(statSync(file).size).toBeGreaterThan(1_000_000);
    const written = statSync(file).mtimeMs;

    expect(JSON.parse(loadCompiler())).toEqual(first);
    // Accepted by V8: not written again.
    expect(cacheFiles()).toEqual([file]);
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it('replaces a cache V8 refuses (damaged, or from another node) and still loads', () => {
    loadCompiler();
    const [file] = cacheFiles();
    const damaged = Buffer.alloc(statSync(file).size, 7);
    writeFileSync(file, damaged);
    expect(JSON.parse(loadCompiler()).printed).toContain('class Ham');
    expect(readFileSync(file).equals(damaged)).toBe(false);
  });

  it('keeps one entry per module path: a reinstalled file replaces its own entry, another path keeps its', () => {
    const modules = ['a', 'b'].map((dir) => {
      mkdirSync(join(cacheDir, dir));
      const file = join(cacheDir, dir, 'module.js');
      writeFileSync(file, `module.exports = ${JSON.stringify(dir)};`);
      return file;
    });
    const load = (file: string) =>
      execFileSync(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(CODE_CACHE_MODULE)}).requireWithCodeCache(${JSON.stringify(file)}))`], {
        env: { ...process.env, MODELOS_CACHE_DIR: cacheDir },
        encoding: 'utf8',
      });
    expect(load(modules[0])).toBe('a');
    const [entryA] = cacheFiles();
    expect(load(modules[1])).toBe('b');
    const [entryB] = cacheFiles().filter((entry) => entry !== entryA);
    expect(cacheFiles().sort()).toEqual([entryA, entryB].sort());
    utimesSync(modules[0], new Date(), new Date(Date.now() + 60_000));
    expect(load(modules[0])).toBe('a');
    expect(cacheFiles()).toHaveLength(2);
    expect(cacheFiles()).toContain(entryB);
    expect(cacheFiles()).not.toContain(entryA);
  });
});

