import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchChromium, testArtifactsDir } from '../packages/versioning-core/src/test-support/browser';
import { startBackground, type BackgroundProcess } from './utils/background';
import { jsonDocument } from './utils/output';
import { publishModelosPackages } from './utils/publish';
import { run } from './utils/run';
import { startVerdaccio, type LocalNpmRegistry } from './utils/verdaccio';
import { createTestWorkspace, type TestWorkspace } from './utils/workspace';

// Issue 7's acceptance: the release-to-production loop of one resource in a fresh Nx workspace,
// against the real registry: two releases with metrics → describe → compare → promote →
// `mdl endpoint` serving production to a generated client → 90/10 canary → status → rollback,
// the client calling throughout; then a second clone reading the same state from the registry.

const REGISTRY_HOST = process.env.MODELOS_TEST_REGISTRY!;
const NAMESPACE = `lifecycle-${randomUUID().slice(0, 8)}`;
const REGISTRY = `oci://${REGISTRY_HOST}/${NAMESPACE}`;

/** ham at each release; `bake` names the release that answered, so a client can tell versions apart. */
function hamSource(step: 'v1.0.0' | 'v1.1.0' | 'v1.2.0'): string {
  const crispy = step !== 'v1.0.0';
  return `export class Ham {
  constructor(private readonly name: string) {}

  bake(temp: number${crispy ? ', crispy?: boolean' : ''}): string {
    return \`\${this.name} baked at \${temp} by ham ${step}${crispy ? "\${crispy ? ', crispy' : ''}" : ''}\`;
  }
${step === 'v1.2.0' ? '\n  static getTemp(): number {\n    return 180;\n  }\n' : ''}}
`;
}

const METRICS = {
  'v1.0.0': { accuracy: 0.89, f1: 0.85, experiment: 'baseline' },
  'v1.1.0': { accuracy: 0.92, f1: 0.89, experiment: 'more-data' },
  'v1.2.0': { accuracy: 0.95, f1: 0.9, experiment: 'more-epochs' },
};

/**
 * A generated client calling the endpoint from its own process, two loops of
 * create → bake → bake → dispose, tallied by the phase the test writes to `phase` (read at the
 * start of each round) and by the release that answered; the tally is rewritten after each round.
 */
const CALLER = `const fs = require('node:fs');
const [clientPackage, url, phaseFile, tallyFile] = process.argv.slice(2);
const { HamClient } = require(clientPackage);
const tally = {};
let running = true;
process.on('SIGTERM', () => (running = false));

async function loop(n) {
  const server = await HamClient.fromUri(url);
  while (running) {
    const phase = fs.readFileSync(phaseFile, 'utf8');
    const t = (tally[phase] ??= { rounds: 0, calls: 0, versions: {}, failures: [] });
    try {
      const ham = await server.create('ham' + n);
      const first = await ham.bake(180);
      const second = await ham.bake(200);
      await ham[Symbol.asyncDispose]();
      const version = / by ham (v\\S+)$/.exec(first)[1];
      if (!second.endsWith(' by ham ' + version)) t.failures.push('one instance answered as two releases: ' + first + ' / ' + second);
      t.versions[version] = (t.versions[version] ?? 0) + 1;
      t.calls += 4;
    } catch (err) {
      t.failures.push(err.message);
    }
    t.rounds++;
    // A user's pace, not a busy loop: the machine also runs Nx and the registry meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 5));
    fs.writeFileSync(tallyFile + '.tmp', JSON.stringify(tally));
    fs.renameSync(tallyFile + '.tmp', tallyFile);
  }
}

Promise.all([0, 1].map(loop)).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
`;

interface PhaseTally {
  rounds: number;
  calls: number;
  versions: Record<string, number>;
  failures: string[];
}

let work: string;
let npmRegistry: LocalNpmRegistry;
let ws: TestWorkspace;
let endpoint: BackgroundProcess | undefined;
let caller: BackgroundProcess | undefined;
let endpointUrl: string;
/** The workspace's registry and a cache of its own, as a user's shell would have them. */
let env: Record<string, string>;
let releaseReason: string;

