#!/usr/bin/env node
// Scale inside Nx: our targets run by `nx run-many` over 100 resources (10,000 commits, 2,000
// `mdl-<res>-v*` release tags and the matching releases in a throwaway registry: bench-release's
// generator) with and without NX_BATCH_MODE (per task, with and without the task worker), beside `nx release version --dry-run` (conventional
// commits, git-tag resolver) and a no-op custom executor on the same workspace, in the same run;
// `pack` with nothing cached (a fresh CI clone), both ways, beside the same floors; then `nx show projects` over 1,000 resources with and without the plugin, cold and warm.
// The workspace is a real one: nx from the npm registry, our packages installed from `npm pack`
// tarballs (as users get them). Needs the build (`npm run build`) and npm's registry (or cache).
//   node tools/bench-scale.js [--runs 5] [--run-many-runs 3] [--keep] [--show-projects]
'use strict';
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { printTable } = require('./bench-table');
const { RESOURCES, COMMITS, name, root, generateReleasedWorkspace } = require('./bench-release');

const REPO = path.join(__dirname, '..');
const NX_VERSION = require('../package.json').devDependencies.nx;
const PACKAGES = { '@modelos/runtime': 'packages/runtime', '@modelos/versioning-core': 'packages/versioning-core', '@modelos/nx': 'packages/nx-modelos' };
const SHOW_PROJECTS_RESOURCES = 1_000;
const option = (flag, fallback) => {
  const at = process.argv.indexOf(`--${flag}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
/** Repeats of each show-projects figure (median). */
const RUNS = option('runs', 5);
/** Repeats of each run-many row (median). */
const RUN_MANY_RUNS = option('run-many-runs', 3);
const KEEP = process.argv.includes('--keep');
/** `--show-projects`: only the `nx show projects` figures (a few minutes instead of a quarter hour). */
const ONLY_SHOW_PROJECTS = process.argv.includes('--show-projects');
const GOALS = { batchVsNxRelease: 0.5, perTaskVsNoop: 1.3, showProjectsAddedS: 0.1 };

const write = (dir, file, content) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
};
const git = (dir, args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
const seconds = (ms) => (ms / 1000).toFixed(2);

/** `npm pack` of our packages: the bytes users install. */
function packTarballs(dir) {
  return Object.fromEntries(
    Object.entries(PACKAGES).map(([pkg, source]) => {
      const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: path.join(REPO, source), encoding: 'utf8' }));
      return [pkg, `file:${path.join(dir, filename)}`];
    }),
  );
}

/** A custom executor that does nothing, with a batch twin: the floor any custom executor pays. */
function writeNoopPlugin(ws) {
  write(ws, 'tools/noop/package.json', { name: '@bench/noop', version: '1.0.0', executors: './executors.json' });
  write(ws, 'tools/noop/executors.json', {
    executors: { noop: { implementation: './noop.js', batchImplementation: './noop.js#batch', schema: './schema.json', description: 'nothing' } },
  });
  write(ws, 'tools/noop/schema.json', { type: 'object', properties: {} });
  write(
    ws,
    'tools/noop/noop.js',
    "'use strict';\nmodule.exports = async () => {\n  console.log('noop ran');\n  return { success: true };\n};\n// Nx 23 prints no batch terminalOutput with --outputStyle=static: a line per task, as ours do.\nmodule.exports.batch = async (taskGraph, inputs) =>\n  Object.fromEntries(Object.keys(inputs).map((id) => (console.log('noop ran'), [id, { success: true, terminalOutput: 'noop ran\\n' }])));\n",
  );
}

/** Root package.json, nx.json and the install: nx, the no-op plugin and ours from tarballs. */
function installNx(ws, tarballs, registryRef) {
  write(ws, 'package.json', {
    name: 'bench',
    private: true,
    // @nx/js: the version actions nx release uses for package.json projects.
    devDependencies: { nx: NX_VERSION, '@nx/devkit': NX_VERSION, '@nx/js': NX_VERSION, '@bench/noop': 'file:./tools/noop', ...tarballs },
    // @modelos/nx asks for versioning-core 0.1.0: the tarball is that version.
    overrides: { '@modelos/runtime': '$@modelos/runtime', '@modelos/versioning-core': '$@modelos/versioning-core' },
  });
  write(ws, 'nx.json', {
    plugins: [{ plugin: '@modelos/nx', options: { registry: registryRef, mainBranch: 'main' } }],
    release: {
      projects: ['r*'],
      projectsRelationship: 'independent',
      releaseTag: { pattern: 'mdl-{projectName}-v{version}' },
      // The shorthand: versions from conventional commits, current versions from git tags.
      version: { conventionalCommits: true },
    },
  });
  fs.appendFileSync(path.join(ws, '.gitignore'), '.nx/\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: ws, stdio: 'inherit' });
  git(ws, ['add', '-A']);
  git(ws, ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '-m', 'chore: nx workspace']);
}

/**
 * A CI checkout has a remote. Without one, every Nx process (each task's included) derives the
 * workspace id from `git rev-list --max-parents=0 HEAD`, a walk of all history: ~30 ms of CPU
 * per process at 10,000 commits that would inflate the no-op floor. Never fetched.
 */
function addOrigin(ws) {
  git(ws, ['remote', 'add', 'origin', 'https://git.example.com/acme/bench.git']);
}

function nxEnv(ws, extra = {}) {
  return {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    CI: 'true',
    FORCE_COLOR: '0',
    MODELOS_CACHE_DIR: path.join(ws, '.modelos-user-cache'),
    ...extra,
  };
}

/** One nx command, timed; throws with its output when it fails. */
function nx(ws, args, env = {}) {
  const start = process.hrtime.bigint();
  // stdout to a file: nx exits right after printing, and a busy machine loses the end of a pipe.
  const outFile = path.join(ws, '.nx-bench-stdout');
  const fd = fs.openSync(outFile, 'w');
  const child = spawnSync(process.execPath, [fs.realpathSync(path.join(ws, 'node_modules/.bin/nx')), ...args], {
    cwd: ws,
    env: nxEnv(ws, env),
    encoding: 'utf8',
    stdio: ['ignore', fd, 'pipe'],
    maxBuffer: 1 << 28,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.closeSync(fd);
  const stdout = fs.readFileSync(outFile, 'utf8');
  fs.rmSync(outFile);
  if (child.status !== 0) throw new Error(`nx ${args.join(' ')} exited with ${child.status}\n${stdout}\n${child.stderr}`);
  return { ms, stdout };
}

const count = (text, pattern) => (text.match(pattern) ?? []).length;

/** Every task reported, by what it said: proves a row measured the work it names. */
function expectEvery(out, patterns, what) {
  const found = patterns.reduce((sum, pattern) => sum + count(out.stdout, pattern), 0);
  if (found !== RESOURCES) throw new Error(`${what}: ${found} of ${RESOURCES} tasks reported ${patterns.join(' or ')}\n${out.stdout.slice(-4000)}`);
  return out;
}

async function runManyRows(tmp, tarballs) {
  const { startRegistry } = require('./registry');
  const server = await startRegistry({ dataDir: path.join(tmp, 'registry') });
  try {
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws);
    const registryRef = `oci://${server.host}/bench`;
    const { parseRegistryReference } = require(path.join(REPO, 'packages/versioning-core/dist'));
    let start = process.hrtime.bigint();
    await generateReleasedWorkspace(ws, parseRegistryReference(registryRef, ws), {
      // project.json: without npm workspaces Nx reads no targets from a package.json.
      resourceFiles: (i) => [['project.json', JSON.stringify({ name: name(i), targets: { noop: { executor: '@bench/noop:noop', cache: false } } })]],
    });
    writeNoopPlugin(ws);
    installNx(ws, tarballs, registryRef);
    addOrigin(ws);
    const tags = git(ws, ['tag', '--list', 'mdl-*']).split('\n').length;
    console.log(`workspace: ${RESOURCES} resources, ${git(ws, ['rev-list', '--count', 'HEAD'])} commits, ${tags} mdl-<res>-v* tags, releases in ${server.host}; nx ${NX_VERSION}; set up in ${seconds(Number(process.hrtime.bigint() - start) / 1e6)} s`);

    // First, so that a configuration Nx refuses fails before the long setup below.
    nx(ws, ['release', 'version', '--dry-run']);
    // With Nx's cache, as any second CI run has it: `pack` (cache: true) is restored, `store` and
    // `release` (cache: false, they talk to the registry) run every time.
    const runMany = (target, extra = [], env = {}) => nx(ws, ['run-many', '-t', target, '--parallel=2', '--outputStyle=static', ...extra], env);
    const batch = { NX_BATCH_MODE: 'true' };
    // Untimed: store every resource once (the unchanged store rows re-store it), and warm the
    // user cache (Ocidex) and the interface cache as any second run finds them.
    start = process.hrtime.bigint();
    expectEvery(runMany('store', [], batch), [/uploaded \d+ blob/g], 'first store');
    runMany('release', ['--dryRun'], batch);
    console.log(`first store of all ${RESOURCES} and a warm-up release dry run (untimed): ${seconds(Number(process.hrtime.bigint() - start) / 1e6)} s\n`);

    const releaseSaid = [/would release r\d+ /g, /r\d+ is unchanged since/g];
    // Per task, our executors hand their task to the task worker; MODELOS_TASK_WORKER=0 runs each in its own process.
    const noWorker = { MODELOS_TASK_WORKER: '0' };
    const specs = {
      nxRelease: () => nx(ws, ['release', 'version', '--dry-run']),
      noop: () => expectEvery(runMany('noop'), [/noop ran/g], 'noop'),
      noopBatch: () => expectEvery(runMany('noop', [], batch), [/noop ran/g], 'noop, batch'),
      releaseBatch: () => expectEvery(runMany('release', ['--dryRun'], batch), releaseSaid, 'release --dryRun, batch'),
      release: () => expectEvery(runMany('release', ['--dryRun']), releaseSaid, 'release --dryRun'),
      releaseNoWorker: () => expectEvery(runMany('release', ['--dryRun'], noWorker), releaseSaid, 'release --dryRun, no task worker'),
      storeBatch: () => expectEvery(runMany('store', [], batch), [/unchanged: /g], 'store, batch'),
      store: () => expectEvery(runMany('store'), [/unchanged: /g], 'store'),
      storeNoWorker: () => expectEvery(runMany('store', [], noWorker), [/unchanged: /g], 'store, no task worker'),
    };
    // Each row the median of RUN_MANY_RUNS runs, taken in rounds of one run of every row: one
    // sample of a 2-second row is mostly noise, and a machine that slows down slows every row.
    const samples = Object.fromEntries(Object.keys(specs).map((row) => [row, []]));
    for (let round = 0; round < RUN_MANY_RUNS; round++) for (const [row, run] of Object.entries(specs)) samples[row].push(run());
    const medianOf = (runs) => [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];
    const median = (run) => medianOf(Array.from({ length: RUN_MANY_RUNS }, run));
    const rows = Object.fromEntries(Object.entries(samples).map(([row, runs]) => [row, medianOf(runs)]));
    // A fresh CI clone on a fresh machine: no interface, layer or file-digest cache, no code cache,
    // Nx's cache skipped; every pack parses its interface and hashes its files.
    const packCold = (env) => () => {
      fs.rmSync(path.join(ws, '.modelos', 'cache'), { recursive: true, force: true });
      fs.rmSync(path.join(nxEnv(ws).MODELOS_CACHE_DIR, 'code-cache'), { recursive: true, force: true });
      fs.rmSync(path.join(ws, 'dist', 'modelos'), { recursive: true, force: true });
      const out = runMany('pack', ['--skip-nx-cache'], env);
      const packed = fs.readdirSync(path.join(ws, 'dist', 'modelos')).filter((dir) => fs.existsSync(path.join(ws, 'dist', 'modelos', dir, 'pack.json')));
      if (packed.length !== RESOURCES) throw new Error(`pack, nothing cached: ${packed.length} of ${RESOURCES} resources packed`);
      return out;
    };
    rows.packColdBatch = median(packCold(batch));
    rows.packCold = median(packCold({}));
    const bumps = count(rows.nxRelease.stdout, /New version/gi);
    const ratio = (a, b) => (rows[a].ms / rows[b].ms).toFixed(2);
    const verdict = (value, goal) => `${value} (goal ≤ ${goal}: ${Number(value) <= goal ? 'met' : 'NOT met'})`;
    printTable(
      ['command (100 projects, 10k commits, 2k tags)', 's', 'ratio'],
      [
        ['nx release version --dry-run (conventional commits, git-tag resolver)', seconds(rows.nxRelease.ms), `baseline (${bumps} new versions)`],
        ['nx run-many -t noop (no-op custom executor, a process per task)', seconds(rows.noop.ms), 'floor without batch mode'],
        ['NX_BATCH_MODE=true nx run-many -t noop', seconds(rows.noopBatch.ms), 'floor in batch mode'],
        ['NX_BATCH_MODE=true nx run-many -t release --dryRun', seconds(rows.releaseBatch.ms), `${verdict(ratio('releaseBatch', 'nxRelease'), GOALS.batchVsNxRelease)} × nx release`],
        ['nx run-many -t release --dryRun', seconds(rows.release.ms), `${verdict(ratio('release', 'noop'), GOALS.perTaskVsNoop)} × no-op floor`],
        ['MODELOS_TASK_WORKER=0 nx run-many -t release --dryRun', seconds(rows.releaseNoWorker.ms), `${ratio('releaseNoWorker', 'noop')} × no-op floor (no task worker)`],
        ['NX_BATCH_MODE=true nx run-many -t store (unchanged)', seconds(rows.storeBatch.ms), `${verdict(ratio('storeBatch', 'nxRelease'), GOALS.batchVsNxRelease)} × nx release`],
        ['nx run-many -t store (unchanged)', seconds(rows.store.ms), `${verdict(ratio('store', 'noop'), GOALS.perTaskVsNoop)} × no-op floor`],
        ['MODELOS_TASK_WORKER=0 nx run-many -t store (unchanged)', seconds(rows.storeNoWorker.ms), `${ratio('storeNoWorker', 'noop')} × no-op floor (no task worker)`],
        ['NX_BATCH_MODE=true nx run-many -t pack, nothing cached', seconds(rows.packColdBatch.ms), `${ratio('packColdBatch', 'noopBatch')} × batch floor (no goal)`],
        ['nx run-many -t pack, nothing cached', seconds(rows.packCold.ms), `${ratio('packCold', 'noop')} × no-op floor (no goal)`],
      ],
    );
  } finally {
    await server.stop();
  }
}

