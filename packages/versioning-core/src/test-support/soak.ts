// Fault soak: a seeded random run of store, release, clean, versions, install, promote and traffic through a
// fault-injecting proxy in front of the real registry, then the invariants of SPEC §12 checked
// with the faults off (skopeo copies every release, which verifies each blob's digest).
// Shared by soak.spec.ts (bounded) and tools/soak.js (longer runs).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { cleanRepository } from '../clean';
import { promote, readEnvlog, traffic, type VersionWeight } from '../environments';
import { install } from '../install/install';
import { openRepository, parseRegistryReference, type Repository } from '../oci';
import { releaseResource } from '../release/release';
import { storeResource } from '../store';
import { classifyTag, environmentTag } from '../tags';
import { listRepositoryVersions } from '../versions';
import { FAULTS, startFaultProxy, type Fault } from './fault-proxy';
import { GitWorkspace } from './git-workspace';

const execFileAsync = promisify(execFile);

export interface SoakOptions {
  /** host:port of the real registry. */
  registryHost: string;
  seed: number;
  /** Stop after this many operations or this long, whichever comes first. */
  maxOperations: number;
  maxMs: number;
  /** Chance per request of a fault; default 0.05. */
  faultRate?: number;
  log?: (line: string) => void;
}

type Kind = 'store' | 'release' | 'clean' | 'versions' | 'install' | 'promote' | 'traffic';

export interface SoakReport {
  seed: number;
  operations: number;
  byKind: Record<Kind, number>;
  requests: number;
  faults: number;
  faultsByKind: Record<Fault, number>;
  /** Operations that failed and said so (an Error with a one-line message). */
  failuresSurfaced: number;
  /** Further attempts of failed operations, all through the faults. */
  reruns: number;
  releases: string[];
  violations: string[];
  elapsedMs: number;
}

