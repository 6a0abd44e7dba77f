import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module = require('node:module');
import * as path from 'node:path';
import * as vm from 'node:vm';
import { modelosCacheDir } from '@modelos/runtime/cache-dir';
import { readIfPresent, writeFileAtomically } from './file-io';

interface LoadingModule {
  exports: unknown;
  _compile(content: string, filename: string): unknown;
}

/**
 * Requires `filename`, a large CommonJS file that every fresh process loads again (the
 * TypeScript compiler, ~9 MB), through V8's code cache: the code compiled while it loaded is
 * kept under the user's modelos cache and handed to V8 by the next process, which then skips
 * most of the compiling (TypeScript here: ~0.14 s → ~0.06 s). Only this file goes this way, for
 * the length of this one require. Node 22's `module.enableCompileCache()` and
 * `v8-compile-cache` take over the loader for the whole process; the latter also compiles
 * without a dynamic-import callback, which broke prettier's `import()` in a generator.
 */
export function requireWithCodeCache(filename: string): unknown {
  const loaded = require.cache[filename];
  if (loaded) return loaded.exports;
  const prototype = Module.prototype as unknown as LoadingModule;
  const compile = prototype._compile;
  prototype._compile = function (this: LoadingModule, content: string, file: string) {
    return file === filename ? runWithCodeCache(this, content, file) : compile.call(this, content, file);
  };
  try {
    return require(filename);
  } finally {
    prototype._compile = compile;
  }
}

/** What node's own `_compile` does for a CommonJS file, with V8's cached data in and out. */
function runWithCodeCache(module: LoadingModule, content: string, filename: string): unknown {
  const cacheFile = cacheFileOf(filename);
  const cachedData = readIfPresent(cacheFile);
  const script = new vm.Script(Module.wrap(content), {
    filename,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  const result = wrapper.call(module.exports, module.exports, Module.createRequire(filename), module, filename, path.dirname(filename));
  // After the run, so that the cache holds the functions loading compiled too. V8 refuses data
  // from another V8, other flags or other source, and it is then written anew.
  if (!cachedData || script.cachedDataRejected) replaceCacheFile(cacheFile, script.createCachedData());
  return result;
}

/**
 * `<name>-<path hash>-<state hash>.bin`: one entry per module path (two workspaces with two
 * compilers keep one each), named anew when node, the architecture or the file (size, mtime) change.
 */
function cacheFileOf(filename: string): string {
  const stat = fs.statSync(filename);
  const state = [process.version, process.arch, stat.size, stat.mtimeMs].join('\0');
  return path.join(modelosCacheDir(), 'code-cache', `${path.basename(filename)}-${shortHash(filename)}-${shortHash(state)}.bin`);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Writes the entry, and older entries of the same path go. A cache that cannot be written is only a slower next start. */
function replaceCacheFile(file: string, data: Buffer): void {
  try {
    writeFileAtomically(file, data);
    const dir = path.dirname(file);
    const samePath = path.basename(file).replace(/[0-9a-f]+\.bin$/, '');
    for (const entry of fs.readdirSync(dir)) {
      if (entry.startsWith(samePath) && entry.endsWith('.bin') && entry !== path.basename(file)) fs.rmSync(path.join(dir, entry), { force: true });
    }
  } catch {
    // Read-only or full cache directory: nothing is lost but time.
  }
}
