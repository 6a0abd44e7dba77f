#!/usr/bin/env node
// Endpoint benchmark (issue 7), on core's sources (TypeScript transpiled on load, as ts-jest does):
// 1. Overhead: 10,000 sequential `whoami()` calls of a generated HamClient through
//    `mdl endpoint` (one version, one replica) beside 10,000 straight to a server of the same
//    package (`startLocalServer`), in alternating blocks of 500, same run, each server a process.
// 2. Split: the environment set to v1.0.0=90,v1.1.0=10 (SIGHUP to the endpoint), 10,000 new
//    instances created through it, observed shares from its /-/status.
// 3. Failures: 4 concurrent clients (create, 20 calls, dispose) for 9 s while the environment
//    goes to 50/50, a replica is SIGKILLed, and it is rolled back to v1.0.0; failed calls counted,
//    split into 502s of instances on the killed replica and anything else.
// Everything runs against an OCI image-layout registry in a temp dir (no registry needed).
//   node tools/bench-endpoint.js
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const ts = require('typescript');
const { printTable } = require('./bench-table');

const SRC = path.join(__dirname, '..', 'packages', 'versioning-core', 'src');
const CALLS = 10_000;
const BLOCK = 500;
const INSTANCES = 10_000;
const LOAD_MS = 9_000;

