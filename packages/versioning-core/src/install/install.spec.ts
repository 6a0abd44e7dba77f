import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { digestHex, openRepository, parseRegistryReference, type Repository } from '../oci';
import { publishTestPackage, type TestPackage } from '../test-support/package-artifact';
import { install } from './install';
import { failure } from '../test-support/failure';

jest.setTimeout(60_000);
const host = process.env.MODELOS_TEST_REGISTRY!;
const namespace = `install-${randomUUID().slice(0, 8)}`;
const scope = `@${namespace}`;
let work: string;
let project: string;
let repo: Repository;

const client = (version: string, files: Record<string, string> = {}): TestPackage => ({
  name: `${scope}/ham-client`,
  version,
  resource: 'ham',
  kind: 'client',
  files: { 'index.js': `exports.version = ${JSON.stringify(version)};`, ...files },
});

/** The project's files that an install may touch, to compare before and after a failure. */
function projectState(): Record<string, string | null> {
  const read = (file: string) => (fs.existsSync(path.join(project, file)) ? fs.readFileSync(path.join(project, file), 'utf8') : null);
  const list = (dir: string) => (fs.existsSync(path.join(project, dir)) ? fs.readdirSync(path.join(project, dir), { recursive: true }).sort().join(',') : null);
  return { packageJson: read('package.json'), lock: read('package-lock.json'), nodeModules: list('node_modules'), modelos: list('.modelos') };
}

function requireInProject(code: string): string {
  return execFileSync(process.execPath, ['-e', code], { cwd: project, encoding: 'utf8' }).trim();
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'install-'));
  repo = openRepository(parseRegistryReference(`oci://${host}/${namespace}`, work), 'ham');
  await publishTestPackage(repo, client('1.0.0'));
  await publishTestPackage(repo, client('1.1.0'));
  await publishTestPackage(repo, client('2.0.0'));
  await publishTestPackage(repo, { name: `${scope}/ham`, version: '1.2.1', resource: 'ham', kind: 'server', files: { 'index.js': 'exports.Ham = class Ham {};' } });
});

beforeEach(() => {
  project = fs.mkdtempSync(path.join(work, 'project-'));
  fs.writeFileSync(path.join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2)}\n`);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('install', () => {
  it('installs the floating client-v1 under its per-major name from a tarball kept in .modelos/packages', async () => {
    const result = await install(`${host}/${namespace}:ham-client-v1`, { cwd: project });
    expect(result).toMatchObject({
      name: `${scope}/ham-client-v1`,
      package: `${scope}/ham-client`,
      version: '1.1.0',
      kind: 'client',
      resource: 'ham',
      repository: `${host}/${namespace}/ham`,
      tag: 'client-v1',
      tarball: '.modelos/packages/ham-client-1.1.0.tgz',
      projectRoot: project,
    });
    const tarball = fs.readFileSync(path.join(project, result.tarball));
    expect(`sha256:${require('node:crypto').createHash('sha256').update(tarball).digest('hex')}`).toBe(result.digest);
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf8'));
    expect(manifest.dependencies).toEqual({ [`${scope}/ham-client-v1`]: 'file:.modelos/packages/ham-client-1.1.0.tgz' });
    expect(requireInProject(`console.log(require('${scope}/ham-client-v1').version)`)).toBe('1.1.0');
  });

  it('installs two majors side by side, and a server package under its version, from a subdirectory of the project', async () => {
    const sub = path.join(project, 'src');
    fs.mkdirSync(sub);
    await install(`oci://${host}/${namespace}:ham-client-v1`, { cwd: sub });
    await install(`${host}/${namespace}:ham-client-v2`, { cwd: sub });
    const server = await install(`${host}/${namespace}:ham-pkg-v1.2.1`, { cwd: sub });
    expect(server).toMatchObject({ name: `${scope}/ham-v1_2_1`, kind: 'server', tarball: '.modelos/packages/ham-1.2.1.tgz', projectRoot: project });
    expect(requireInProject(`console.log(require('${scope}/ham-client-v1').version, require('${scope}/ham-client-v2').version)`)).toBe('1.1.0 2.0.0');
    expect(requireInProject(`console.log(typeof require('${scope}/ham-v1_2_1').Ham)`)).toBe('function');
    expect(fs.existsSync(path.join(sub, 'package.json'))).toBe(false);
  });

  it('installs from an image layout given as a path, and an exact client version under its major', async () => {
    const layout = openRepository(parseRegistryReference(path.join(project, '.modelos/registry'), project), 'ham');
    await publishTestPackage(layout, client('3.4.5'));
    const result = await install('.modelos/registry:ham-client-v3.4.5', { cwd: project });
    expect(result).toMatchObject({ name: `${scope}/ham-client-v3`, tag: 'client-v3.4.5', repository: `oci:${path.join(project, '.modelos/registry/ham')}` });
    expect(requireInProject(`console.log(require('${scope}/ham-client-v3').version)`)).toBe('3.4.5');
  });

  it('never runs the package lifecycle scripts: a hostile artifact runs no code at install time', async () => {
    const scripts = { preinstall: 'touch preinstall-ran', install: 'touch install-ran', postinstall: 'touch postinstall-ran' };
    const layoutDir = path.join(work, `scripts-${randomUUID().slice(0, 8)}`);
    const layout = openRepository(parseRegistryReference(layoutDir, work), 'ham');
    await publishTestPackage(layout, client('4.0.0', { 'package.json': JSON.stringify({ name: `${scope}/ham-client`, version: '4.0.0', scripts }) }));
    await install(`${layoutDir}:ham-client-v4`, { cwd: project });
    expect(requireInProject(`console.log(require('${scope}/ham-client-v4/package.json').version)`)).toBe('4.0.0');
    const ran = fs.readdirSync(project, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('-ran'));
    expect(ran).toEqual([]);
  });

  it('reinstalls the same version without a new download', async () => {
    const first = await install(`${host}/${namespace}:ham-client-v2`, { cwd: project });
    const stat = fs.statSync(path.join(project, first.tarball));
    const second = await install(`${host}/${namespace}:ham-client-v2.0.0`, { cwd: project });
    expect(second.digest).toBe(first.digest);
    expect(fs.statSync(path.join(project, second.tarball)).mtimeMs).toBe(stat.mtimeMs);
  });
});

