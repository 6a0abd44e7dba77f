#!/usr/bin/env node
// Requirement resolution benchmark (SPEC §9), two parts in one run:
// 1. The resolver from a warm index (the catalog in memory, as Ocidex hands it over): 1,000
//    resources × 20 releases with 5,000 random satisfiable requirements (roots and releases'
//    own), beside a brute force (every subset of a resource's versions, at most one per major)
//    on the sizes it can handle, both on the same instances.
// 2. Registry requests of a cold and a warm `resolve` (resolveWorkspace: index refresh, client
//    checks, install, lock) of a 20-resource requirement graph, against a throwaway registry,
//    counted by a proxy in front of it.
// Needs the built core (`npm run build`).   node tools/bench-resolve.js
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const semver = require('semver');
const { printTable } = require('./bench-table');
const { random } = require('./bench-random');

const DIST = path.join(__dirname, '..', 'packages', 'versioning-core', 'dist');
const { resolveRequirements, resolveWorkspace, parseRegistryReference, parseSpec, openRepository } = require(DIST);
const { Annotations } = require(path.join(DIST, 'artifact', 'annotations'));
const { EmptyJson, MediaTypes, serializeManifest } = require(path.join(DIST, 'oci'));
const { npmTarball, packageArtifact } = require(path.join(DIST, 'packages'));
const { Readable } = require('node:stream');

/**
 * `resources` resources with `releases` versions each over majors 1..3; every requirement is
 * built around a hidden target version per (resource, major), so the whole set is satisfiable.
 */
function instance({ resources, releases, requirements, transitive, seed }) {
  const rand = random(seed);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const names = Array.from({ length: resources }, (_, i) => `r${i}`);
  const versions = new Map(
    names.map((name) => {
      const set = new Set();
      while (set.size < releases) set.add(`${1 + Math.floor(rand() * 3)}.${Math.floor(rand() * 8)}.${Math.floor(rand() * 4)}`);
      return [name, [...set]];
    }),
  );
  const target = new Map();
  const specFor = (name) => {
    const v = pick(versions.get(name));
    const major = semver.major(v);
    const key = `${name}@${major}`;
    if (!target.has(key)) target.set(key, v);
    const t = semver.parse(target.get(key));
    return pick([`^${t.major}.${Math.max(0, t.minor - 1)}`, `~${t.major}.${t.minor}.0`, `${t.major}`, `>=${t.major}.${t.minor}.${t.patch} <${t.major + 1}`, `${t.major}.${t.minor}`, `~=${t.major}.${t.minor}`]);
  };
  const catalog = new Map(names.map((name) => [name, new Map(versions.get(name).map((v) => [v, {}]))]));
  const roots = Array.from({ length: Math.max(1, Math.floor(resources / 10)) }, (_, i) => ({ resource: `w${i}`, requires: {}, file: `w${i}/resource.json` }));
  for (let i = 0; i < requirements; i++) {
    const required = pick(names);
    const holder = transitive && rand() < 0.5 ? catalog.get(pick(names)).get(pick(versions.get(pick(names)))) : pick(roots).requires;
    if (holder && !(required in holder)) holder[required] = specFor(required);
  }
  return { roots, catalog, versions };
}

const memoryCatalog = (catalog) => ({ releases: async (name) => catalog.get(name) ?? new Map() });

