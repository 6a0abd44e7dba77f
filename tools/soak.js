#!/usr/bin/env node
// Longer fault soak than the test suite's (packages/versioning-core/src/soak.spec.ts): a seeded
// random run of store, release, clean, versions, install, promote and traffic through a fault-injecting proxy in
// front of a throwaway docker-registry started here; then every release is copied with skopeo
// and the invariants checked. Prints the counts; exits 1 on any invariant violation.
//   node tools/soak.js [--seed N] [--operations 1000] [--minutes 10] [--fault-rate 0.05] [--verbose]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const { startRegistry } = require('./registry');

// Run the TypeScript sources as ts-jest does (transpile only), so no build is needed.
require.extensions['.ts'] = (module, file) =>
  module._compile(
    ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: file,
    }).outputText,
    file,
  );
const { runSoak } = require(path.join(__dirname, '..', 'packages', 'versioning-core', 'src', 'test-support', 'soak.ts'));

function flag(argv, name, fallback) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
}

async function main(argv) {
  const registry = await startRegistry();
  try {
    const report = await runSoak({
      registryHost: registry.host,
      seed: Number(flag(argv, '--seed', Date.now() % 1e9)),
      maxOperations: Number(flag(argv, '--operations', 1000)),
      maxMs: Number(flag(argv, '--minutes', 10)) * 60_000,
      faultRate: Number(flag(argv, '--fault-rate', 0.05)),
      log: argv.includes('--verbose') ? (line) => process.stdout.write(`${line}\n`) : undefined,
    });
    if (argv.includes('--json')) {
      process.stdout.write(`${JSON.stringify(report)}\n`);
      process.exitCode = report.violations.length ? 1 : 0;
      return;
    }
    const rows = [
      ['seed', report.seed],
      ['operations', `${report.operations} (${Object.entries(report.byKind).map(([k, n]) => `${k} ${n}`).join(', ')})`],
      ['registry requests', report.requests],
      ['faults injected', `${report.faults} (${Object.entries(report.faultsByKind).filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(', ')})`],
      ['failures surfaced', report.failuresSurfaced],
      ['re-runs', report.reruns],
      ['releases checked with skopeo', report.releases.length],
      ['invariant violations', report.violations.length],
      ['elapsed', `${(report.elapsedMs / 1000).toFixed(1)} s`],
    ];
    for (const [name, value] of rows) process.stdout.write(`${String(name).padEnd(30)} ${value}\n`);
    for (const violation of report.violations) process.stdout.write(`VIOLATION: ${violation}\n`);
    process.exitCode = report.violations.length ? 1 : 0;
  } finally {
    await registry.stop();
    fs.rmSync(registry.dataDir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`soak: ${err.stack || err.message}\n`);
  process.exitCode = 1;
});
