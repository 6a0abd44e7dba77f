import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clientHash, extractInterface } from '../interface';
import { hamWorkspace, npmInstallTarball, startServerScript } from '../test-support/ham-workspace';
import { npmTarball } from './npm-tarball';
import { serverPackageFiles } from './server-package';

jest.setTimeout(60_000);

let fixture: ReturnType<typeof hamWorkspace>;
let tmp: string;
let tgz: string;
let consumer: string;
let server: { url: string; stop(): Promise<void> };
let build: () => ReturnType<typeof serverPackageFiles>;

beforeAll(async () => {
  fixture = hamWorkspace();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'server-package-'));
  const descriptor = extractInterface({ entryFile: fixture.entryFile, className: 'Ham' });
  build = () =>
    serverPackageFiles({
      workspaceRoot: fixture.ws.root,
      closure: fixture.closure,
      entryFile: fixture.entryFile,
      name: '@ml-project/ham',
      served: { resource: 'ham', version: '1.2.1', clientHash: clientHash(descriptor), interface: descriptor },
    });
  tgz = path.join(tmp, 'ham-1.2.1.tgz');
  fs.writeFileSync(tgz, await npmTarball(build()));
  consumer = npmInstallTarball(tgz);
  server = await startServerScript(path.join(consumer, 'node_modules/@ml-project/ham/server.js'));
});