/** 1,000 resources, each an Nx project through its project.json (as the resource generator makes them). */
function showProjectsWorkspace(tmp, tarballs) {
  const ws = path.join(tmp, 'ws-1000');
  for (let i = 0; i < SHOW_PROJECTS_RESOURCES; i++) {
    const dir = `libs/p${String(i).padStart(4, '0')}`;
    write(ws, `${dir}/project.json`, { name: `p${i}`, root: dir });
    write(ws, `${dir}/resource.json`, { formatVersion: '1', entry: 'src/index.ts', class: `P${i}`, requires: {} });
    write(ws, `${dir}/src/index.ts`, `export class P${i} {\n  run(x: number): number {\n    return x;\n  }\n}\n`);
  }
  // The floor of any plugin: Nx starts a worker process per plugin and asks it for every resource.json.
  write(ws, 'tools/empty-plugin/package.json', { name: '@bench/empty-plugin', version: '1.0.0', main: 'index.js' });
  write(ws, 'tools/empty-plugin/index.js', "'use strict';\n// Matches what @modelos/nx matches and infers nothing.\nexports.createNodes = ['**/resource.json', async () => []];\n");
  write(ws, 'package.json', { name: 'bench-1000', private: true, devDependencies: { nx: NX_VERSION, ...tarballs }, overrides: { '@modelos/runtime': '$@modelos/runtime', '@modelos/versioning-core': '$@modelos/versioning-core' } });
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: ws, stdio: 'inherit' });
  git(ws, ['init', '-q', '-b', 'main']);
  addOrigin(ws);
  return ws;
}

