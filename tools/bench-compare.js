#!/usr/bin/env node
// Compare benchmark (SPEC §10): two stored versions of a resource carrying a 200 MiB model
// (different weights, different metrics), compared by core's compareResourceVersions through a
// counting HTTP proxy in front of a throwaway registry; beside the baseline of pulling the same
// two versions whole (skopeo copy of both, through the same proxy). Goal: configs only, < 1 MiB.
// Needs the built core (`npm run build`).
//   node tools/bench-compare.js [--mib 200] [--keep]
'use strict';
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');
const { commitAll, initHamWorkspace, MiB, writeRandomFile } = require('./bench-model-workspace');
const { printTable } = require('./bench-table');

const CORE = path.join(__dirname, '..', 'packages', 'versioning-core', 'dist', 'index.js');
const at = process.argv.indexOf('--mib');
const MODEL_MIB = at === -1 ? 200 : Number(process.argv[at + 1]);
const KEEP = process.argv.includes('--keep');

/** A pass-through proxy that counts requests and the response bytes it hands back. */
async function countingProxy(upstreamHost) {
  const [hostname, port] = upstreamHost.split(':');
  const counts = { requests: 0, bytes: 0, urls: [] };
  const server = http.createServer((req, res) => {
    counts.requests++;
    counts.urls.push(`${req.method} ${req.url}`);
    const upstream = http.request({ host: hostname, port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.on('data', (chunk) => (counts.bytes += chunk.length));
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${server.address().port}`,
    async measure(run) {
      Object.assign(counts, { requests: 0, bytes: 0, urls: [] });
      const started = process.hrtime.bigint();
      const value = await run();
      return { value, ms: Number(process.hrtime.bigint() - started) / 1e6, requests: counts.requests, bytes: counts.bytes, urls: [...counts.urls] };
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

async function storeVersion(ws, write, registryUrl, seed, metrics) {
  const { storeResource, parseRegistryReference } = require(CORE);
  write('ham/metrics.json', JSON.stringify(metrics));
  await writeRandomFile(path.join(ws, 'ham', 'model.bin'), MODEL_MIB);
  commitAll(ws, `model ${seed}`);
  const ham = { name: 'ham', root: 'ham' };
  const result = await storeResource({ workspaceRoot: ws, resource: ham, closure: [ham], registry: parseRegistryReference(registryUrl, ws) });
  return result.tags[0];
}

const kib = (bytes) => (bytes / 1024).toFixed(1);

async function main() {
  const { startRegistry } = require('./registry');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-bench-compare-'));
  process.env.MODELOS_CACHE_DIR = path.join(tmp, 'cache');
  let registry;
  let proxy;
  try {
    registry = await startRegistry({ dataDir: path.join(tmp, 'registry') });
    const registryUrl = `oci://${registry.host}/bench`;
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws);
    const write = initHamWorkspace(ws, { metricsFile: 'metrics.json' });
    let started = Date.now();
    const from = await storeVersion(ws, write, registryUrl, 'v1', { accuracy: 0.89, experiment: 'baseline' });
    const to = await storeVersion(ws, write, registryUrl, 'v2', { accuracy: 0.92, experiment: 'more-data' });
    console.log(`stored ham ${from} and ${to}, each with a ${MODEL_MIB} MiB model.bin, in ${((Date.now() - started) / 1000).toFixed(1)} s; registry ${registry.host}`);

    proxy = await countingProxy(registry.host);
    const { compareResourceVersions, openRepository, parseRegistryReference } = require(CORE);
    const viaProxy = parseRegistryReference(`oci://${proxy.host}/bench`, ws);
    // A fresh user cache: no index, no config read before.
    const compare = await proxy.measure(() => compareResourceVersions(openRepository(viaProxy, 'ham'), { from, to }));
    const c = compare.value;
    const layerGets = compare.urls.filter((url) => /^GET .*\/blobs\//.test(url)).length;
    const warm = await proxy.measure(() => compareResourceVersions(openRepository(viaProxy, 'ham'), { from, to }));
    const workingTree = await proxy.measure(() =>
      compareResourceVersions(openRepository(viaProxy, 'ham'), { from: to, workingTree: { workspaceRoot: ws, resource: { name: 'ham', root: 'ham' }, closure: [{ name: 'ham', root: 'ham' }] } }),
    );

    const pull = await proxy.measure(async () => {
      for (const tag of [from, to]) {
        // Asynchronous: the counting proxy runs in this process's event loop.
        await promisify(execFile)('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${proxy.host}/bench/ham:${tag}`, `oci:${path.join(tmp, 'pulled')}:${tag}`]);
      }
    });

    const accuracy = c.metrics.find((m) => m.name === 'accuracy');
    console.log(`compare: size ${c.size.from} → ${c.size.to} bytes; accuracy ${accuracy.from} → ${accuracy.to} (${accuracy.difference}); model.bin changed: ${c.files[0].changed.some((f) => f.path === 'ham/model.bin')}`);
    console.log(`compare GETs of blobs (configs): ${layerGets}; a layer is ${MODEL_MIB} MiB, so any layer read would show in the bytes\n`);
    printTable(
      ['operation', 'requests', 'KiB downloaded', 'ms'],
      [
        ['compare from to (cold cache)', compare.requests, kib(compare.bytes), compare.ms.toFixed(0)],
        ['compare from to (warm cache)', warm.requests, kib(warm.bytes), warm.ms.toFixed(0)],
        ['compare to working tree', workingTree.requests, kib(workingTree.bytes), workingTree.ms.toFixed(0)],
        ['baseline: skopeo copy both', pull.requests, kib(pull.bytes), pull.ms.toFixed(0)],
      ],
    );
    const goal = compare.bytes < MiB ? 'met' : 'MISSED';
    console.log(`\ngoal (configs only, < 1 MiB): ${goal}; compare downloaded ${(pull.bytes / Math.max(compare.bytes, 1)).toFixed(0)}x less than the pull`);
  } finally {
    await proxy?.close();
    await registry?.stop();
    if (KEEP) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
