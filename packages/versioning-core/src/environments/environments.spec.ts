import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { openRepository, parseRegistryReference, type Repository } from '../oci';
import { failure } from '../test-support/failure';
import { GitWorkspace } from '../test-support/git-workspace';
import { publishTestPackage } from '../test-support/package-artifact';
import { pushTinyArtifact } from '../test-support/tiny-artifact';
import { previousAssignment, promote, rollback, traffic } from './change';
import type { EnvironmentEntry } from './envlog';
import { readEnvlog } from './envlog';
import { environmentHistory, listEnvironments } from './list';
import { leadingVersion } from './weights';

const host = process.env.MODELOS_TEST_REGISTRY!;
let work: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'environments-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A repository with releases v1.0.0, v1.1.0 (with a server package), v2.0.0 and an adhoc tag. */
async function releasedRepo(kind: 'remote' | 'layout'): Promise<{ repo: Repository; reopen: () => Repository }> {
  const registry = kind === 'remote' ? `oci://${host}/env-${randomUUID().slice(0, 8)}` : path.join(work, randomUUID());
  const reopen = () => openRepository(parseRegistryReference(registry, work), 'ham');
  const repo = reopen();
  for (const tag of ['v1.0.0', 'v1.1.0', 'v2.0.0', 'abc1234-0000000-def5678']) await pushTinyArtifact(repo, tag, { tag });
  await publishTestPackage(repo, { name: '@t/ham', version: '1.1.0', resource: 'ham', kind: 'server', files: { 'server.js': '' } });
  return { repo, reopen };
}

const base = (repo: Repository, environment = 'production') => ({ repo, resource: 'ham', environment, settleMs: 50, env: { USER: 'tester' } });

/** Everything a refused change must leave as it was: every tag and its digest. */
async function snapshot(repo: Repository): Promise<Record<string, string>> {
  const tags = (await repo.listTags()).sort();
  return Object.fromEntries(await Promise.all(tags.map(async (tag) => [tag, (await repo.resolve(tag))!.digest])));
}

