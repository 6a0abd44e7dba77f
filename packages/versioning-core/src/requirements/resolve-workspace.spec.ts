import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Annotations } from '../oci';
import { openRepository, parseRegistryReference, type RegistryReference } from '../oci';
import { failure } from '../test-support/failure';
import { publishTestPackage } from '../test-support/package-artifact';
import { pushTinyArtifact } from '../test-support/tiny-artifact';
import { LOCK_FILE } from '@modelos/runtime';
import { RequirementConflict } from './resolve';
import { resolveWorkspace } from './resolve-workspace';

jest.setTimeout(120_000);
const host = process.env.MODELOS_TEST_REGISTRY!;
const namespace = `resolve-${randomUUID().slice(0, 8)}`;
let registry: RegistryReference;
let work: string;
let ws: string;

/** A release `v<version>` of `resource` (its requirements in the annotation release writes) and its client package. */
async function publishRelease(resource: string, version: string, requires: Record<string, string> = {}, clientTarball?: Buffer): Promise<void> {
  const repo = openRepository(registry, resource);
  const recorded = Object.fromEntries(Object.entries(requires).map(([name, spec]) => [name, { spec, versions: [] }]));
  await pushTinyArtifact(repo, `v${version}`, { [Annotations.version]: version, [Annotations.requires]: JSON.stringify(recorded) });
  await publishTestPackage(repo, {
    name: `@${namespace}/${resource}-client`,
    version,
    resource,
    kind: 'client',
    // Generated clients name their resource in package.json `modelos`: how resolve sees them installed.
    files: {
      'package.json': JSON.stringify({ name: `@${namespace}/${resource}-client`, version, main: 'index.js', modelos: { resource } }),
      'index.js': `exports.version = ${JSON.stringify(version)};`,
    },
    tags: [`client-v${version}`],
    tarball: clientTarball,
  });
}

function resource(name: string, requires: Record<string, string>): { name: string; root: string } {
  fs.mkdirSync(path.join(ws, name), { recursive: true });
  fs.writeFileSync(path.join(ws, name, 'resource.json'), JSON.stringify({ formatVersion: '1', entry: 'src/index.ts', class: 'X', requires }));
  return { name, root: name };
}

/** What a resolve may touch: compared before and after a failure. */
function state(): Record<string, string | null> {
  const read = (file: string) => (fs.existsSync(path.join(ws, file)) ? fs.readFileSync(path.join(ws, file), 'utf8') : null);
  const list = (dir: string) => (fs.existsSync(path.join(ws, dir)) ? fs.readdirSync(path.join(ws, dir), { recursive: true }).sort().join(',') : null);
  return { lock: read(LOCK_FILE), packageJson: read('package.json'), npmLock: read('package-lock.json'), nodeModules: list('node_modules'), client: read(`node_modules/@${namespace}/eggs-client-v1/index.js`) };
}