describe('install refuses bad input before touching the project', () => {
  const cases: Array<[string, () => string, RegExp]> = [
    ['an unknown resource', () => `${host}/${namespace}:bacon-client-v1`, new RegExp(`^unknown resource "bacon": ${host}/${namespace}/bacon does not exist or holds no tags$`)],
    [
      'a tag that does not exist',
      () => `${host}/${namespace}:ham-client-v7`,
      new RegExp(`^tag "client-v7" does not exist in ${host}/${namespace}/ham; client packages there: client-v2\\.0\\.0, client-v2, client-v1\\.1\\.0, client-v1\\.0\\.0, client-v1$`),
    ],
    ['a registry that refuses', () => `127.0.0.1:1/${namespace}:ham-client-v1`, /^registry 127\.0\.0\.1:1 is not reachable \(connect ECONNREFUSED\)$/],
    ['a client ref on a server package', () => `${host}/${namespace}:ham-pkg-v1.2.1`.replace('pkg-v1.2.1', 'client-v1.2.1'), /^tag "client-v1\.2\.1" does not exist/],
  ];

  it('lists the packages there newest first by semver: a prerelease after its release', async () => {
    const layoutDir = path.join(work, `order-${randomUUID().slice(0, 8)}`);
    const layout = openRepository(parseRegistryReference(layoutDir, project), 'ham');
    for (const version of ['2.6.0-rc.2', '2.6.0', '2.6.0-beta.1', '2.10.0', '1.0.0']) await publishTestPackage(layout, { ...client(version), tags: [`client-v${version}`] });
    const error = await failure(install(`${layoutDir}:ham-client-v9`, { cwd: project }));
    expect(error.message).toMatch(/client packages there: client-v2\.10\.0, client-v2\.6\.0, client-v2\.6\.0-rc\.2, client-v2\.6\.0-beta\.1, client-v1\.0\.0$/);
  });

  it.each(cases)('%s', async (_what, ref, message) => {
    const before = projectState();
    const error = await failure(install(ref(), { cwd: project }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(message);
    expect(projectState()).toEqual(before);
  });

  it('a tag whose artifact is of the other kind', async () => {
    await publishTestPackage(repo, { ...client('8.0.0'), kind: 'server', name: `${scope}/ham`, tags: ['client-v8'] });
    const before = projectState();
    await expect(install(`${host}/${namespace}:ham-client-v8`, { cwd: project })).rejects.toThrow(
      `${host}/${namespace}/ham:client-v8 is not a client package: its artifactType is application/vnd.modelos.pkg.v1, expected application/vnd.modelos.client.v1`,
    );
    expect(projectState()).toEqual(before);
  });

  it('a tarball that does not match its digest', async () => {
    const layoutDir = path.join(work, `corrupt-${randomUUID().slice(0, 8)}`);
    const published = await publishTestPackage(openRepository(parseRegistryReference(layoutDir, work), 'ham'), client('1.0.0'));
    const corrupt = Buffer.from(published.tarball);
    corrupt[corrupt.length - 5] ^= 0xff;
    fs.writeFileSync(path.join(layoutDir, 'ham/blobs/sha256', digestHex(published.digest)), corrupt);
    const before = projectState();
    const error = await failure(install(`${layoutDir}:ham-client-v1`, { cwd: project }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^blob sha256:[0-9a-f]{64} in oci:.* does not match sha256:[0-9a-f]{64}: got sha256:/);
    expect(projectState()).toEqual(before);
  });

  it('a directory without package.json above it', async () => {
    // The root is the one directory whose ancestors no other process can give a package.json.
    expect(fs.existsSync('/package.json')).toBe(false);
    await expect(install(`${host}/${namespace}:ham-client-v1`, { cwd: '/' })).rejects.toThrow(
      'no package.json in / or any directory above it: install into an npm project (npm init -y creates one)',
    );
  });

  it('a package npm fails to install: the project is put back as it was', async () => {
    await install(`${host}/${namespace}:ham-client-v1`, { cwd: project });
    // A dependency no registry can give: npm's registry is a closed port.
    const failing = client('9.0.0', { 'package.json': JSON.stringify({ name: `${scope}/ham-client`, version: '9.0.0', dependencies: { [`${scope}/missing`]: '1.0.0' } }) });
    await publishTestPackage(repo, failing);
    const before = projectState();
    const offline = { ...process.env, npm_config_registry: 'http://127.0.0.1:1/', npm_config_fetch_retries: '0' };
    const error = await failure(install(`${host}/${namespace}:ham-client-v9`, { cwd: project, env: offline }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(new RegExp(`^installing ${scope}/ham-client-v9 failed: npm install exited with code \\d+: .*`));
    expect(error.message).not.toContain('\n');
    expect(projectState()).toEqual(before);
    expect(requireInProject(`console.log(require('${scope}/ham-client-v1').version)`)).toBe('1.1.0');
  });

  it('a hostile package: its lifecycle scripts never run (npm --ignore-scripts)', async () => {
    const marker = path.join(work, `ran-${randomUUID()}`);
    const touch = `node -e "require('fs').appendFileSync(${JSON.stringify(marker).replace(/"/g, "'")}, process.env.npm_lifecycle_event + ' ')"`;
    const scripts = { preinstall: touch, install: touch, postinstall: touch, prepare: touch };
    await publishTestPackage(repo, client('7.0.0', { 'package.json': JSON.stringify({ name: `${scope}/ham-client`, version: '7.0.0', main: 'index.js', scripts }) }));
    await install(`${host}/${namespace}:ham-client-v7`, { cwd: project });
    expect(requireInProject(`console.log(require('${scope}/ham-client-v7').version)`)).toBe('7.0.0');
    expect(fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : 'no script ran').toBe('no script ran');
  });
});

describe('install with a modelos.lock.json (SPEC §9)', () => {
  const lockWith = (client: string | null) => ({
    lockfileVersion: 1,
    roots: {},
    resolved: { 'ham@1.0.0': { resource: 'ham', version: '1.0.0', repository: `${host}/${namespace}/ham`, manifest: 'sha256:x', client, server: null, requiredBy: [] } },
  });

  it('installs the locked version of a floating client-v<MAJOR>, checked against the locked digest', async () => {
    const locked = (await repo.resolve('client-v1.0.0'))!.digest;
    fs.writeFileSync(path.join(project, 'modelos.lock.json'), JSON.stringify(lockWith(locked)));
    const result = await install(`${host}/${namespace}:ham-client-v1`, { cwd: project });
    expect([result.tag, result.version]).toEqual(['client-v1.0.0', '1.0.0']);
    expect(requireInProject(`console.log(require('${scope}/ham-client-v1').version)`)).toBe('1.0.0');
    // Another major is not in the lock: the floating tag as usual.
    expect((await install(`${host}/${namespace}:ham-client-v2`, { cwd: project })).version).toBe('2.0.0');
  });

  it('refuses a registry that no longer matches the lock, installing nothing', async () => {
    fs.writeFileSync(path.join(project, 'modelos.lock.json'), JSON.stringify(lockWith(`sha256:${'0'.repeat(64)}`)));
    const before = projectState();
    await expect(install(`${host}/${namespace}:ham-client-v1`, { cwd: project })).rejects.toThrow(/client-v1\.0\.0 is sha256:[0-9a-f]{64}, but .*modelos\.lock\.json locks it at sha256:0{64}: the registry changed under the lock; resolve again with --update/);
    expect(projectState()).toEqual(before);
  });
});
