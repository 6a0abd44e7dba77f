#!/usr/bin/env node
// Using-versions benchmark (issue 4), on the built core (`npm run build` first):
// 1. Interface extraction and diff of 50 generated resources (tools/bench-resources.js), each
//    written twice, "before" and "after" one change: extractInterface of both plus
//    diffInterfaces, cold (new process, empty cache dir) and warm (new process, same cache dir),
//    beside the naive way: a ts-morph Project with the type checker comparing the classes' members
//    by their checker-printed types.
// 2. Round trips of a generated client: a resource released for real (releaseResource into a
//    layout registry from a temp git workspace), its client and server packages installed with
//    `install()` into a temp npm project, `node server.js --port 0`, then 10,000 sequential
//    `bake(1)` calls through HamClient; beside a bare node:http JSON echo server called the way
//    the client runtime calls (http.request, keep-alive agent, JSON bodies), and ham's
//    server.js called that way without the generated client, to split client from server cost.
//    One client process takes turns between the three, each server runs in a process of its own.
//   node tools/bench-using-versions.js [--keep]
'use strict';
const { execFile, execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { CHANGES, resourceName, entryOf, writeSharedProject, writeResource } = require('./bench-resources');
const { printTable } = require('./bench-table');

const CORE = path.join(__dirname, '..', 'packages', 'versioning-core');
const RUNTIME = path.join(__dirname, '..', 'packages', 'runtime');
const DIST = path.join(CORE, 'dist');
const RESOURCES = 50;
/** A type-checked program per resource is slow: measure this many (one of each change) and extrapolate. */
const NAIVE_SAMPLE = 4;
const CALLS = 10_000;
const WARMUP_CALLS = 200;
const BLOCK_CALLS = 500;
/** Bounds the call loops: they stop early (and say so) rather than run past this. */
const LOOP_BUDGET_MS = 60_000;
const CHILD_TIMEOUT_MS = 90_000;
const SERVER_START_TIMEOUT_MS = 20_000;
const KEEP = process.argv.includes('--keep');

const changeOf = (i) => Object.keys(CHANGES)[i % Object.keys(CHANGES).length];
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const fixed = (n, digits = 0) => n.toFixed(digits);

// ---------------------------------------------------------------- 1. interface extraction and diff

function generateInterfaces(ws) {
  writeSharedProject(ws);
  for (let i = 0; i < RESOURCES; i++) {
    writeResource(ws, i, { dir: 'before' });
    writeResource(ws, i, { dir: 'after', change: changeOf(i) });
  }
}

/** In a child process: ours on all resources; prints timings and the bumps as JSON. */
function oursChild(ws, cacheDir) {
  const started = process.hrtime.bigint();
  const { extractInterface, diffInterfaces } = require(path.join(DIST, 'interface'));
  let diffMs = 0;
  const bumps = [];
  for (let i = 0; i < RESOURCES; i++) {
    const className = resourceName(i);
    const before = extractInterface({ entryFile: entryOf(ws, i, 'before'), className, cacheDir });
    const after = extractInterface({ entryFile: entryOf(ws, i, 'after'), className, cacheDir });
    const diffStarted = process.hrtime.bigint();
    bumps.push(diffInterfaces(before, after).bump);
    diffMs += ms(diffStarted);
  }
  return { ms: ms(started), diffMs, bumps };
}

/**
 * In a child process: the naive way on resources 0..count-1, a program per resource (as a
 * per-target implementation would build it) or one program for all of them.
 */
function naiveChild(ws, mode, count) {
  const started = process.hrtime.bigint();
  const { Project } = require('ts-morph');
  const typed = () =>
    new Project({
      compilerOptions: { strict: true, target: 9 /* ES2022 */, paths: { '@bench/shared': [path.join(ws, 'shared/src/index.ts')] } },
    });
  const pairs = (project, from, to) =>
    Array.from({ length: to - from }, (_, k) => ['before', 'after'].map((dir) => project.addSourceFileAtPath(entryOf(ws, from + k, dir))));
  const bumps = [];
  const diff = (project, files, i) => {
    const [before, after] = files.map((file) => checkedMembers(project, file, resourceName(i)));
    bumps.push(naiveBump(before, after));
  };
  if (mode === 'per-resource') {
    for (let i = 0; i < count; i++) {
      const project = typed();
      const [files] = pairs(project, i, i + 1);
      project.resolveSourceFileDependencies();
      diff(project, files, i);
    }
  } else {
    const project = typed();
    const all = pairs(project, 0, count);
    project.resolveSourceFileDependencies();
    all.forEach((files, i) => diff(project, files, i));
  }
  return { ms: ms(started), bumps };
}

/** Public constructor and methods of the class, each parameter and return type as the checker prints it. */
function checkedMembers(project, file, className) {
  const checker = project.getTypeChecker();
  const cls = file.getClassOrThrow(className);
  const signature = (node, returns) => ({
    parameters: node.getParameters().map((p) => ({ type: checker.getTypeText(p.getType(), p), optional: p.isOptional() })),
    returns: returns ? checker.getTypeText(node.getReturnType(), node) : null,
  });
  const members = new Map(cls.getConstructors().map((ctor) => ['constructor', signature(ctor, false)]));
  for (const method of cls.getMethods()) {
    if (method.hasModifier('private') || method.hasModifier('protected')) continue;
    members.set(`${method.isStatic() ? 'static ' : ''}${method.getName()}`, signature(method, true));
  }
  return members;
}

/** Removed member, parameter or changed type → major; new member or optional parameter → minor. */
function naiveBump(before, after) {
  const rank = { none: 0, minor: 1, major: 2 };
  let bump = 'none';
  const raise = (to) => {
    if (rank[to] > rank[bump]) bump = to;
  };
  for (const [name, was] of before) {
    const is = after.get(name);
    if (!is) {
      raise('major');
      continue;
    }
    if (is.parameters.length < was.parameters.length || is.returns !== was.returns) raise('major');
    is.parameters.forEach((p, k) => {
      const old = was.parameters[k];
      if (!old) raise(p.optional ? 'minor' : 'major');
      else if (old.type !== p.type || (old.optional && !p.optional)) raise('major');
      else if (!old.optional && p.optional) raise('minor');
    });
  }
  for (const name of after.keys()) if (!before.has(name)) raise('minor');
  return bump;
}

async function benchInterfaces(root) {
  const ws = path.join(root, 'interfaces');
  const cacheDir = path.join(ws, '.modelos', 'cache', 'interface');
  generateInterfaces(ws);
  const expected = Array.from({ length: RESOURCES }, (_, i) => CHANGES[changeOf(i)]);
  const cold = await runChild(['ours', ws, cacheDir]);
  const warm = await runChild(['ours', ws, cacheDir]);
  const oneProgram = await runChild(['naive', ws, 'one-program', String(RESOURCES)]);
  const perResource = await runChild(['naive', ws, 'per-resource', String(NAIVE_SAMPLE)]);
  const agreement = (bumps) => {
    const wrong = bumps.map((bump, i) => (bump === expected[i] ? null : `${resourceName(i)} ${changeOf(i)}: ${bump}`)).filter(Boolean);
    return wrong.length ? `${wrong.length} wrong (${wrong.slice(0, 2).join('; ')})` : `all ${bumps.length} right`;
  };
  const scale = RESOURCES / NAIVE_SAMPLE;
  const per = (total) => `${fixed(total / RESOURCES, 1)} ms`;
  const row = (label, run, factor = 1) => [
    label,
    fixed(run.wallMs * factor),
    fixed(run.ms * factor),
    per(run.ms * factor),
    run.diffMs === undefined ? '-' : fixed(run.diffMs, 1),
    agreement(run.bumps),
  ];
  console.log(
    `\n1. interface of ${RESOURCES} resources, before and after one change each (${Object.keys(CHANGES).join(', ')}, in turn): ` +
      `extract both + diff; node ${process.version}, ${os.cpus().length} cpus`,
  );
  printTable(
    ['run', 'process ms', 'work ms', 'per resource', 'of which diff ms', 'bumps'],
    [
      row('ours, cold: new process, empty cache dir', cold),
      row('ours, warm: new process, same cache dir', warm),
      row('naive: one type-checked program, checker types of members', oneProgram),
      row(`naive: a type-checked program per resource (${NAIVE_SAMPLE} measured, ×${fixed(scale, 1)})`, perResource, scale),
    ],
  );
  console.log(`cache dir after the cold run: ${fs.readdirSync(cacheDir).length} entries (${2 * RESOURCES} resource files + shared ones)`);
  console.log('naive sees referenced types by name only (a changed property of Money goes unnoticed); ours diffs them too.');
}

// ---------------------------------------------------------------- 2. round trips

const HAM = `/** A small resource for the round-trip benchmark. */
export interface Slice {
  index: number;
  thickness: number;
}

export class Ham {
  constructor(private readonly label: string) {}

  bake(temp: number): number {
    return temp + 1;
  }

  slice(n: number): Slice[] {
    return Array.from({ length: n }, (_, index) => ({ index, thickness: 2 }));
  }

  describe(): string {
    return \`ham \${this.label}\`;
  }

  static getTemp(): number {
    return 180;
  }
}
`;

/** A git workspace with resource `ham` (scope @bench), released as v1.0.0 into a layout registry. */
async function releaseHam(root) {
  const ws = path.join(root, 'ws');
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
    fs.writeFileSync(path.join(ws, file), text);
  };
  write('package.json', JSON.stringify({ name: '@bench/source', private: true }, null, 2));
  write('.gitignore', '.modelos/\nnode_modules/\n');
  write('tsconfig.base.json', JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs' } }));
  write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {} }));
  write('ham/tsconfig.json', JSON.stringify({ extends: '../tsconfig.base.json', files: [], include: [] }));
  write('ham/src/ham.ts', HAM);
  const git = (...args) => execFileSync('git', args, { cwd: ws, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'bench@example.com');
  git('config', 'user.name', 'Bench');
  git('add', '-A');
  git('commit', '-q', '-m', 'ham');
  const { releaseResource } = require(DIST);
  const registry = path.join(root, 'registry');
  const ham = { name: 'ham', root: 'ham' };
  const started = process.hrtime.bigint();
  const result = await releaseResource({ workspaceRoot: ws, resource: ham, closure: [ham], registry: { kind: 'layout', dir: registry }, mainBranch: 'main' });
  if (!result.released || result.version !== 'v1.0.0') throw new Error(`release of ham did not give v1.0.0: ${JSON.stringify(result)}`);
  return { registry, releaseMs: ms(started), tags: result.tags };
}