const requireInWorkspace = (code: string) => execFileSync(process.execPath, ['-e', code], { cwd: ws, encoding: 'utf8' }).trim();

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'resolve-workspace-'));
  process.env.MODELOS_CACHE_DIR = path.join(work, 'cache');
  registry = parseRegistryReference(`oci://${host}/${namespace}`, work);
  await publishRelease('eggs', '1.2.0');
  await publishRelease('eggs', '1.4.0', { jam: '^1' });
  await publishRelease('eggs', '2.0.0');
  await publishRelease('jam', '1.0.0');
  ws = path.join(work, 'ws');
  fs.mkdirSync(ws);
  fs.writeFileSync(path.join(ws, 'package.json'), `${JSON.stringify({ name: `@${namespace}/source`, private: true }, null, 2)}\n`);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('resolveWorkspace', () => {
  const ham = () => resource('ham', { eggs: '^1.2' });
  const other = () => resource('other', { eggs: '1.4' });
  type Project = { name: string; root: string };
  const resolve = (resources: Project[], extra: { update?: boolean; workspace?: Project[] } = {}) =>
    resolveWorkspace({ workspaceRoot: ws, resources, workspace: resources, registry, ...extra });

  it('resolves the set to one eggs 1.x, transitively, installs the clients per major and writes the lock', async () => {
    const result = await resolve([ham(), other()]);
    expect(result.resolved.map((r) => [r.resource, r.version, r.requiredBy])).toEqual([
      ['eggs', '1.4.0', [{ by: 'ham', spec: '^1.2' }, { by: 'other', spec: '1.4' }]],
      ['jam', '1.0.0', [{ by: 'eggs 1.4.0', spec: '^1', via: ['ham'] }]],
    ]);
    expect(result.installed).toEqual([`@${namespace}/eggs-client-v1`, `@${namespace}/jam-client-v1`]);
    expect(requireInWorkspace(`console.log(require('@${namespace}/eggs-client-v1').version)`)).toBe('1.4.0');

    const lock = JSON.parse(fs.readFileSync(path.join(ws, LOCK_FILE), 'utf8'));
    const eggsRepo = openRepository(registry, 'eggs');
    expect(lock.roots).toEqual({ ham: { eggs: '^1.2' }, other: { eggs: '1.4' } });
    expect(lock.resolved['eggs@1.4.0']).toEqual({
      resource: 'eggs',
      version: '1.4.0',
      repository: `${host}/${namespace}/eggs`,
      manifest: (await eggsRepo.resolve('v1.4.0'))!.digest,
      client: (await eggsRepo.resolve('client-v1.4.0'))!.digest,
      server: null,
      requiredBy: [{ by: 'ham', spec: '^1.2' }, { by: 'other', spec: '1.4' }],
    });
  });

  it('gives the same bytes for the same inputs, and keeps a lock that still fits unless --update', async () => {
    const before = state();
    const again = await resolve([ham(), other()]);
    expect([again.changed, again.installed]).toEqual([false, []]);
    expect(state()).toEqual(before);

    await publishRelease('eggs', '1.5.0');
    // One resource resolved on its own keeps the lock's other roots in the set.
    expect((await resolve([ham()], { workspace: [ham(), other()] })).resolved.map((r) => `${r.resource} ${r.version}`)).toEqual(['eggs 1.4.0', 'jam 1.0.0']);
    expect(JSON.parse(fs.readFileSync(path.join(ws, LOCK_FILE), 'utf8')).roots).toEqual({ ham: { eggs: '^1.2' }, other: { eggs: '1.4' } });
    const updated = await resolve([ham(), resource('other', { eggs: '^1.4' })], { update: true });
    expect(updated.resolved.map((r) => `${r.resource} ${r.version}`)).toEqual(['eggs 1.5.0']);
    expect(requireInWorkspace(`console.log(require('@${namespace}/eggs-client-v1').version)`)).toBe('1.5.0');
    // eggs 1.5.0 needs no jam: the client the lock had installed for it goes too.
    expect(updated.removed).toEqual([`@${namespace}/jam-client-v1`]);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(ws, 'package.json'), 'utf8')).dependencies)).toEqual([`@${namespace}/eggs-client-v1`]);
    expect(fs.existsSync(path.join(ws, 'node_modules', `@${namespace}`, 'jam-client-v1'))).toBe(false);
  });

  it('leaves lock, package.json and node_modules as they were when resolution fails or npm does', async () => {
    const before = state();
    const conflict = await failure(resolve([ham(), resource('bacon', { eggs: '1.2' }), resource('other', { eggs: '1.5' })]));
    expect(conflict).toBeInstanceOf(RequirementConflict);
    expect(conflict.message).toBe('bacon needs eggs 1.2; other needs eggs 1.5; no eggs 1.x satisfies both; available: 1.2.0, 1.4.0, 1.5.0');
    expect(state()).toEqual(before);

    await publishRelease('eggs', '1.6.0', {}, Buffer.from('not a tarball'));
    const npm = await failure(resolve([ham(), resource('other', { eggs: '1.6' })], { update: true }));
    expect(npm.message).toMatch(/installing @resolve-[0-9a-f]+\/eggs-client-v1 failed/);
    expect(state()).toEqual(before);
  });
});
