/**
 * `node` arguments that run a TypeScript file of this repository in a child process, compiled
 * on the fly (transpile only, as ts-jest does), with `args` as its command line: for tests of
 * what only a separate process shows (exit codes, stdout, dying with a parent).
 */
export function tsNodeArgs(script: string, args: string[] = []): string[] {
  const hook = `
const ts = require(${JSON.stringify(require.resolve('typescript'))});
const fs = require('node:fs');
const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
require.extensions['.ts'] = (module, file) =>
  module._compile(ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText, file);
process.argv.splice(1, 0, ${JSON.stringify(script)});
require(${JSON.stringify(script)});
`;
  return ['-e', hook, '--', ...args];
}
