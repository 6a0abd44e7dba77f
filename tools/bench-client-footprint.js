#!/usr/bin/env node
// Install footprint of a generated client (issue 12), on the built packages (`npm run build` first):
// - after:  the client package as a release builds it today (`@modelos/runtime` bundled inside),
//           installed into an empty npm project with npm's registry pointed at a closed port;
// - before: the same client depending on the engine as generated clients did before the slim
//           runtime (`@modelos/versioning-core`, packed from this repository beside the runtime it
//           now also needs, its other dependencies from the npm registry).
// For each: packages in the install (package-lock entries), bytes on disk under node_modules,
// and whether TypeScript, ts-morph or ajv are among them.
//   node tools/bench-client-footprint.js [--keep]
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { printTable } = require('./bench-table');

const ROOT = path.join(__dirname, '..');
const core = require(path.join(ROOT, 'packages/versioning-core/dist'));
const KEEP = process.argv.includes('--keep');
const HEAVY = ['typescript', 'ts-morph', 'ajv'];

const descriptor = {
  formatVersion: 1,
  className: 'Ham',
  typeParameters: [],
  extends: null,
  constructors: [{ parameters: [{ name: 'a', type: 'string', optional: false, rest: false }] }],
  methods: [{ name: 'bake', typeParameters: [], parameters: [{ name: 'temp', type: 'number', optional: false, rest: false }], returnType: 'string' }],
  staticMethods: [],
  types: [],
};
const spec = { resource: 'ham', version: '1.0.0', clientHash: '0'.repeat(64), registry: 'oci://127.0.0.1:5000/ml-project' };

function npm(args, cwd, env = process.env) {
  return execFileSync('npm', [...args, '--no-audit', '--no-fund', '--ignore-scripts'], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function project(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  return dir;
}

async function writeTarball(files, file) {
  fs.writeFileSync(file, await core.npmTarball(files));
  return file;
}

function measure(dir) {
  const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
  const names = Object.keys(lock.packages).filter(Boolean);
  let bytes = 0;
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) bytes += fs.statSync(full).size;
    }
  };
  walk(path.join(dir, 'node_modules'));
  const heavy = HEAVY.filter((name) => names.some((key) => key.endsWith(`node_modules/${name}`)));
  return { packages: names.length, mb: (bytes / 1024 / 1024).toFixed(2), heavy: heavy.join(', ') || 'none' };
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-client-footprint-'));
  try {
    const files = core.clientPackageFiles({ name: '@ml-project/ham-client', spec, interface: descriptor });

    const after = project(path.join(work, 'after'));
    const offline = { ...process.env, npm_config_registry: 'http://127.0.0.1:1/', npm_config_fetch_retries: '0', npm_config_cache: path.join(work, 'npm-cache') };
    npm(['install', await writeTarball(files, path.join(work, 'ham-client-after.tgz'))], after, offline);

    // The client as it was: no bundle, a dependency on the engine.
    const coreTarball = path.join(work, 'versioning-core.tgz');
    const unbundled = files
      .filter((file) => !file.path.startsWith('node_modules/'))
      .map((file) => {
        if (file.path !== 'package.json') return file;
        const manifest = JSON.parse(file.content.toString());
        delete manifest.bundleDependencies;
        manifest.dependencies = { '@modelos/versioning-core': `file:${coreTarball}` };
        return { ...file, content: Buffer.from(JSON.stringify(manifest)) };
      });
    const packed = (pkg) => {
      const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: path.join(ROOT, 'packages', pkg), encoding: 'utf8' }));
      return path.join(work, filename);
    };
    fs.renameSync(packed('versioning-core'), coreTarball);
    const before = project(path.join(work, 'before'));
    // The runtime is not on the npm registry: give the engine the packed one.
    npm(['install', packed('runtime'), await writeTarball(unbundled, path.join(work, 'ham-client-before.tgz'))], before);

    const rows = [
      ['before: client → @modelos/versioning-core', measure(before)],
      ['after: client with @modelos/runtime bundled', measure(after)],
    ].map(([what, m]) => [what, String(m.packages), m.mb, m.heavy]);
    printTable(['INSTALL', 'PACKAGES', 'MB ON DISK', 'TYPESCRIPT/TS-MORPH/AJV'], rows);
  } finally {
    if (KEEP) console.log(`kept ${work}`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