/**
 * A plain npm project with core and the runtime it depends on packed from this repository (the
 * runtime is on no npm registry; their other dependencies come from the npm cache), then ham's
 * client and server packages installed from the registry with `install()`.
 */
async function consumerProject(root, registry) {
  const consumer = path.join(root, 'consumer');
  fs.mkdirSync(consumer);
  const overrides = { '@modelos/runtime': '$@modelos/runtime' };
  fs.writeFileSync(path.join(consumer, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, overrides }, null, 2)}\n`);
  // Offline where the cache allows: this measures calls, not the network.
  const env = { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
  const npm = (args, cwd) => execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const started = process.hrtime.bigint();
  const packed = [RUNTIME, CORE].map((dir) => path.join(root, JSON.parse(npm(['pack', '--json', '--pack-destination', root], dir))[0].filename));
  npm(['install', ...packed], consumer);
  const { install } = require(DIST);
  const client = await install(`${registry}:ham-client-v1`, { cwd: consumer, env });
  const server = await install(`${registry}:ham-pkg-v1.0.0`, { cwd: consumer, env });
  return { consumer, client: client.name, server: server.name, installMs: ms(started) };
}

/** Spawns `node <args>`, resolved with its URL once it prints `listening on <url>`. */
function startServer(args) {
  const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not report listening within ${SERVER_START_TIMEOUT_MS} ms`)), SERVER_START_TIMEOUT_MS);
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code} before listening`));
    });
  });
}

/** In a child process: the bare JSON echo server, answering `{ result: args[0] }`. */
function echoServer() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const text = JSON.stringify({ result: JSON.parse(Buffer.concat(chunks).toString('utf8')).args[0] });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
}

/** What the client runtime does per call: http.request on a keep-alive agent, a JSON body, a JSON answer. */
function jsonRequest(agent, method, url, args) {
  const body = args === undefined ? undefined : JSON.stringify({ args });
  const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode >= 300) reject(new Error(`${method} ${url} answered ${res.statusCode}: ${text}`));
        else resolve(text ? JSON.parse(text) : undefined);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Each caller WARMUP_CALLS times, then CALLS times each, in blocks taking turns (so that load
 * from elsewhere on the machine falls on all of them alike), within LOOP_BUDGET_MS overall.
 * Latency figures in ms; calls/s over the time spent in each caller's own calls.
 */
async function timeInterleaved(callers) {
  for (const { call } of callers) for (let i = 0; i < WARMUP_CALLS; i++) await call();
  const runs = callers.map(() => ({ latencies: new Float64Array(CALLS), count: 0 }));
  const started = process.hrtime.bigint();
  for (let round = 0; runs.some((run) => run.count < CALLS) && ms(started) < LOOP_BUDGET_MS; round++) {
    for (let k = 0; k < callers.length; k++) {
      const turn = (round + k) % callers.length;
      const { call } = callers[turn];
      const run = runs[turn];
      for (const end = Math.min(CALLS, run.count + BLOCK_CALLS); run.count < end; ) {
        const t = process.hrtime.bigint();
        await call();
        run.latencies[run.count++] = ms(t);
      }
    }
  }
  return runs.map(({ latencies, count }) => {
    const sorted = latencies.subarray(0, count).sort();
    const spent = sorted.reduce((sum, x) => sum + x, 0);
    return { count, median: sorted[Math.floor(count / 2)], p99: sorted[Math.ceil(count * 0.99) - 1], max: sorted[count - 1], perSecond: (count / spent) * 1000 };
  });
}

/**
 * In a child process: bake(1) through the installed generated client; bake(1) on the same server
 * with the client runtime's request mechanism alone; the echo server with that mechanism.
 */
async function callsChild(consumer, clientName, hamUrl, echoUrl) {
  const { HamClient } = require(require.resolve(clientName, { paths: [consumer] }));
  const server = await HamClient.fromUri(hamUrl);
  const agent = new http.Agent({ keepAlive: true });
  try {
    const ham = await server.create('bench');
    const { id } = await jsonRequest(agent, 'POST', `${hamUrl}/instances`, ['bench']);
    const callers = [
      { call: () => ham.bake(1), expected: 2 },
      { call: async () => (await jsonRequest(agent, 'POST', `${hamUrl}/instances/${id}/bake`, [1])).result, expected: 2 },
      { call: async () => (await jsonRequest(agent, 'POST', echoUrl, [1])).result, expected: 1 },
    ];
    for (const [k, { call, expected }] of callers.entries()) {
      const answer = await call();
      if (answer !== expected) throw new Error(`caller ${k} got ${JSON.stringify(answer)} for 1, not ${expected}`);
    }
    const figures = await timeInterleaved(callers);
    await jsonRequest(agent, 'DELETE', `${hamUrl}/instances/${id}`);
    await ham[Symbol.asyncDispose]();
    return figures;
  } finally {
    agent.destroy();
    await server.close();
  }
}

async function benchRoundTrips(root) {
  const { registry, releaseMs, tags } = await releaseHam(root);
  const { consumer, client, server, installMs } = await consumerProject(root, registry);
  const serverJs = path.join(consumer, 'node_modules', ...server.split('/'), 'server.js');
  const hamUrl = await startServer([serverJs, '--port', '0']);
  const echoUrl = await startServer([__filename, '--echo-server']);
  const { figures } = await runChild(['calls', consumer, client, hamUrl, echoUrl]);
  const [generated, bareOnHam, bare] = figures;
  console.log(
    `\n2. round trips: ${CALLS} sequential calls per row after ${WARMUP_CALLS} warm-up ones, rows taking turns in blocks of ${BLOCK_CALLS}; ` +
      `one client process, each server a process of its own\n` +
      `setup: release ham v1.0.0 into a layout registry ${fixed(releaseMs)} ms (${tags.join(', ')}); ` +
      `npm pack core + npm install it, ${client} and ${server} ${fixed(installMs)} ms`,
  );
  const row = (label, run) => [
    label,
    run.count === CALLS ? String(run.count) : `${run.count} (stopped at ${LOOP_BUDGET_MS} ms)`,
    fixed(run.median, 3),
    fixed(run.p99, 3),
    fixed(run.max, 2),
    fixed(run.perSecond),
  ];
  printTable(
    ['calls', 'n', 'median ms', 'p99 ms', 'max ms', 'calls/s'],
    [
      row(`generated client: ham.bake(1) via ${client} → node server.js of ${server}`, generated),
      row('same request mechanism without the client (POST /instances/<id>/bake) → the same server.js', bareOnHam),
      row('same request mechanism (http.request, keep-alive agent) → bare node:http JSON echo', bare),
    ],
  );
}

// ---------------------------------------------------------------- plumbing

/** Every process this run starts, stopped at its end whatever happens. */
const children = new Set();

function track(child) {
  children.add({ child, exited: new Promise((resolve) => child.once('exit', resolve)) });
  return child;
}

async function stopAll() {
  for (const { child, exited } of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
  }
}

/** This script in a new process in child mode; its JSON result plus the process's wall time. */
function runChild(args) {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const options = { encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 24 };
    track(
      execFile(process.execPath, [__filename, '--child', ...args], options, (err, stdout) => {
        if (err) reject(err);
        else resolve({ ...JSON.parse(stdout), wallMs: ms(started) });
      }),
    );
  });
}

async function childMain([mode, ...args]) {
  const result =
    mode === 'ours'
      ? oursChild(...args)
      : mode === 'naive'
        ? naiveChild(args[0], args[1], Number(args[2]))
        : mode === 'calls'
          ? { figures: await callsChild(...args) }
          : undefined;
  if (!result) throw new Error(`unknown child mode ${mode}`);
  process.stdout.write(JSON.stringify(result));
}

async function main() {
  if (!fs.existsSync(path.join(DIST, 'index.js'))) throw new Error(`${DIST} is not built: run npm run build`);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-bench-using-versions-'));
  const interrupted = () => {
    for (const { child } of children) child.kill();
    if (!KEEP) fs.rmSync(root, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const started = process.hrtime.bigint();
  try {
    await benchInterfaces(root);
    await benchRoundTrips(root);
    console.log(`\nwhole run ${fixed(ms(started) / 1000, 1)} s`);
  } finally {
    await stopAll();
    if (KEEP) console.log(`temp dir kept: ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

const fail = (err) => {
  console.error(err);
  process.exitCode = 1;
};
if (process.argv[2] === '--child') childMain(process.argv.slice(3)).catch(fail);
else if (process.argv[2] === '--echo-server') echoServer();
else main().catch(fail);
