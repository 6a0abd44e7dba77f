import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';

const RUNTIME = path.join(__dirname, 'runtime', 'server-runtime');

let script: Buffer | undefined;

/**
 * `server.js` of every server package: the compiled server runtime, which needs node built-ins
 * only. Built core ships it as JavaScript next to this module; run from sources (ts-jest), the
 * TypeScript is transpiled the same way.
 */
export function serverScript(): Buffer {
  script ??= Buffer.from(`#!/usr/bin/env node\n${runtimeJavaScript()}`);
  return script;
}

function runtimeJavaScript(): string {
  if (fs.existsSync(`${RUNTIME}.js`)) return fs.readFileSync(`${RUNTIME}.js`, 'utf8');
  return ts.transpileModule(fs.readFileSync(`${RUNTIME}.ts`, 'utf8'), {
    fileName: `${RUNTIME}.ts`,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
}