// `nx run <target> -- --env production --version v1.0.0`: Nx takes a bare `--version` (and drops
// `--version=…`) for its own, printing Nx's version and running nothing; after `--` the options
// reach the executor, but then only those after `--` do.
function nx(args: string[]): string {
  const end = args.indexOf('--');
  const nxArgs = end < 0 ? [...args, '--output-style=static'] : [...args.slice(0, end), '--output-style=static', ...args.slice(end)];
  return ws.nx(['run', ...nxArgs], { env }).stdout;
}

function nxJson<T = any>(args: string[]): T {
  return jsonDocument<T>(nx([...args, '--json']));
}

function setPhase(phase: string): void {
  writeFileSync(join(work, 'phase'), phase);
}

function tallies(): Record<string, PhaseTally> {
  const file = join(work, 'tally.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
}

/** Waits until the caller finished `rounds` rounds begun in `phase` (and `until` holds, when given). */
async function callerRounds(phase: string, rounds: number, until: (t: PhaseTally) => boolean = () => true): Promise<PhaseTally> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(100)) {
    const t = tallies()[phase];
    if (t && t.rounds >= rounds && until(t)) return t;
  }
  throw new Error(`the client did not finish ${rounds} rounds in phase ${phase}: ${JSON.stringify(tallies())}\n${caller?.output()}`);
}

async function endpointStatus(): Promise<any> {
  return (await fetch(`${endpointUrl}/-/status`)).json();
}

/** SIGHUP to the endpoint (the process under npx), then waits until it serves entry `n`. */
async function endpointFollows(n: number): Promise<void> {
  process.kill(endpointPid(), 'SIGHUP');
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(100)) {
    if ((await endpointStatus()).entry.n === n) return;
  }
  throw new Error(`the endpoint did not pick up entry #${n}: ${JSON.stringify(await endpointStatus())}\n${endpoint!.output()}`);
}

/** The node process running `mdl endpoint` in the group npx started (npx forwards SIGINT and SIGTERM only). */
function endpointPid(): number {
  const rows = run('ps', ['-o', 'pid=,args=', '-g', String(endpoint!.child.pid)], { cwd: work }).stdout.trim().split('\n');
  const row = rows.find((line) => /\bnode\b.*\bmdl\b.*\bendpoint\b/.test(line) && !/\bnpm\b|npx/.test(line));
  if (!row) throw new Error(`no mdl endpoint process under npx:\n${rows.join('\n')}`);
  return Number(row.trim().split(/\s+/)[0]);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'modelos-e2e-lifecycle-'));
  env = { MODELOS_REGISTRY: REGISTRY, MODELOS_CACHE_DIR: join(work, 'cache') };
  npmRegistry = await startVerdaccio(join(work, 'verdaccio'));
  publishModelosPackages(npmRegistry.url, work);
  ws = createTestWorkspace('proj', npmRegistry.url);
  ws.nx(['add', '@modelos/nx']);
  ws.nx(['g', '@modelos/nx:resource', 'ham', '--metrics']);
  ws.remove('ham/src/lib/ham.spec.ts');
  ws.commitAll('ham with metrics');
});

