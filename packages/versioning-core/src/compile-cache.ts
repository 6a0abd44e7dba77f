import * as nodeModule from 'node:module';

let enabled = false;

/**
 * Keeps V8's compiled code of the modules loaded from now on, on disk under the OS temp dir, for
 * the next process: Node's own compile cache where it has one (22.1+), else v8-compile-cache,
 * which does the same for Node 20. V8 rejects a stale or foreign entry and compiles anew; each
 * honours its switch to turn it off (NODE_DISABLE_COMPILE_CACHE, DISABLE_V8_COMPILE_CACHE).
 */
export function cacheCompiledCode(): void {
  if (enabled) return;
  enabled = true;
  const { enableCompileCache } = nodeModule as { enableCompileCache?: () => unknown };
  if (enableCompileCache) enableCompileCache();
  else require('v8-compile-cache');
}
