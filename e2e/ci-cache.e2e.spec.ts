import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishModelosPackages } from './utils/publish';
import { startRemoteCacheServer, type RemoteCacheServer } from './utils/remote-cache-server';
import { run } from './utils/run';
import { startVerdaccio, type LocalNpmRegistry } from './utils/verdaccio';
import { createTestWorkspace, type TestWorkspace } from './utils/workspace';

/**
 * SPEC §11, issue 12 part 2: pack is cacheable, store is not. A first CI-like run on a fresh
 * clone packs and stores every resource; a second run on another fresh clone of the same commit,
 * with the Nx cache restored (the local cache directory copied, or through a self-hosted remote
 * cache over Nx's HTTP API), takes every pack from the cache and uploads nothing.
 */

const RESOURCES = ['ham', 'bacon'];
const REGISTRY = `oci://${process.env.MODELOS_TEST_REGISTRY}/ci-cache-${process.pid}`;

interface StoreDocument {
  repository: string;
  tags: string[];
  blobsUploaded: number;
  bytesUploaded: number;
  unchanged: boolean;
}

interface CiRun {
  label: string;
  seconds: number;
  /** How each pack task ran: `run`, `local cache` or `remote cache`. */
  packs: Record<string, string>;
  stores: StoreDocument[];
  stdout: string;
}

let work: string;
let npmRegistry: LocalNpmRegistry;
let cache: RemoteCacheServer;
let ws: TestWorkspace;
let origin: string;
const runs: CiRun[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'modelos-e2e-ci-'));
  npmRegistry = await startVerdaccio(join(work, 'verdaccio'));
  publishModelosPackages(npmRegistry.url, work);
  cache = await startRemoteCacheServer();
  ws = createTestWorkspace('ci', npmRegistry.url);
  ws.nx(['add', '@modelos/nx']);
  for (const resource of RESOURCES) ws.nx(['g', '@modelos/nx:resource', resource]);
  // Above the 16 MiB threshold: a layer of its own, never copied into pack's (cached) output.
  writeFileSync(join(ws.root, 'ham', 'model.bin'), randomBytes(17 * 1024 * 1024));
  ws.commitAll('two resources, ham with a model');
  origin = join(work, 'origin.git');
  run('git', ['clone', '-q', '--bare', ws.root, origin], { cwd: work });
});

afterAll(async () => {
  ws?.dispose();
  await cache?.stop();
  await npmRegistry?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A CI checkout: a fresh clone of origin, with the workspace's installed packages (hard links, as a restored npm cache). */
function freshClone(name: string): string {
  const dir = join(work, name);
  run('git', ['clone', '-q', origin, dir], { cwd: work });
  run('cp', ['-al', join(ws.root, 'node_modules'), join(dir, 'node_modules')], { cwd: work });
  return dir;
}

function ciRun(label: string, dir: string, env: Record<string, string> = {}): CiRun {
  const started = Date.now();
  // Nx 23 shares one cache between the checkouts of a workspace (~/.nx/<id>/); a CI runner is a
  // fresh machine, so each clone keeps its cache, and Nx's records of it, in the checkout.
  const local = { NX_CACHE_DIRECTORY: join(dir, '.nx', 'cache'), NX_WORKSPACE_DATA_DIRECTORY: join(dir, '.nx', 'workspace-data') };
  const { stdout } = run('npx', ['nx', 'run-many', '-t', 'store', '--json', '--outputStyle=static'], {
    cwd: dir,
    env: { MODELOS_REGISTRY: REGISTRY, ...local, ...env },
  });
  const seconds = (Date.now() - started) / 1000;
  const packs: Record<string, string> = {};
  for (const [, project, how] of stdout.matchAll(/^> nx run (\S+):pack(?:\s+\[([^\]]+)\])?\s*$/gm)) packs[project] = how ?? 'run';
  const result = { label, seconds, packs, stores: jsonDocuments<StoreDocument>(stdout), stdout };
  runs.push(result);
  return result;
}

/** The `--json` documents of several tasks: each stands on lines of its own, its brackets unindented. */
function jsonDocuments<T>(stdout: string): T[] {
  const documents: T[] = [];
  const lines = stdout.split(/\r?\n/);
  for (let start = lines.indexOf('{'); start >= 0; start = lines.indexOf('{', start + 1)) {
    const end = lines.indexOf('}', start);
    documents.push(JSON.parse(lines.slice(start, end + 1).join('\n')) as T);
    start = end;
  }
  return documents;
}

const uploaded = (r: CiRun) => r.stores.reduce((sum, s) => sum + s.bytesUploaded, 0);

describe('a CI run with the Nx cache restored', () => {
  it('first run on a fresh clone: packs every resource, stores them, and fills the remote cache', async () => {
    const first = ciRun('first run (fresh clone, empty caches)', freshClone('first'), cache.env);
    expect(first.packs).toEqual({ ham: 'run', bacon: 'run' });
    expect(first.stores.map((s) => s.unchanged)).toEqual([false, false]);
    expect(uploaded(first)).toBeGreaterThan(17 * 1024 * 1024);
    // Pack's outputs went to the remote cache, without the model (it stays in the checkout).
    const { answered, entries } = await cache.stats();
    expect(answered['PUT 200']).toBe(RESOURCES.length);
    expect(Math.max(...Object.values(entries))).toBeLessThan(1024 * 1024);
  });

  it('second run, local cache directory copied: every pack from the cache, store uploads nothing', () => {
    const dir = freshClone('second-local');
    // Nx keeps cache metadata beside the artifacts (workspace-data): both are the local cache.
    for (const part of ['cache', 'workspace-data']) cpSync(join(work, 'first', '.nx', part), join(dir, '.nx', part), { recursive: true });
    const second = ciRun('second run, .nx cache copied', dir);
    expect(second.packs).toEqual({ ham: 'local cache', bacon: 'local cache' });
    expect(second.stores).toHaveLength(RESOURCES.length);
    expect(second.stores.every((s) => s.unchanged && s.blobsUploaded === 0)).toBe(true);
    expect(readdirSync(join(dir, 'dist', 'modelos')).sort()).toEqual([...RESOURCES].sort());
  });

  it('second run through the self-hosted remote cache: every pack from it, store uploads nothing', async () => {
    const dir = freshClone('second-remote');
    const gets = (await cache.stats()).answered['GET 200'] ?? 0;
    const second = ciRun('second run, remote cache', dir, cache.env);
    expect(second.packs).toEqual({ ham: 'remote cache', bacon: 'remote cache' });
    expect((await cache.stats()).answered['GET 200']).toBe(gets + RESOURCES.length);
    expect(second.stores.every((s) => s.unchanged && s.blobsUploaded === 0 && s.bytesUploaded === 0)).toBe(true);
    expect(existsSync(join(dir, 'dist', 'modelos', 'ham', 'pack.json'))).toBe(true);
  });

  afterAll(() => {
    const rows = runs.map((r) => {
      const hits = Object.values(r.packs).filter((how) => how !== 'run').length;
      return `${r.label.padEnd(40)} | pack hits ${hits}/${Object.keys(r.packs).length} | uploaded ${uploaded(r)} bytes | ${r.seconds.toFixed(1)} s (${(r.seconds / runs[0].seconds).toFixed(2)}× the first)`;
    });
    console.log(`CI-like runs of nx run-many -t store (${RESOURCES.length} resources, a 17 MiB model in ham):\n${rows.join('\n')}`);
  });
});