require.extensions['.ts'] = (module, file) =>
  module._compile(
    ts.transpileModule(fs.readFileSync(file, 'utf8'), { fileName: file, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText,
    file,
  );
const { openRepository, parseRegistryReference } = require(path.join(SRC, 'oci'));
const { promote, traffic, rollback } = require(path.join(SRC, 'environments'));
const { startLocalServer } = require(path.join(__dirname, '..', 'packages', 'runtime', 'src', 'local-server', 'local-server'));
const { publishServedRelease, hamClient } = require(path.join(SRC, 'test-support', 'served-release'));
const { tsNodeArgs } = require(path.join(SRC, 'test-support', 'run-ts'));

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-endpoint-'));
  const env = { ...process.env, MODELOS_CACHE_DIR: path.join(work, 'cache'), USER: 'bench' };
  delete env.MODELOS_REGISTRY;
  const registryDir = path.join(work, 'registry');
  const repo = openRepository(parseRegistryReference(registryDir, work), 'ham');
  for (const version of ['1.0.0', '1.1.0']) await publishServedRelease(repo, 'bench', version);
  const change = { repo, resource: 'ham', environment: 'bench', settleMs: 20, env };
  await promote({ ...change, version: 'v1.0.0' });

  const endpoint = spawn(process.execPath, tsNodeArgs(path.join(SRC, 'cli', 'mdl.ts'), ['endpoint', `${registryDir}:ham@bench`, '--poll-ms', '600000']), {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const direct = await startLocalServer({ registry: registryDir, resource: 'ham', version: 'v1.0.0', env });
  try {
    const url = await listening(endpoint);
    const HamClient = hamClient(registryDir);
    const overhead = await measureOverhead(await HamClient.fromUri(direct.url), await HamClient.fromUri(url), endpoint.pid);
    console.log(`\nGenerated-client call latency, ${CALLS} whoami() calls each, alternating blocks of ${BLOCK} (node ${process.version}, ${os.cpus().length} cores)`);
    printTable(['path', 'p50 ms', 'p99 ms', 'mean ms'], overhead.rows);
    console.log(`added by the endpoint: p50 ${overhead.addedP50.toFixed(3)} ms (goal ≤ 0.2), p99 ${overhead.addedP99.toFixed(3)} ms (goal ≤ 1)`);
    console.log(
      `CPU (user + system) per call: endpoint ${overhead.cpuPerCallUs.toFixed(1)} µs, beside the server's own ${overhead.serverCpuPerCallUs.toFixed(1)} µs (less sensitive to other load than the percentiles)`,
    );

    await traffic({ ...change, weights: 'v1.0.0=90,v1.1.0=10', replicas: 2 });
    await refreshed(endpoint, url, 2);
    const server = await HamClient.fromUri(url);
    // Servers cap live instances (1000 each): each instance is disposed once its version is known.
    const observed = new Map();
    for (let i = 0; i < INSTANCES; i++) {
      const ham = await server.create(`h${i}`);
      const { version } = await ham.whoami();
      observed.set(version, (observed.get(version) ?? 0) + 1);
      await ham[Symbol.asyncDispose]();
    }
    const split = await status(url);
    console.log(`\nSplit of ${INSTANCES} new instances, asked v1.0.0=90,v1.1.0=10`);
    printTable(['version', 'asked %', 'observed %'], split.versions.map((v) => [v.version, (v.share * 100).toFixed(1), (((observed.get(v.version.slice(1)) ?? 0) / INSTANCES) * 100).toFixed(2)]));

    const failures = await underChanges(HamClient, url, endpoint, change);
    console.log(`\nCalls during ${LOAD_MS / 1000} s of 4 concurrent clients: traffic 50/50, a replica SIGKILLed, rollback to v1.0.0`);
    printTable(['calls', 'failed: instance on the killed replica (502)', 'failed: anything else'], [[failures.calls, failures.lost, failures.other]]);
    if (failures.otherMessages.length) console.log(failures.otherMessages.slice(0, 5).join('\n'));
  } finally {
    endpoint.kill('SIGTERM');
    await direct.stop();
    await new Promise((resolve) => (endpoint.exitCode !== null ? resolve() : endpoint.once('exit', resolve)));
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function measureOverhead(directServer, endpointServer, endpointPid) {
  const [viaDirect, viaEndpoint] = [await directServer.create('d'), await endpointServer.create('e')];
  for (let i = 0; i < 500; i++) await Promise.all([viaDirect.whoami(), viaEndpoint.whoami()]);
  const serverPid = (await viaDirect.whoami()).pid;
  const cpuBefore = [cpuSeconds(endpointPid), cpuSeconds(serverPid)];
  const samples = { direct: [], endpoint: [] };
  for (let done = 0; done < CALLS; done += BLOCK) {
    for (const [name, ham] of [['direct', viaDirect], ['endpoint', viaEndpoint]]) {
      for (let i = 0; i < BLOCK; i++) {
        const start = process.hrtime.bigint();
        await ham.whoami();
        samples[name].push(Number(process.hrtime.bigint() - start) / 1e6);
      }
    }
  }
  const cpuPerCallUs = ((cpuSeconds(endpointPid) - cpuBefore[0]) / CALLS) * 1e6;
  const serverCpuPerCallUs = ((cpuSeconds(serverPid) - cpuBefore[1]) / CALLS) * 1e6;
  const stats = Object.fromEntries(
    Object.entries(samples).map(([name, values]) => {
      const sorted = values.sort((a, b) => a - b);
      return [name, { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), mean: values.reduce((a, b) => a + b, 0) / values.length }];
    }),
  );
  const row = (label, s) => [label, s.p50.toFixed(3), s.p99.toFixed(3), s.mean.toFixed(3)];
  return {
    rows: [row('straight to the server (baseline)', stats.direct), row('through mdl endpoint', stats.endpoint)],
    addedP50: stats.endpoint.p50 - stats.direct.p50,
    addedP99: stats.endpoint.p99 - stats.direct.p99,
    cpuPerCallUs,
    serverCpuPerCallUs,
  };
}

/** User plus system CPU time a process has used, from /proc (Linux), in seconds. */
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

async function underChanges(HamClient, url, endpoint, change) {
  const server = await HamClient.fromUri(url);
  const result = { calls: 0, lost: 0, other: 0, otherMessages: [] };
  let killedPid = 0;
  let running = true;
  const client = async (n) => {
    while (running) {
      let first;
      try {
        const ham = await server.create(`c${n}`);
        first = await ham.whoami();
        result.calls += 2;
        for (let i = 0; i < 20 && running; i++) {
          await ham.whoami();
          result.calls++;
        }
        await ham[Symbol.asyncDispose]();
        result.calls++;
      } catch (err) {
        result.calls++;
        if (first && first.pid === killedPid && err.status === 502) result.lost++;
        else {
          result.other++;
          result.otherMessages.push(err.message);
        }
      }
    }
  };
  const load = Promise.all([0, 1, 2, 3].map(client));
  await pause(LOAD_MS / 4);
  await traffic({ ...change, weights: 'v1.0.0=50,v1.1.0=50' });
  endpoint.kill('SIGHUP');
  await pause(LOAD_MS / 4);
  const victim = await server.create('victim');
  killedPid = (await victim.whoami()).pid;
  process.kill(killedPid, 'SIGKILL');
  await pause(LOAD_MS / 4);
  await rollback({ ...change, to: 'v1.0.0' });
  endpoint.kill('SIGHUP');
  await pause(LOAD_MS / 4);
  running = false;
  await load;
  return result;
}

function listening(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)\n/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`mdl endpoint exited with ${code}`)));
  });
}

async function status(url) {
  return (await fetch(`${url}/-/status`)).json();
}

async function refreshed(endpoint, url, n) {
  endpoint.kill('SIGHUP');
  for (let i = 0; i < 300; i++) {
    if ((await status(url)).entry.n === n) return;
    await pause(100);
  }
  throw new Error(`the endpoint did not pick up entry #${n}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