function showProjects(ws, plugin, env = {}) {
  write(ws, 'nx.json', plugin ? { plugins: [plugin] } : {});
  const cold = [];
  const warm = [];
  const daemon = [];
  let listed = 0;
  for (let r = 0; r < RUNS; r++) {
    fs.rmSync(path.join(ws, '.nx'), { recursive: true, force: true });
    const out = nx(ws, ['show', 'projects'], env);
    listed = out.stdout.trim().split('\n').length;
    cold.push(out.ms);
  }
  for (let r = 0; r < RUNS; r++) warm.push(nx(ws, ['show', 'projects'], env).ms);
  // Nx's default outside CI: the daemon keeps plugin workers and the graph, each command asks it.
  const withDaemon = { ...env, NX_DAEMON: 'true' };
  const daemonCold = [];
  try {
    // `nx reset` stops the daemon and removes .nx: the next command starts both again.
    for (let r = 0; r < RUNS; r++) {
      nx(ws, ['reset'], withDaemon);
      daemonCold.push(nx(ws, ['show', 'projects'], withDaemon).ms);
    }
    for (let r = 0; r < RUNS; r++) daemon.push(nx(ws, ['show', 'projects'], withDaemon).ms);
  } finally {
    nx(ws, ['daemon', '--stop'], withDaemon);
  }
  if (listed !== SHOW_PROJECTS_RESOURCES) throw new Error(`nx show projects listed ${listed} projects`);
  if (plugin === '@modelos/nx' && !JSON.parse(nx(ws, ['show', 'project', 'p7', '--json']).stdout).targets.store) throw new Error('p7 has no store target');
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { cold: median(cold), warm: median(warm), daemonCold: median(daemonCold), daemon: median(daemon) };
}

