#!/usr/bin/env node
// The main job end to end on the embedded default registry: pack our three packages, make a
// sample Nx workspace that installs them as packages, generate a resource, store, release, list.
// Usage: node tools/demo.js [--keep]   (run `npm run build` first; `npm run demo` does both)
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');
const keep = process.argv.includes('--keep');
const NX_VERSION = require(path.join(repo, 'package.json')).devDependencies.nx;

function step(title) {
  process.stdout.write(`\n== ${title}\n`);
}

function sh(cmd, args, cwd, { quiet = false } = {}) {
  process.stdout.write(`$ ${[cmd, ...args].join(' ')}\n`);
  const out = execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_SKIP_NX_CACHE: 'true', CI: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (!quiet) process.stdout.write(out);
  return out;
}

function packPackages(dest) {
  const out = sh('npm', ['pack', '--json', '--pack-destination', dest, '-w', 'packages/runtime', '-w', 'packages/versioning-core', '-w', 'packages/nx-modelos'], repo, { quiet: true });
  return JSON.parse(out).map((pkg) => path.join(dest, pkg.filename));
}

function createWorkspace(dir, tarballs) {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'ml-project', private: true }, null, 2));
  fs.writeFileSync(path.join(dir, 'nx.json'), JSON.stringify({ defaultBase: 'main' }, null, 2));
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n.nx/\n');
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '-D', `nx@${NX_VERSION}`, ...tarballs], dir, { quiet: true });
  sh('git', ['init', '-q', '-b', 'main'], dir);
  sh('git', ['add', '-A'], dir);
  sh('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@modelos.invalid', 'commit', '-qm', 'workspace'], dir);
}

function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-demo-'));
  const nx = (...args) => sh('npx', ['nx', ...args], dir);
  try {
    step('pack @modelos/versioning-core and @modelos/nx');
    const tarballs = packPackages(dir);
    step(`sample workspace in ${dir}`);
    createWorkspace(dir, tarballs);
    step('init the plugin (what `nx add @modelos/nx` runs after installing) and generate a resource');
    nx('g', '@modelos/nx:init');
    nx('g', '@modelos/nx:resource', 'ham');
    sh('git', ['add', '-A'], dir);
    sh('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@modelos.invalid', 'commit', '-qm', 'ham'], dir);
    step('inferred targets');
    const project = JSON.parse(sh('npx', ['nx', 'show', 'project', 'ham', '--json'], dir, { quiet: true }));
    process.stdout.write(`ham targets: ${Object.keys(project.targets).sort().join(', ')}\n`);
    step('store into the embedded registry (.modelos/registry), twice: the second uploads nothing');
    nx('run', 'ham:store');
    nx('run', 'ham:store', '--json');
    step('release: v1.0.0 and latest; a second release finds nothing changed');
    nx('run', 'ham:release');
    nx('run', 'ham:release');
    step('list releases and versions');
    nx('run', 'ham:releases');
    nx('run', 'ham:versions');
    sh('npx', ['mdl', 'releases', '.modelos/registry/ham'], dir);
    if (hasSkopeo()) {
      step('read back with skopeo, an independent OCI client');
      const manifest = JSON.parse(sh('skopeo', ['inspect', '--raw', 'oci:.modelos/registry/ham:v1.0.0'], dir, { quiet: true }));
      const created = manifest.annotations['org.opencontainers.image.created'];
      process.stdout.write(`v1.0.0: ${manifest.artifactType}, ${manifest.layers.length} layer(s), created ${created}\n`);
    }
    step('done');
  } finally {
    if (keep) process.stdout.write(`workspace kept at ${dir}\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

function hasSkopeo() {
  try {
    execFileSync('skopeo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

main();
