#!/usr/bin/env node
// Client-hash benchmark: 50 generated resources (a class with 10 methods, local types and types
// imported from a shared project through tsconfig paths). Measures our syntax-only extraction
// from the built package (`npx tsc -b packages/versioning-core/tsconfig.lib.json` first) cold
// (new process, empty cache dir) and warm (new process, same cache dir), against the naive way:
// a ts-morph Project with lib files and the type checker.
//   node tools/bench-client-hash.js [--keep]
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { METHODS, resourceName: name, entryOf, writeSharedProject, writeResource } = require('./bench-resources');

const RESOURCES = 50;
/** Type-checked programs per resource are slow: measure this many and extrapolate. */
const PER_RESOURCE_SAMPLE = 3;
const DIST = path.join(__dirname, '..', 'packages', 'versioning-core', 'dist', 'interface');

function generate(ws) {
  writeSharedProject(ws);
  for (let i = 0; i < RESOURCES; i++) writeResource(ws, i);
}

/** In a child process: one way of computing all interfaces; prints its timing as JSON. */
function child(mode, ws, cacheDir, count) {
  const started = process.hrtime.bigint();
  const result = { mode, count, hashes: [] };
  if (mode === 'ours') {
    const { extractInterface, clientHash } = require(DIST);
    for (let i = 0; i < count; i++) {
      result.hashes.push(clientHash(extractInterface({ entryFile: entryOf(ws, i), className: name(i), cacheDir })).slice(0, 7));
    }
  } else {
    const { Project } = require('ts-morph');
    const typed = () =>
      new Project({
        compilerOptions: { strict: true, target: 9 /* ES2022 */, paths: { '@bench/shared': [path.join(ws, 'shared/src/index.ts')] } },
      });
    if (mode === 'per-resource') {
      // A new program per resource, as a naive per-target implementation would do.
      result.diagnostics = 0;
      for (let i = 0; i < count; i++) {
        const project = typed();
        const file = project.addSourceFileAtPath(entryOf(ws, i));
        project.resolveSourceFileDependencies();
        result.diagnostics += project.getPreEmitDiagnostics().length;
        result.hashes.push(typedSignature(file.getClassOrThrow(name(i))));
      }
    } else {
      const project = typed();
      const files = Array.from({ length: count }, (_, i) => project.addSourceFileAtPath(entryOf(ws, i)));
      project.resolveSourceFileDependencies();
      result.diagnostics = project.getPreEmitDiagnostics().length;
      files.forEach((file, i) => result.hashes.push(typedSignature(file.getClassOrThrow(name(i)))));
    }
  }
  result.ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(JSON.stringify(result));
}

/** The interface as the type checker sees it (types of parameters and returns, expanded). */
function typedSignature(cls) {
  const { createHash } = require('node:crypto');
  const methods = cls.getMethods().map((m) => [
    m.getName(),
    m.getParameters().map((p) => p.getType().getText()),
    m.getReturnType().getText(),
  ]);
  const ctor = cls.getConstructors().map((c) => c.getParameters().map((p) => p.getType().getText()));
  return createHash('sha256').update(JSON.stringify([ctor, methods])).digest('hex').slice(0, 7);
}

function run(mode, ws, cacheDir, count) {
  const started = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [__filename, '--child', mode, ws, cacheDir, String(count)], { encoding: 'utf8' });
  return { ...JSON.parse(out), wallMs: Number(process.hrtime.bigint() - started) / 1e6 };
}

function main() {
  if (!fs.existsSync(path.join(DIST, 'index.js'))) {
    throw new Error(`${DIST} is not built: run npx tsc -b packages/versioning-core/tsconfig.lib.json`);
  }
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-bench-client-hash-'));
  const cacheDir = path.join(ws, '.modelos', 'cache', 'interface');
  try {
    generate(ws);
    const cold = run('ours', ws, cacheDir, RESOURCES);
    const warm = run('ours', ws, cacheDir, RESOURCES);
    const program = run('one-program', ws, cacheDir, RESOURCES);
    const perResource = run('per-resource', ws, cacheDir, PER_RESOURCE_SAMPLE);
    if (cold.hashes.join() !== warm.hashes.join()) throw new Error('cold and warm client hashes differ');
    const scale = RESOURCES / PER_RESOURCE_SAMPLE;
    const rows = [
      ['ours, cold: new process, empty cache dir', cold.wallMs, cold.ms],
      ['ours, warm: new process, same cache dir', warm.wallMs, warm.ms],
      [`naive: one type-checked program (${program.diagnostics} diagnostics)`, program.wallMs, program.ms],
      [
        `naive: a type-checked program per resource (${PER_RESOURCE_SAMPLE} measured, ×${scale.toFixed(1)})`,
        perResource.wallMs * scale,
        perResource.ms * scale,
      ],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    console.log(`client hash of ${RESOURCES} resources × ${METHODS} methods, node ${process.version}, ${os.cpus().length} cpus`);
    console.log(`${'run'.padEnd(width)}  ${'process ms'.padStart(10)}  ${'work ms'.padStart(8)}  ${'per resource'.padStart(12)}`);
    for (const [label, wallMs, ms] of rows) {
      const per = `${(ms / RESOURCES).toFixed(1)} ms`;
      console.log(`${label.padEnd(width)}  ${wallMs.toFixed(0).padStart(10)}  ${ms.toFixed(0).padStart(8)}  ${per.padStart(12)}`);
    }
    console.log(`cache dir: ${fs.readdirSync(cacheDir).length} entries for ${RESOURCES + 3} files reached`);
  } finally {
    if (process.argv.includes('--keep')) console.log(`workspace kept: ${ws}`);
    else fs.rmSync(ws, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') child(process.argv[3], process.argv[4], process.argv[5], Number(process.argv[6]));
else main();