afterAll(async () => {
  await server?.stop();
  fixture.ws.remove();
  for (const dir of [tmp, consumer]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('server package contents', () => {
  it('holds the closure compiled with declarations, and nothing else of the monorepo', () => {
    const listing = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).trim().split('\n');
    expect(listing).toEqual([
      'package/index.d.ts',
      'package/index.js',
      'package/lib/ham/src/glaze.d.ts',
      'package/lib/ham/src/glaze.js',
      'package/lib/ham/src/ham.d.ts',
      'package/lib/ham/src/ham.js',
      'package/lib/ham/src/settings.json',
      'package/lib/libs/eggs/src/index.d.ts',
      'package/lib/libs/eggs/src/index.js',
      'package/lib/libs/eggs/src/lib/eggs.d.ts',
      'package/lib/libs/eggs/src/lib/eggs.js',
      'package/package.json',
      'package/server.js',
    ]);
  });

  it('is built to the same bytes from the same sources', async () => {
    expect((await npmTarball(build())).equals(fs.readFileSync(tgz))).toBe(true);
  });

  it('turns tsconfig-path imports into relative ones, in JavaScript and declarations', () => {
    const installed = path.join(consumer, 'node_modules/@ml-project/ham');
    const js = fs.readFileSync(path.join(installed, 'lib/ham/src/ham.js'), 'utf8');
    const dts = fs.readFileSync(path.join(installed, 'lib/ham/src/ham.d.ts'), 'utf8');
    expect(js).toContain('require("../../libs/eggs/src/index")');
    expect(dts).toContain(`from '../../libs/eggs/src/index'`);
    expect(`${js}${dts}`).not.toContain('@ml-project/eggs');
    // Inferred where the source has no annotation.
    expect(dts).toMatch(/describe\(\): \{\s+a: string;\s+c: boolean;\s+\};/);
  });

  it('installs with npm and works as a library', () => {
    const run = (code: string) => execFileSync(process.execPath, ['-e', code], { cwd: consumer, encoding: 'utf8' }).trim();
    expect(run(`console.log(require('@ml-project/ham').Ham.getTemp())`)).toBe('180');
    expect(JSON.parse(run(`const { Ham } = require('@ml-project/ham'); console.log(JSON.stringify(new Ham('ham', 1, true).bake(200)))`))).toEqual({
      text: 'ham baked at 200 with honey',
      eggs: [{ size: 1 }, { size: 2 }],
      doneness: 'done',
    });
    const manifest = JSON.parse(fs.readFileSync(path.join(consumer, 'node_modules/@ml-project/ham/package.json'), 'utf8'));
    expect(manifest).toMatchObject({ name: '@ml-project/ham', version: '1.2.1', main: 'index.js', types: 'index.d.ts', dependencies: {} });
    expect(manifest.modelos).toMatchObject({ resource: 'ham', version: '1.2.1', interface: { className: 'Ham' } });
  });
});

describe('server.js over HTTP/JSON', () => {
  const call = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${server.url}${route}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const create = async () => (await call('POST', '/instances', { args: ['ham', 2, true] })).body.id as string;

  it('reports resource, version, client hash and interface', async () => {
    const { status, body } = await call('GET', '/');
    expect(status).toBe(200);
    expect(body).toMatchObject({ resource: 'ham', version: '1.2.1', clientHash: expect.stringMatching(/^[0-9a-f]{64}$/), interface: { className: 'Ham' } });
  });

  it('creates instances and calls their methods, awaiting promises', async () => {
    const created = await call('POST', '/instances', { args: ['ham', 1, false] });
    expect(created).toEqual({ status: 201, body: { id: expect.any(String) } });
    const id = created.body.id;
    expect(await call('POST', `/instances/${id}/bake`, { args: [220, 'rare'] })).toEqual({
      status: 200,
      body: { result: { text: 'ham baked at 220 with honey', eggs: [{ size: 1 }, { size: 2 }], doneness: 'rare' } },
    });
    expect(await call('POST', `/instances/${id}/slice`, { args: [3] })).toEqual({ status: 200, body: { result: [0, 2, 4] } });
    expect(await call('POST', `/instances/${id}/describe`)).toEqual({ status: 200, body: { result: { a: 'ham', c: false } } });
  });

  it('calls static methods', async () => {
    expect(await call('POST', '/static/getTemp', { args: [] })).toEqual({ status: 200, body: { result: 180 } });
    expect(await call('POST', '/static/digest', { args: ['ham'] })).toEqual({ status: 200, body: { result: expect.stringMatching(/^[0-9a-f]{8}$/) } });
  });

  it('answers 500 with the message and name of what the resource threw', async () => {
    expect(await call('POST', `/instances/${await create()}/fail`, { args: ['too hot'] })).toEqual({
      status: 500,
      body: { error: { message: 'too hot', name: 'RangeError' } },
    });
  });

  it('calls only methods of the interface: anything else is 404', async () => {
    const id = await create();
    for (const name of ['roast', 'weight', 'secret', 'constructor', 'toString', '__proto__']) {
      const answer = await call('POST', `/instances/${id}/${name}`, { args: [] });
      expect(answer).toEqual({ status: 404, body: { error: { name: 'NotFound', message: expect.stringContaining(`has no instance method "${name}"`) } } });
    }
    expect((await call('POST', '/static/bake', { args: [1] })).body.error.message).toBe(
      'ham v1.2.1 has no static method "bake" (static methods: digest, getTemp)',
    );
    expect((await call('POST', '/static/prototype', {})).status).toBe(404);
  });

  it('deletes instances; a deleted or unknown instance is 404', async () => {
    const id = await create();
    expect(await call('DELETE', `/instances/${id}`)).toEqual({ status: 204, body: undefined });
    expect(await call('POST', `/instances/${id}/bake`, { args: [1] })).toEqual({
      status: 404,
      body: { error: { name: 'NotFound', message: `ham v1.2.1 has no instance "${id}" (never created, deleted, or idle too long)` } },
    });
    expect((await call('DELETE', `/instances/${id}`)).status).toBe(404);
  });

  it('refuses malformed requests', async () => {
    expect((await call('GET', '/instances')).status).toBe(405);
    expect((await call('POST', '/nowhere')).status).toBe(404);
    const res = await fetch(`${server.url}/static/getTemp`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect([res.status, ((await res.json()) as { error: { name: string } }).error.name]).toEqual([400, 'BadRequest']);
    expect((await call('POST', '/static/getTemp', { args: 'x' })).body.error.message).toBe('"args" must be an array of arguments');
  });

  it('says in one line, without a stack trace, that its port is taken', () => {
    const port = new URL(server.url).port;
    const script = path.join(consumer, 'node_modules/@ml-project/ham/server.js');
    const run = spawnSync(process.execPath, [script, '--port', port], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`cannot listen on 127.0.0.1:${port}: EADDRINUSE\n`);
  });
});