describe.each(['remote', 'layout'] as const)('environments in a %s registry', (kind) => {
  it('promote, traffic and rollback append entries and move env-<name> to the heaviest version', async () => {
    const { repo, reopen } = await releasedRepo(kind);
    const promoted = await promote({ ...base(repo), version: '1.0.0', replicas: 2 });
    expect(promoted.entry).toMatchObject({ n: 1, action: 'promote', replicas: 2, who: 'tester', reason: 'promote v1.0.0', previous: null });
    expect(promoted.envTag).toEqual({ tag: 'env-production', version: 'v1.0.0', digest: (await repo.resolve('v1.0.0'))!.digest });
    expect((await repo.resolve('env-production'))!.digest).toBe((await repo.resolve('v1.0.0'))!.digest);

    const firstLog = (await repo.resolve('envlog-production'))!.digest;
    const split = await traffic({ ...base(repo), weights: 'v1.0.0=90,v1.1.0=10', reason: 'canary' });
    expect(split.entry).toMatchObject({ n: 2, action: 'traffic', replicas: 2, reason: 'canary', previous: firstLog });
    expect(split.entry.targets).toEqual([
      { version: 'v1.1.0', weight: 10, digest: (await repo.resolve('v1.1.0'))!.digest, package: (await repo.resolve('pkg-v1.1.0'))!.digest },
      { version: 'v1.0.0', weight: 90, digest: (await repo.resolve('v1.0.0'))!.digest, package: null },
    ]);
    expect(split.envTag.version).toBe('v1.0.0');

    const flipped = await traffic({ ...base(repo), weights: 'v1.0.0=0.2,v1.1.0=0.8' });
    expect(flipped.envTag.version).toBe('v1.1.0');
    expect((await repo.resolve('env-production'))!.digest).toBe((await repo.resolve('v1.1.0'))!.digest);

    // From another clone with nothing local: a fresh repository object, a fresh cache.
    const elsewhere = reopen();
    const back = await rollback({ ...base(elsewhere), env: { USER: 'someone-else', MODELOS_CACHE_DIR: path.join(work, randomUUID()) } });
    expect(back.entry).toMatchObject({ n: 4, action: 'rollback', who: 'someone-else' });
    expect(back.entry.targets.map((t) => `${t.version}=${t.weight}`)).toEqual(['v1.1.0=10', 'v1.0.0=90']);
    expect(back.envTag.version).toBe('v1.0.0');

    const pinned = await rollback({ ...base(repo), to: 'v1.1.0' });
    expect(pinned.entry.targets.map((t) => t.version)).toEqual(['v1.1.0']);

    const history = await environmentHistory(repo, 'production');
    expect(history.map((e) => `${e.n} ${e.action}`)).toEqual(['1 promote', '2 traffic', '3 traffic', '4 rollback', '5 rollback']);
    // Each entry names the manifest it was appended to: the chain of the whole history.
    expect(history.slice(1).every((e) => e.previous?.startsWith('sha256:'))).toBe(true);
    expect(new Set(history.map((e) => e.previous)).size).toBe(history.length);

    await promote({ ...base(repo, 'staging'), version: 'v1.1.0' });
    const rows = await listEnvironments(repo);
    expect(rows.map((r) => [r.environment, r.entries, r.current.targets.map((t) => t.version).join()])).toEqual([
      ['production', 5, 'v1.1.0'],
      ['staging', 1, 'v1.1.0'],
    ]);
  });

  it('refuses bad input with one line and leaves the registry as it was', async () => {
    const { repo } = await releasedRepo(kind);
    await promote({ ...base(repo), version: 'v1.0.0' });
    const before = await snapshot(repo);
    const refusals: Array<[Promise<unknown>, RegExp]> = [
      [promote({ ...base(repo), version: 'abc1234-0000000-def5678' }), /adhoc version: only releases/],
      [promote({ ...base(repo), version: 'v9.9.9' }), /unknown version v9\.9\.9 of ham: .* releases there: v2\.0\.0, v1\.1\.0, v1\.0\.0/],
      [traffic({ ...base(repo), weights: 'v1.0.0=90,v2.0.0=10' }), /across majors/],
      [traffic({ ...base(repo), weights: 'v1.0.0=0' }), /sum to 0/],
      [traffic({ ...base(repo), weights: 'v1.0.0=90;v1.1.0=10' }), /invalid weights/],
      [traffic({ ...base(repo), weights: 'v1.0.0=90,v1.3.0=10' }), /unknown version v1\.3\.0/],
      // Unknown comes before another major: v9.9.9 is no release at all.
      [traffic({ ...base(repo), weights: 'v1.1.0=90,v9.9.9=10' }), /unknown version v9\.9\.9 of ham/],
      [rollback({ ...base(repo) }), /no earlier assignment to roll back to/],
      [rollback({ ...base(repo, 'nowhere') }), /unknown environment "nowhere" of ham/],
      [rollback({ ...base(repo, 'nowhere'), to: 'v1.0.0' }), /unknown environment "nowhere" of ham/],
      [promote({ ...base(repo, 'bad/name'), version: 'v1.0.0' }), /invalid environment name "bad\/name"/],
      [promote({ ...base(repo), version: 'v1.0.0', replicas: 0 }), /invalid replicas 0/],
    ];
    for (const [attempt, message] of refusals) {
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toMatch(message);
    }
    expect(await snapshot(repo)).toEqual(before);
  });

  it('loses no entry when several writers change one environment at once', async () => {
    const { repo, reopen } = await releasedRepo(kind);
    const writers = Array.from({ length: 6 }, (_, i) =>
      traffic({ ...base(reopen()), weights: `v1.0.0=${i + 1},v1.1.0=${10 - i}`, reason: `writer ${i}`, settleMs: 150 }),
    );
    const results = await Promise.all(writers);
    const history = (await readEnvlog(repo, 'production'))!.log.entries;
    expect(history.map((e) => e.n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.map((e) => e.reason).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `writer ${i}`));
    expect(new Set(results.map((r) => r.entry.writer)).size).toBe(6);
    // env-production follows the last entry, whichever writer's tag push landed last.
    const last = history[history.length - 1].targets;
    expect((await repo.resolve('env-production'))!.digest).toBe(last.find((t) => t.version === leadingVersion(last))!.digest);
  });
});