/** Per resource, every subset of its versions (at most one per major): the fewest that meet all specs. */
function bruteForce(roots, versions) {
  const specs = new Map();
  for (const root of roots) for (const [name, text] of Object.entries(root.requires)) specs.set(name, [...(specs.get(name) ?? []), parseSpec(text, 'bench').range]);
  let total = 0;
  for (const [name, ranges] of specs) {
    const available = versions.get(name);
    let best = Infinity;
    for (let subset = 1; subset < 1 << available.length; subset++) {
      const picked = available.filter((_, i) => subset & (1 << i));
      if (picked.length >= best) continue;
      const majors = picked.map((v) => semver.major(v));
      if (new Set(majors).size !== majors.length) continue;
      if (ranges.every((range) => picked.some((v) => range.test(v)))) best = picked.length;
    }
    total += best;
  }
  return total;
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

async function resolverPart() {
  const rows = [];
  for (const size of [
    { resources: 100, releases: 8, requirements: 500 },
    { resources: 100, releases: 12, requirements: 500 },
    { resources: 100, releases: 16, requirements: 500 },
  ]) {
    const { roots, catalog, versions } = instance({ ...size, transitive: false, seed: 7 });
    const ours = await timed(() => resolveRequirements(roots, memoryCatalog(catalog)));
    const brute = await timed(() => bruteForce(roots, versions));
    const same = ours.value.length === brute.value ? 'same' : `DIFFERENT (${ours.value.length} vs ${brute.value})`;
    rows.push([`${size.resources} res × ${size.releases} rel, ${size.requirements} reqs`, ours.ms.toFixed(1), brute.ms.toFixed(1), `${ours.value.length} (${same})`]);
  }
  const big = { resources: 1000, releases: 20, requirements: 5000 };
  const { roots, catalog } = instance({ ...big, transitive: true, seed: 11 });
  const ours = await timed(() => resolveRequirements(roots, memoryCatalog(catalog)));
  rows.push([`${big.resources} res × ${big.releases} rel, ${big.requirements} reqs (half in releases)`, ours.ms.toFixed(1), `n/a (2^${big.releases} subsets per resource)`, String(ours.value.length)]);
  printTable(['resolve from a warm index', 'ours ms', 'brute force ms', 'versions chosen'], rows);
}

/** A proxy in front of the registry that counts requests by method. */
async function countingProxy(upstream) {
  const [hostname, port] = upstream.split(':');
  const counts = {};
  const server = http.createServer((req, res) => {
    counts[req.method] = (counts[req.method] ?? 0) + 1;
    const forward = http.request({ host: hostname, port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { host: `127.0.0.1:${server.address().port}`, counts, reset: () => Object.keys(counts).forEach((k) => delete counts[k]), close: () => server.close() };
}

/** Releases as `release` leaves them: a tagged manifest with its requirements annotation, and its client package. */
async function publishRelease(registry, name, version, requires) {
  const repo = openRepository(registry, name);
  await repo.pushBlob(EmptyJson.descriptor, () => Readable.from([EmptyJson.bytes]));
  const recorded = Object.fromEntries(Object.entries(requires).map(([n, spec]) => [n, { spec, versions: [] }]));
  const manifest = serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: MediaTypes.resourceArtifact,
    config: EmptyJson.descriptor,
    layers: [EmptyJson.descriptor],
    annotations: { [Annotations.version]: version, [Annotations.requires]: JSON.stringify(recorded) },
  });
  await repo.pushManifest(manifest, MediaTypes.imageManifest, `v${version}`);
  const files = [{ path: 'package.json', content: Buffer.from(JSON.stringify({ name: `@bench/${name}-client`, version, main: 'index.js', modelos: { resource: name } })) }, { path: 'index.js', content: Buffer.from(`exports.v = '${version}';`) }];
  const client = packageArtifact({ kind: 'client', tag: `client-v${version}`, name: `@bench/${name}-client`, version, resource: name, clientHash: 'f'.repeat(64), interface: {}, tarball: await npmTarball(files), releaseAnnotations: {} });
  for (const blob of [client.tarball, client.config]) await repo.pushBlob(blob.descriptor, () => Readable.from([blob.bytes]));
  await repo.pushManifest(client.manifest, MediaTypes.imageManifest, `client-v${version}`);
}

async function registryPart() {
  const { startRegistry } = require('./registry');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-bench-resolve-'));
  let server;
  let proxy;
  try {
    server = await startRegistry({ dataDir: path.join(tmp, 'registry') });
    proxy = await countingProxy(server.host);
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws);
    fs.writeFileSync(path.join(ws, 'package.json'), JSON.stringify({ name: '@bench/source', private: true }));
    const registry = parseRegistryReference(`oci://${proxy.host}/bench`, ws);
    // 20 resources, 3 releases each; r<i> releases require r<i+1>, so one root reaches all 20.
    for (let i = 0; i < 20; i++) {
      for (const version of ['1.0.0', '1.1.0', '2.0.0']) await publishRelease(registry, `r${i}`, version, i < 19 ? { [`r${i + 1}`]: '^1' } : {});
    }
    fs.mkdirSync(path.join(ws, 'app'));
    fs.writeFileSync(path.join(ws, 'app', 'resource.json'), JSON.stringify({ formatVersion: '1', entry: 'src/app.ts', class: 'App', requires: { r0: '^1.0' } }));
    const app = { name: 'app', root: 'app' };
    const env = { ...process.env, MODELOS_CACHE_DIR: path.join(tmp, 'cache') };
    const rows = [];
    for (const run of ['cold (no index, no lock, nothing installed)', 'warm (index, lock and clients in place)']) {
      proxy.reset();
      const result = await timed(() => resolveWorkspace({ workspaceRoot: ws, resources: [app], workspace: [app], registry, env }));
      const counts = proxy.counts;
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      rows.push([run, String(result.value.resolved.length), String(result.value.installed.length), String(total), Object.entries(counts).sort().map(([m, n]) => `${m} ${n}`).join(', '), result.ms.toFixed(0)]);
    }
    printTable(['resolve of a 20-resource graph', 'resolved', 'installed', 'requests', 'by method', 'ms'], rows);
  } finally {
    proxy?.close();
    if (server) await server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  await resolverPart();
  console.log('');
  await registryPart();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
