import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRepository, parseRegistryReference, type Repository } from '../oci';
import { publishServedRelease } from '../test-support/served-release';
import { tsNodeArgs } from '../test-support/run-ts';

const host = process.env.MODELOS_TEST_REGISTRY!;
const namespace = `mdl-env-${randomUUID().slice(0, 8)}`;
const REPO = `oci://${host}/${namespace}/ham`;
const MDL = path.join(__dirname, 'mdl.ts');
let work: string;
let env: NodeJS.ProcessEnv;
let repo: Repository;

jest.setTimeout(120_000);

function mdl(args: string[], cwd = work) {
  const child = spawnSync(process.execPath, tsNodeArgs(MDL, args), { cwd, env, encoding: 'utf8' });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

async function tags(): Promise<string[]> {
  return (await repo.listTags()).sort();
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdl-env-'));
  // No git user: `who` falls back to $USER.
  env = { ...process.env, MODELOS_CACHE_DIR: path.join(work, 'cache'), USER: 'cli-user', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  delete env.MODELOS_REGISTRY;
  repo = openRepository(parseRegistryReference(`oci://${host}/${namespace}`, work), 'ham');
  for (const version of ['1.0.0', '1.1.0', '2.0.0']) await publishServedRelease(repo, namespace, version);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('mdl promote, traffic, rollback, environments', () => {

  it('changes an environment, prints a line or one JSON document, and lists environments and history', () => {
    const promoted = mdl(['promote', REPO, '--env', 'production', '--version', 'v1.0.0', '--replicas', '2']);
    expect(promoted).toMatchObject({ status: 0, stderr: '' });
    expect(promoted.stdout).toBe('ham production #1: promote → v1.0.0 100%, 2 replica(s) per version; env-production → v1.0.0\n');
    const split = JSON.parse(mdl(['traffic', REPO, '--env', 'production', '--weights', 'v1.0.0=90,v1.1.0=10', '--json']).stdout);
    expect(split).toMatchObject({ environment: 'production', entry: { n: 2, action: 'traffic', who: 'cli-user', replicas: 2 }, envTag: { version: 'v1.0.0' } });

    const list = mdl(['environments', REPO]);
    expect(list.stdout).toMatch(/^ENVIRONMENT\s+SPLIT\s+REPLICAS\s+ENTRY\s+UPDATED\s+BY\s+REASON\nproduction\s+v1\.1\.0 10%, v1\.0\.0 90%\s+2\s+2\/2\s+\S+\s+cli-user\s+traffic v1\.1\.0=10,v1\.0\.0=90\n$/);
    expect(JSON.parse(mdl(['environments', REPO, '--json']).stdout)).toEqual([expect.objectContaining({ environment: 'production', entries: 2 })]);
    const history = mdl(['environments', REPO, '--env', 'production']).stdout.split('\n');
    expect(history[1]).toMatch(/^2\s+traffic/);
    expect(history[2]).toMatch(/^1\s+promote/);

    expect(mdl(['rollback', REPO, '--env', 'production']).stdout).toContain('#3: rollback → v1.0.0 100%');
  });

  it.each([
    [['promote', REPO, '--env', 'production', '--version', '1234567-0000000-abcdef0'], 'is an adhoc version: only releases can go to an environment'],
    [['promote', REPO, '--env', 'production', '--version', 'v3.0.0'], 'unknown version v3.0.0 of ham'],
    [['traffic', REPO, '--env', 'production', '--weights', 'v1.0.0=90,v2.0.0=10'], 'a split across majors is refused'],
    [['traffic', REPO, '--env', 'production', '--weights', 'v1.0.0:90'], 'invalid weights'],
    [['rollback', REPO, '--env', 'nowhere'], 'unknown environment "nowhere"'],
    [['endpoint', `oci://${host}/${namespace}:ham@nowhere`], 'unknown environment "nowhere"'],
  ])('mdl %j: one line, exit 1, registry unchanged', async (args, message) => {
    const before = await tags();
    const result = mdl(args);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(await tags()).toEqual(before);
  });
});

describe('mdl endpoint and endpoint-status', () => {
  it('serves the environment, follows a change at once on SIGHUP and prints its status as a table', async () => {
    mdl(['promote', REPO, '--env', 'canary', '--version', 'v1.0.0']);
    const child = spawn(process.execPath, tsNodeArgs(MDL, ['endpoint', `oci://${host}/${namespace}:ham@canary`, '--poll-ms', '600000']), { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)\n/.exec(out);
          if (match) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`mdl endpoint exited with ${code}`)));
      });
      await fetch(`${url}/`);
      mdl(['traffic', REPO, '--env', 'canary', '--weights', 'v1.0.0=3,v1.1.0=1']);
      child.kill('SIGHUP');
      let status: any;
      for (let i = 0; i < 100 && status?.entry?.n !== 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = await (await fetch(`${url}/-/status`)).json();
      }
      expect(status.versions.map((v: { version: string; share: number }) => [v.version, v.share])).toEqual([['v1.0.0', 0.75], ['v1.1.0', 0.25]]);
      const table = mdl(['endpoint-status', url]);
      expect(table.status).toBe(0);
      expect(table.stdout).toMatch(/^ham@canary #2 \(traffic by cli-user, .*\)\nVERSION\s+SHARE\s+REPLICAS\s+INSTANCES\s+REQUESTS\s+ERRORS\s+ERROR RATE\s+P50\s+P99\nv1\.0\.0\s+75%\s+1\/1\s+0\s+1\s+0\s+0%\s+[\d.]+ ms\s+[\d.]+ ms\nv1\.1\.0\s+25%\s+1\/1\s+0\s+0\s+0\s+0%\s+-\s+-\n$/);
      expect(mdl(['endpoint-status', 'http://127.0.0.1:1'])).toMatchObject({ status: 1, stderr: expect.stringContaining('no endpoint answers at http://127.0.0.1:1') });
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});

describe('mdl promote and rollback --gitTag', () => {
  it('writes the git tag of each change with --gitTag, in the git repository it runs in', () => {
    const checkout = path.join(work, 'checkout');
    const git = (...args: string[]) => spawnSync('git', ['-C', checkout, ...args], { encoding: 'utf8', env }).stdout.trim();
    fs.mkdirSync(checkout);
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'Cli User');
    git('config', 'user.email', 'cli@example.com');
    git('commit', '-q', '--allow-empty', '-m', 'start');
    const promoted = mdl(['promote', REPO, '--env', 'tagged', '--version', 'v1.0.0', '--gitTag', '--json'], checkout);
    expect(promoted).toMatchObject({ status: 0, stderr: '' });
    expect(JSON.parse(promoted.stdout)).toMatchObject({ environment: 'tagged', gitTag: 'mdl-ham-env-tagged-1' });
    expect(mdl(['rollback', REPO, '--env', 'tagged', '--to', 'v1.1.0', '--gitTag'], checkout).status).toBe(0);
    expect(git('tag', '--list', 'mdl-ham-env-tagged-*').split('\n')).toEqual(['mdl-ham-env-tagged-1', 'mdl-ham-env-tagged-2']);
    expect(git('cat-file', '-t', 'mdl-ham-env-tagged-2')).toBe('tag');
  });
});