/**
 * Our `createNodes` alone over the 1,000 resource.json files, in a process of its own with the
 * installed plugin: with nothing remembered (its validated-contents file removed), then warm.
 */
function createNodesAlone(ws) {
  const script = `
const path = require('node:path');
const fs = require('node:fs');
const { workspaceDataDirectory } = require('nx/src/utils/cache-directory');
const { createNodes } = require('@modelos/nx');
const files = fs.readdirSync('libs').map((dir) => path.join('libs', dir, 'resource.json'));
const timed = async () => {
  const start = process.hrtime.bigint();
  const results = await createNodes[1](files, {}, { workspaceRoot: process.cwd(), nxJsonConfiguration: {} });
  if (results.length !== files.length) throw new Error('createNodes inferred ' + results.length + ' nodes');
  return Number(process.hrtime.bigint() - start) / 1e6;
};
(async () => {
  for (const file of fs.readdirSync(workspaceDataDirectory)) if (file.startsWith('modelos-')) fs.rmSync(path.join(workspaceDataDirectory, file));
  const cold = await timed();
  const warm = [await timed(), await timed(), await timed()].sort((a, b) => a - b)[1];
  console.log(JSON.stringify({ cold, warm }));
})();`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ws, env: nxEnv(ws), encoding: 'utf8' }));
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-bench-scale-'));
  try {
    const tarballs = packTarballs(tmp);
    if (!ONLY_SHOW_PROJECTS) await runManyRows(tmp, tarballs);

    const ws = showProjectsWorkspace(tmp, tarballs);
    const without = showProjects(ws, null);
    const empty = showProjects(ws, './tools/empty-plugin');
    const withPlugin = showProjects(ws, '@modelos/nx');
    // Nx runs every plugin (its own default ones too) in a worker process by default; with
    // NX_ISOLATE_PLUGINS=false all run in Nx's process, which isolates our code's cost.
    const inProcess = { NX_ISOLATE_PLUGINS: 'false' };
    const withoutInProcess = showProjects(ws, null, inProcess);
    const withPluginInProcess = showProjects(ws, '@modelos/nx', inProcess);
    const added = (key, measured, base = without) => ((measured[key] - base[key]) / 1000).toFixed(2);
    const verdict = (value) => `${value} (goal ≤ ${GOALS.showProjectsAddedS}: ${Number(value) <= GOALS.showProjectsAddedS ? 'met' : 'NOT met'})`;
    console.log(`\nnx show projects over ${SHOW_PROJECTS_RESOURCES} resources (project.json + resource.json each), median of ${RUNS}; NX_DAEMON=false unless the row says otherwise`);
    printTable(
      ['', 'no plugin, s', 'empty plugin, s', 'with @modelos/nx, s', 'added, s', 'added beyond the empty plugin, s', 'NX_ISOLATE_PLUGINS=false: no plugin / @modelos/nx, s', 'added in-process, s'],
      ['cold', 'warm', 'daemonCold', 'daemon'].map((key) => [
        {
          cold: 'cold (.nx removed before each run)',
          warm: 'warm (project graph and plugin caches kept)',
          daemonCold: 'NX_DAEMON=true, first command after nx reset (starts the daemon)',
          daemon: 'NX_DAEMON=true, daemon running (graph computed once)',
        }[key],
        seconds(without[key]),
        seconds(empty[key]),
        seconds(withPlugin[key]),
        verdict(added(key, withPlugin)),
        added(key, withPlugin, empty),
        `${seconds(withoutInProcess[key])} / ${seconds(withPluginInProcess[key])}`,
        verdict(added(key, withPluginInProcess, withoutInProcess)),
      ]),
    );
    console.log('empty plugin: a createNodes on **/resource.json that infers nothing, the cost of any plugin (its worker process and the file matching).');
    const alone = createNodesAlone(ws);
    console.log(`our createNodes alone over ${SHOW_PROJECTS_RESOURCES} resource.json, in-process: ${alone.cold.toFixed(0)} ms with nothing remembered, ${alone.warm.toFixed(0)} ms warm (median of 3).`);
    console.log(`\n${os.cpus().length} cores; ${COMMITS} commits generated; the machine may be shared, so compare rows of one run.`);
  } finally {
    if (KEEP) console.log(`kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