describe('--gitTag', () => {
  let ws: GitWorkspace;
  beforeEach(() => {
    ws = new GitWorkspace();
    ws.write('README.md', 'x').commit('first');
  });
  afterEach(() => ws.remove());

  it('writes the annotated tag mdl-<resource>-env-<name>-<n> at HEAD with the change in its message', async () => {
    const { repo } = await releasedRepo('remote');
    const result = await promote({ ...base(repo), version: 'v1.0.0', gitTag: true, workspaceRoot: ws.root });
    expect(result.gitTag).toBe('mdl-ham-env-production-1');
    expect(result.entry.who).toBe('Test <test@example.com>');
    expect(ws.git('cat-file', '-t', 'mdl-ham-env-production-1')).toBe('tag');
    expect(ws.git('tag', '-l', '--format=%(contents:subject)', 'mdl-ham-env-production-1')).toBe(
      'ham production #1: promote v1.0.0=100 (replicas 1) by Test <test@example.com>: promote v1.0.0',
    );
  });

  it('refuses before anything is written when git has no identity to sign the tag with', async () => {
    const { repo } = await releasedRepo('layout');
    // Empty in the repository's own config: no global identity or guess can stand in.
    ws.git('config', 'user.name', '');
    ws.git('config', 'user.email', '');
    const before = await snapshot(repo);
    const error = await failure(promote({ ...base(repo), version: 'v1.0.0', gitTag: true, workspaceRoot: ws.root }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^--gitTag writes an annotated tag, which needs a git identity, .*set user\.name and user\.email .*nothing was changed$/);
    expect(await snapshot(repo)).toEqual(before);
    expect(ws.git('tag', '-l')).toBe('');
  });

  it('refuses before anything is written when the tag the entry would get is taken elsewhere', async () => {
    const { repo } = await releasedRepo('layout');
    // Left by another registry's history of this environment.
    ws.git('tag', '-a', '-m', 'elsewhere', 'mdl-ham-env-production-1');
    ws.write('README.md', 'y').commit('second');
    const before = await snapshot(repo);
    const error = await failure(promote({ ...base(repo), version: 'v1.0.0', gitTag: true, workspaceRoot: ws.root }));
    expect(error.message).toMatch(/^git tag mdl-ham-env-production-1 already exists at [0-9a-f]{12}, not at [0-9a-f]{12}: ModelOS git tags are never moved$/);
    expect(await snapshot(repo)).toEqual(before);
  });
});

describe('previousAssignment', () => {
  const entry = (n: number, split: Array<[string, number]>, replicas = 1): EnvironmentEntry => ({
    n,
    action: 'traffic',
    targets: split.map(([version, weight]) => ({ version, weight, digest: `sha256:${version}`, package: null })),
    replicas,
    time: '2026-01-01T00:00:00Z',
    who: 't',
    reason: 'r',
    previous: null,
    writer: `w${n}`,
  });

  it('skips earlier entries that assign the same shares, whatever their weights', () => {
    const history = [entry(1, [['v1.0.0', 100]]), entry(2, [['v2.0.0', 100]]), entry(3, [['v2.0.0', 1]])];
    expect(previousAssignment(history)?.n).toBe(1);
    expect(previousAssignment([entry(1, [['v1.1.0', 9], ['v1.0.0', 1]]), entry(2, [['v1.1.0', 90], ['v1.0.0', 10]])])).toBeUndefined();
  });

  it('counts a change of replicas as another assignment', () => {
    expect(previousAssignment([entry(1, [['v1.0.0', 100]], 2), entry(2, [['v1.0.0', 1]], 3)])?.n).toBe(1);
  });
});