afterAll(async () => {
  await caller?.stop();
  await endpoint?.stop();
  ws?.dispose();
  await npmRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('two releases of ham with different metrics', () => {
  it('releases v1.0.0 and v1.1.0, each recording its metricsFile', () => {
    expect(ws.readJson('ham/resource.json').metricsFile).toBe('metrics.json');
    for (const step of ['v1.0.0', 'v1.1.0'] as const) {
      ws.write('ham/src/lib/ham.ts', hamSource(step));
      ws.write('ham/metrics.json', JSON.stringify(METRICS[step], null, 2));
      ws.commitAll(`ham ${step}`);
      const out = nx(['ham:release']);
      expect(out).toContain(`released ham ${step}`);
      if (step === 'v1.1.0') releaseReason = /^released ham v1\.1\.0 \((.+)\)$/m.exec(out)![1];
    }
    expect(releaseReason).toMatch(/^interface grew since v1\.0\.0: .*crispy/);
  });

  it('describe --json: author, size, files per closure project, metrics and labels of v1.1.0', () => {
    const d = nxJson(['ham:describe', '--', '--version', 'v1.1.0']);
    expect(d).toMatchObject({
      tag: 'v1.1.0',
      version: '1.1.0',
      author: { name: 'ModelOS e2e', email: 'e2e@modelos.invalid' },
      metrics: { accuracy: 0.92, f1: 0.89 },
      labels: { experiment: 'more-data' },
      status: { kind: 'release', environments: [] },
    });
    const source = hamSource('v1.1.0');
    const ham = d.projects.find((p: any) => p.name === 'ham');
    expect(ham.files).toContainEqual({ path: 'ham/src/lib/ham.ts', size: Buffer.byteLength(source), sha256: createHash('sha256').update(source).digest('hex') });
    expect(d.size).toBeGreaterThan(d.projects.reduce((sum: number, p: any) => sum + p.size, 0));
  });

  it('compare --from v1.0.0 --to v1.1.0: each metric as from → to, difference (relative), the bump in release words', () => {
    const out = nx(['ham:compare', '--from', 'v1.0.0', '--to', 'v1.1.0']);
    expect(out).toMatch(/^accuracy\s+0\.89 → 0\.92, \+0\.03 \(\+3\.4%\)\s*$/m);
    expect(out).toMatch(/^f1\s+0\.85 → 0\.89, \+0\.04 \(\+4\.7%\)\s*$/m);
    expect(out).toMatch(/^experiment\s+baseline → more-data\s*$/m);
    expect(out).toContain(`bump: minor — ${releaseReason}`);
    expect(out).toMatch(/^ham\s+changed\s+ham\/src\/lib\/ham\.ts\s/m);
  });
});

describe('production through a running endpoint, a client calling throughout', () => {
  it('promotes v1.0.0 to production', () => {
    const result = nxJson(['ham:promote', '--', '--env', 'production', '--version', 'v1.0.0']);
    expect(result.entry).toMatchObject({ n: 1, action: 'promote', targets: [{ version: 'v1.0.0', weight: 100 }] });
  });

  it('serves production with mdl endpoint; a generated HamClient calls v1.0.0 through it', async () => {
    endpoint = startBackground('npx', ['mdl', 'endpoint', `${REGISTRY}:ham@production`, '--poll-ms', '600000'], { cwd: ws.root, env, logFile: join(work, 'endpoint.log') });
    endpointUrl = (await endpoint.waitFor(/listening on (http:\/\/\S+)\n/))[1];

    const installed = JSON.parse(run('npx', ['mdl', 'install', `${REGISTRY_HOST}/${NAMESPACE}:ham-client-v1.0.0`, '--json'], { cwd: ws.root, env }).stdout);
    writeFileSync(join(work, 'caller.js'), CALLER);
    setPhase('promoted');
    caller = startBackground('node', [join(work, 'caller.js'), join(ws.root, 'node_modules', installed.name), endpointUrl, join(work, 'phase'), join(work, 'tally.json')], {
      cwd: ws.root,
      logFile: join(work, 'caller.log'),
    });
    const promoted = await callerRounds('promoted', 20);
    expect(promoted.failures).toEqual([]);
    expect(Object.keys(promoted.versions)).toEqual(['v1.0.0']);
  });

  it('sends 10% to v1.1.0 with traffic; the endpoint follows at SIGHUP and the client meets both', async () => {
    const result = nxJson(['ham:traffic', '--env', 'production', '--weights', 'v1.0.0=90,v1.1.0=10']);
    expect(result.entry).toMatchObject({ n: 2, action: 'traffic' });
    await endpointFollows(2);
    setPhase('split');
    const split = await callerRounds('split', 40, (t) => (t.versions['v1.1.0'] ?? 0) > 0);
    expect(split.failures).toEqual([]);
    expect(split.versions['v1.0.0']).toBeGreaterThan(split.versions['v1.1.0']);
  });

  it('traffic --status shows both versions with their share, requests and error rate', () => {
    const out = nx(['ham:traffic', '--env', 'production', '--status', '--endpoint', endpointUrl]);
    expect(out).toMatch(/^ham@production #2 \(traffic by /m);
    const row = (version: string, share: string) => new RegExp(`^${version.replace(/\./g, '\\.')}\\s+${share}%\\s+1/1\\s+\\d+\\s+([1-9]\\d*)\\s+0\\s+0%\\s+`, 'm');
    expect(out).toMatch(row('v1.0.0', '90'));
    expect(out).toMatch(row('v1.1.0', '10'));
  });

  it('rolls production back to 100% v1.0.0; new rounds meet v1.0.0 only, and no call failed throughout', async () => {
    const result = nxJson(['ham:rollback', '--env', 'production']);
    expect(result.entry).toMatchObject({ n: 3, action: 'rollback', targets: [{ version: 'v1.0.0', weight: 100 }] });
    await endpointFollows(3);
    setPhase('rolled-back');
    const back = await callerRounds('rolled-back', 20);
    expect(Object.keys(back.versions)).toEqual(['v1.0.0']);

    await caller!.stop();
    const all = tallies();
    expect(Object.values(all).flatMap((t) => t.failures)).toEqual([]);
    expect(Object.values(all).reduce((sum, t) => sum + t.calls, 0)).toBeGreaterThanOrEqual(4 * 80);
    const status = await endpointStatus();
    expect(status.versions.find((v: any) => v.version === 'v1.0.0')).toMatchObject({ weight: 100, errors: 0 });
  });
});

describe('the environment state lives in the registry', () => {
  const history = (entries: any[]) => entries.map((e) => [e.n, e.action, e.targets.map((t: any) => `${t.version}=${t.weight}`).join(',')]);
  let environments: unknown;
  let production: unknown;

  it('environments --json lists production at entry 3 of 3, and its history in order', () => {
    environments = nxJson(['ham:environments']);
    production = nxJson(['ham:environments', '--env', 'production']);
    expect(environments).toEqual([expect.objectContaining({ environment: 'production', entries: 3, current: expect.objectContaining({ n: 3, action: 'rollback' }) })]);
    expect(history(production as any[])).toEqual([
      [1, 'promote', 'v1.0.0=100'],
      [2, 'traffic', 'v1.1.0=10,v1.0.0=90'],
      [3, 'rollback', 'v1.0.0=100'],
    ]);
  });

  it('a second clone with an empty cache sees the same environments and history', () => {
    const clone = join(work, 'clone');
    run('git', ['clone', '-q', ws.root, clone], { cwd: work });
    // The clone shares the installed packages (not state): node_modules is never committed.
    symlinkSync(join(ws.root, 'node_modules'), join(clone, 'node_modules'));
    mkdirSync(join(work, 'cache-clone'));
    const cloneEnv = { ...env, MODELOS_CACHE_DIR: join(work, 'cache-clone') };
    const inClone = (args: string[]) => jsonDocument(run('npx', ['nx', 'run', ...args, '--output-style=static', '--json'], { cwd: clone, env: cloneEnv }).stdout);
    expect(inClone(['ham:environments'])).toEqual(environments);
    expect(inClone(['ham:environments', '--env', 'production'])).toEqual(production);
  });
});

describe('nx run ham:report', () => {
  it('writes one page with three releases\' metrics, production and its history, that a browser shows', async () => {
    ws.write('ham/src/lib/ham.ts', hamSource('v1.2.0'));
    ws.write('ham/metrics.json', JSON.stringify(METRICS['v1.2.0'], null, 2));
    ws.commitAll('ham v1.2.0');
    expect(nx(['ham:release'])).toContain('released ham v1.2.0');
    const result = nxJson(['ham:report']);
    expect(result).toMatchObject({ resource: 'ham', environments: 1 });
    expect(result.file).toBe(join(ws.root, 'dist/modelos/ham/report.html'));

    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
      await page.goto(`file://${result.file}`);
      const rows = (selector: string) => page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((row) => [...row.children].map((cell) => cell.textContent))`);
      expect(await rows('#metrics-table tbody tr')).toEqual([
        ['v1.0.0', '0.89', '0.85', 'production'],
        ['v1.1.0', '0.92', '0.89', '—'],
        ['v1.2.0', '0.95', '0.9', '—'],
      ]);
      expect(await page.locator('figure[data-metric="accuracy"] circle').count()).toBe(3);
      const split = await page.evaluate(
        `[...document.querySelectorAll('[data-env="production"] .split li')].map((li) => [li.querySelector('.split-label').textContent, li.querySelector('.split-value').textContent])`,
      );
      expect(split).toEqual([['v1.0.0', '100.0%']]);
      const history = (await rows('[data-env="production"] tbody tr')) as string[][];
      expect(history.map((cells) => cells[3]).sort()).toEqual(['v1.0.0=100', 'v1.0.0=100', 'v1.0.0=90, v1.1.0=10']);
      mkdirSync(testArtifactsDir(), { recursive: true });
      await page.screenshot({ path: join(testArtifactsDir(), 'lifecycle-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
