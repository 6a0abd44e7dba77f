import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Transpiled modules, by a hash of their source: a spec spawning `mdl` a dozen times would
 * otherwise load TypeScript and transpile the same few hundred files in every child.
 */
const CACHE_DIR = path.join(os.tmpdir(), 'modelos-test-transpile-cache');

/**
 * `node` arguments that run a TypeScript file of this repository in a child process, compiled
 * on the fly (transpile only, as ts-jest does), with `args` as its command line: for tests of
 * what only a separate process shows (exit codes, stdout, dying with a parent).
 */
export function tsNodeArgs(script: string, args: string[] = []): string[] {
  const hook = `
const fs = require('node:fs');
const path = require('node:path');
const { createHash } = require('node:crypto');
const cacheDir = ${JSON.stringify(CACHE_DIR)};
let ts;
function transpile(source, file) {
  const cached = path.join(cacheDir, createHash('sha256').update(file).update('\\0').update(source).digest('hex') + '.js');
  try { return fs.readFileSync(cached, 'utf8'); } catch {}
  ts ??= require(${JSON.stringify(require.resolve('typescript'))});
  const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
  const output = ts.transpileModule(source, { compilerOptions: options, fileName: file }).outputText;
  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = cached + '.' + process.pid + '.tmp';
  fs.writeFileSync(tmp, output);
  fs.renameSync(tmp, cached);
  return output;
}
require.extensions['.ts'] = (module, file) => module._compile(transpile(fs.readFileSync(file, 'utf8'), file), file);
process.argv.splice(1, 0, ${JSON.stringify(script)});
require(${JSON.stringify(script)});
`;
  return ['-e', hook, '--', ...args];
}
