import * as fs from 'node:fs';
import * as path from 'node:path';
import ts = require('../typescript');

const RUNTIME_DIR = path.join(__dirname, 'runtime');
/** The modules of server.js, dependencies first; each may require node built-ins and the ones before it. */
const MODULES = ['http-guards', 'server-runtime'];

let script: Buffer | undefined;

/**
 * `server.js` of every server package: the compiled server runtime and its guards in one file
 * that needs node built-ins only. Each module runs in its own function scope with a `require`
 * that answers `./<module>` from the bundle. Built core ships them as JavaScript next to this
 * module; run from sources (ts-jest), the TypeScript is transpiled the same way.
 */
export function serverScript(): Buffer {
  script ??= Buffer.from(bundle());
  return script;
}

function bundle(): string {
  const parts = MODULES.map(
    (name) => `bundled[${JSON.stringify(`./${name}`)}] = {};\n(function (exports, require) {\n${moduleJavaScript(name)}\n})(bundled[${JSON.stringify(`./${name}`)}], bundledRequire);\n`,
  );
  return [
    '#!/usr/bin/env node',
    "'use strict';",
    'const bundled = {};',
    'const bundledRequire = (id) => bundled[id] ?? require(id);',
    ...parts,
    'if (require.main === module) bundled["./server-runtime"].main(process.argv.slice(2));',
    '',
  ].join('\n');
}

function moduleJavaScript(name: string): string {
  const file = path.join(RUNTIME_DIR, name);
  if (fs.existsSync(`${file}.js`)) return fs.readFileSync(`${file}.js`, 'utf8');
  return ts.transpileModule(fs.readFileSync(`${file}.ts`, 'utf8'), {
    fileName: `${file}.ts`,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
}