/** mulberry32: small, fast and good enough to replay a run from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MAX_ATTEMPTS = 8;
// Releases build two npm packages (seconds each): few of them, many cheaper registry operations.
const WEIGHTS: Array<[Kind, number]> = [
  ['store', 45],
  ['release', 5],
  ['clean', 12],
  ['versions', 30],
  ['install', 6],
  ['promote', 5],
  ['traffic', 4],
];
const ENVIRONMENT = 'production';

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const random = seededRandom(options.seed);
  const log = options.log ?? (() => undefined);
  const proxy = await startFaultProxy(options.registryHost, seededRandom(options.seed ^ 0x9e3779b9), options.faultRate ?? 0.05);
  const ws = new GitWorkspace();
  ws.write('package.json', JSON.stringify({ name: '@soak/source', private: true }));
  ws.addResource('ham', 'Ham').write('libs/eggs/src/index.ts', 'export const eggs = 0;\n').commit('initial');
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-project-'));
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'soak-consumer', private: true }));
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'soak-cache-'));
  const savedCache = process.env.MODELOS_CACHE_DIR;
  process.env.MODELOS_CACHE_DIR = cacheDir;

  const namespace = `soak-${options.seed}-${Date.now().toString(36)}`;
  const registry = parseRegistryReference(`oci://${proxy.host}/${namespace}`, ws.root);
  const target = { workspaceRoot: ws.root, resource: { name: 'ham', root: 'ham' }, closure: [{ name: 'ham', root: 'ham' }, { name: 'eggs', root: 'libs/eggs' }], registry };
  const report: SoakReport = {
    seed: options.seed,
    operations: 0,
    byKind: { store: 0, release: 0, clean: 0, versions: 0, install: 0, promote: 0, traffic: 0 },
    requests: 0,
    faults: 0,
    faultsByKind: proxy.injected,
    failuresSurfaced: 0,
    reruns: 0,
    releases: [],
    violations: [],
    elapsedMs: 0,
  };
  /** What successful releases reported: version tag → manifest digest. */
  const released = new Map<string, string>();
  let edits = 0;
  /** The environment's assignment as the last successful promote/traffic left it, and how many changes were attempted. */
  const environment = { expected: null as VersionWeight[] | null, successes: 0, failedAttempts: 0 };
  const changeEnvironment = async (weights: VersionWeight[]) => {
    const repo = openRepository(registry, 'ham');
    const input = { repo, resource: 'ham', environment: ENVIRONMENT, workspaceRoot: ws.root, settleMs: 50 };
    try {
      if (weights.length === 1) await promote({ ...input, version: weights[0].version });
      else await traffic({ ...input, weights: weights.map((w) => `${w.version}=${w.weight}`).join(',') });
    } catch (err) {
      environment.failedAttempts++;
      throw err;
    }
    environment.expected = weights;
    environment.successes++;
  };
  const pickRelease = () => {
    const versions = [...released.keys()];
    return versions[Math.floor(random() * versions.length)];
  };

  const operations: Record<Kind, () => Promise<void>> = {
    store: async () => {
      await storeResource(target);
    },
    release: async () => {
      if (ws.git('status', '--porcelain')) ws.commit(`soak edit ${edits}`);
      const result = await releaseResource({ ...target, mainBranch: 'main', forceMain: true });
      if (result.version && result.digest) {
        const known = released.get(result.version);
        if (known && known !== result.digest) report.violations.push(`${result.version} reported with two digests: ${known} and ${result.digest}`);
        released.set(result.version, result.digest);
      }
    },
    clean: async () => {
      await cleanRepository(openRepository(registry, 'ham'));
    },
    versions: async () => {
      const rows = await listRepositoryVersions(openRepository(registry, 'ham'));
      const broken = rows.filter((row) => row.kind === 'broken');
      if (broken.length) throw new Error(`versions listed broken tags: ${broken.map((row) => `${row.tag} (${row.error})`).join('; ')}`);
    },
    install: async () => {
      // Server packages: they need no npm registry (nothing but the closure's own code).
      if (released.size === 0) return;
      await install(`${proxy.host}/${namespace}:ham-pkg-${pickRelease()}`, { cwd: project });
    },
    promote: async () => {
      if (released.size > 0) await changeEnvironment([{ version: pickRelease(), weight: 100 }]);
    },
    traffic: async () => {
      const [a, b] = [pickRelease(), pickRelease()];
      if (a && b && a !== b && a.split('.')[0] === b.split('.')[0]) await changeEnvironment([{ version: a, weight: 90 }, { version: b, weight: 10 }]);
    },
  };

  const started = Date.now();
  try {
    while (report.operations < options.maxOperations && Date.now() - started < options.maxMs) {
      const kind = pickKind(random());
      // Most operations follow a change: a commit, or an edit left uncommitted (a dirty store).
      if (kind === 'store' || kind === 'release') {
        ws.write('libs/eggs/src/index.ts', `export const eggs = ${++edits};\n`);
        if (kind === 'store' && random() < 0.5) ws.commit(`soak edit ${edits}`);
      }
      report.operations++;
      report.byKind[kind]++;
      for (let attempt = 1; ; attempt++) {
        const begun = Date.now();
        try {
          await operations[kind]();
          log(`${kind} #${report.operations}${attempt > 1 ? ` attempt ${attempt}` : ''} done in ${Date.now() - begun} ms`);
          break;
        } catch (err) {
          const message = (err as Error)?.message ?? '';
          if (!(err instanceof Error) || !message.trim() || message.includes('\n')) {
            report.violations.push(`${kind} failed without one clear line: ${String(err).slice(0, 300)}`);
          }
          if (attempt === 1) report.failuresSurfaced++;
          log(`${kind} #${report.operations} attempt ${attempt} failed: ${message.slice(0, 200)}`);
          if (attempt === MAX_ATTEMPTS) {
            report.violations.push(`${kind} #${report.operations} still failing after ${MAX_ATTEMPTS} attempts: ${message}`);
            break;
          }
          report.reruns++;
        }
      }
    }
    report.elapsedMs = Date.now() - started;
    proxy.rate = 0;
    report.requests = proxy.requests;
    report.faults = FAULTS.reduce((sum, fault) => sum + proxy.injected[fault], 0);
    report.releases = [...released.keys()];
    const direct = openRepository(parseRegistryReference(`oci://${options.registryHost}/${namespace}`, ws.root), 'ham');
    report.violations.push(...(await checkInvariants(direct, released, cacheDir)));
    report.violations.push(...(await checkEnvironment(direct, environment, released)));
    return report;
  } finally {
    process.env.MODELOS_CACHE_DIR = savedCache;
    await proxy.close();
    ws.remove();
    for (const dir of [project, cacheDir]) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function pickKind(r: number): Kind {
  const total = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  let at = r * total;
  for (const [kind, weight] of WEIGHTS) {
    if (at < weight) return kind;
    at -= weight;
  }
  return WEIGHTS[0][0];
}

/**
 * Read straight from the registry: every release tag resolves to a manifest whose blobs all
 * exist and verify (skopeo copies it), each reported release is there with its digest, none is
 * there that no release reported, and no two release tags share a manifest.
 */
async function checkInvariants(repo: Repository, released: Map<string, string>, workDir: string): Promise<string[]> {
  const violations: string[] = [];
  const tags = (await repo.listTags()).filter((tag) => classifyTag(tag).kind === 'release');
  const byDigest = new Map<string, string>();
  for (const tag of tags) {
    const descriptor = await repo.resolve(tag);
    if (!descriptor) {
      violations.push(`release tag ${tag} is listed but does not resolve`);
      continue;
    }
    const other = byDigest.get(descriptor.digest);
    if (other) violations.push(`releases ${other} and ${tag} are the same manifest ${descriptor.digest} (a duplicated release)`);
    byDigest.set(descriptor.digest, tag);
    if (!released.has(tag)) violations.push(`release tag ${tag} exists but no release reported it`);
    try {
      const dest = path.join(workDir, 'copies', tag);
      fs.mkdirSync(dest, { recursive: true });
      await execFileAsync('skopeo', ['copy', '--quiet', '--src-tls-verify=false', `docker://${repo.reference}:${tag}`, `oci:${dest}:${tag}`]);
    } catch (err) {
      violations.push(`skopeo cannot copy release ${tag}: ${((err as { stderr?: string }).stderr ?? String(err)).trim().split('\n').pop()}`);
    }
  }
  for (const [version, digest] of released) {
    const descriptor = await repo.resolve(version);
    if (!descriptor) violations.push(`release ${version} was reported but is gone (lost)`);
    else if (descriptor.digest !== digest) violations.push(`release ${version} was reported as ${digest} but points at ${descriptor.digest}`);
  }
  return violations;
}

/**
 * The environment's history holds every change that succeeded, and nothing but changes that were
 * attempted, numbered without gaps; its last entry is the last successful change, with the
 * digests of those releases, and `env-<name>` points at the heaviest of them.
 */
async function checkEnvironment(
  repo: Repository,
  environment: { expected: VersionWeight[] | null; successes: number; failedAttempts: number },
  released: Map<string, string>,
): Promise<string[]> {
  if (!environment.expected) return [];
  const head = await readEnvlog(repo, ENVIRONMENT);
  if (!head) return [`${ENVIRONMENT} had ${environment.successes} successful changes but has no history`];
  const violations: string[] = [];
  const entries = head.log.entries;
  if (entries.some((entry, i) => entry.n !== i + 1)) violations.push(`${ENVIRONMENT} history is not numbered 1..${entries.length}`);
  if (entries.length < environment.successes) violations.push(`${ENVIRONMENT} history lost changes: ${entries.length} entries for ${environment.successes} successful changes`);
  if (entries.length > environment.successes + environment.failedAttempts) {
    violations.push(`${ENVIRONMENT} history has ${entries.length} entries for ${environment.successes + environment.failedAttempts} attempted changes`);
  }
  const last = entries[entries.length - 1];
  const got = last.targets.map((t) => `${t.version}=${t.weight}`).sort().join(',');
  const want = environment.expected.map((t) => `${t.version}=${t.weight}`).sort().join(',');
  if (got !== want) violations.push(`${ENVIRONMENT} ends at ${got}, but the last successful change set ${want}`);
  for (const target of last.targets) {
    if (target.digest !== released.get(target.version)) violations.push(`${ENVIRONMENT} points ${target.version} at ${target.digest}, the release is ${released.get(target.version)}`);
  }
  const heaviest = [...last.targets].sort((a, b) => b.weight - a.weight)[0];
  const envTag = await repo.resolve(environmentTag(ENVIRONMENT));
  if (envTag?.digest !== heaviest.digest) violations.push(`${environmentTag(ENVIRONMENT)} points at ${envTag?.digest}, not at ${heaviest.version}`);
  return violations;
}
