// The generated server.js as an attacker and an unlucky user meet it: a real `node server.js`
// process from a package directory holding the bundled script, fed raw requests over TCP.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fuzzServer, httpRequest, rawRequest, type RawAnswer } from '../../test-support/http-fuzz';
import { serverScript } from '../server-script';

jest.setTimeout(120_000);

const RESOURCE = `'use strict';
class Ham {
  constructor(name) { this.name = String(name); }
  bake(t) { if (typeof t !== 'number') throw new TypeError('bake wants a number'); return this.name + ' at ' + t; }
  static getTemp() { return 180; }
}
module.exports = { Ham };
`;
const method = (name: string) => ({ name, typeParameters: [], parameters: [], returnType: 'unknown' });
const SERVED = {
  resource: 'ham',
  version: '1.0.0',
  clientHash: '0'.repeat(64),
  interface: {
    formatVersion: 1,
    className: 'Ham',
    typeParameters: [],
    extends: null,
    constructors: [{ parameters: [{ name: 'name', type: 'string', optional: false, rest: false }] }],
    methods: [method('bake')],
    staticMethods: [method('getTemp')],
    types: [],
  },
};

let dir: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'server-guards-'));
  fs.writeFileSync(path.join(dir, 'index.js'), RESOURCE);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@ml/ham', version: '1.0.0', main: 'index.js', modelos: SERVED }));
  fs.writeFileSync(path.join(dir, 'server.js'), serverScript());
});

afterAll(() => {
  for (const child of started) child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  port: number;
  stderr(): string;
}

function startServer(env: Record<string, string> = {}, host = '127.0.0.1', packageDir = dir): Promise<Running> {
  const child = spawn(process.execPath, [path.join(packageDir, 'server.js'), '--port', '0', '--host', host], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on http:\/\/\S+:(\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]), stderr: () => stderr });
    });
    child.once('exit', (code) => reject(Object.assign(new Error(`server.js exited with ${code}: ${stderr}`), { code, stderr })));
  });
}

const json = (answer: RawAnswer) => JSON.parse(answer.body) as { error?: { name: string; message: string }; id?: string; result?: unknown };

/** VmHWM (peak resident set) of a process, in bytes. */
function peakRss(pid: number): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))!;
  return Number(/(\d+)/.exec(line)![1]) * 1024;
}

describe('server.js guards (finding: one request kills a server)', () => {
  let server: Running;
  beforeAll(async () => {
    server = await startServer();
  });

  it('answers a malformed percent-encoding with 400 and keeps serving', async () => {
    const answer = await httpRequest(server.port, 'GET', '/%E0%A4%A');
    expect(answer.status).toBe(400);
    expect(json(answer).error).toEqual({ name: 'BadRequest', message: 'the path segment "%E0%A4%A" is not valid percent-encoding' });
    expect((await httpRequest(server.port, 'GET', '/')).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });

  it('answers requests node cannot parse with 400', async () => {
    expect((await rawRequest(server.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nbad header\r\n\r\n')).status).toBe(400);
    expect((await rawRequest(server.port, 'NOT-HTTP\r\n\r\n')).status).toBe(400);
    expect(server.child.exitCode).toBeNull();
  });

  it('survives fuzzed paths, methods, headers and bodies: every answer is JSON without a stack trace', async () => {
    expect(await fuzzServer(server.port, { runs: 300, seed: 9, alive: () => server.child.exitCode === null })).toBe(300);
    expect((await httpRequest(server.port, 'GET', '/')).status).toBe(200);
  });
});

describe('server.js answers in HTTP terms (finding: bodies that are not objects, statuses without their headers)', () => {
  let server: Running;
  beforeAll(async () => {
    server = await startServer({ MODELOS_SERVE_TOKEN: 's3cret' }, '0.0.0.0');
  });
  const authorized = { authorization: 'Bearer s3cret' };

  it('refuses a JSON body that is not an object with 400 and the rule, constructing nothing', async () => {
    for (const body of ['[1,2]', 'null', '"ham"', '7']) {
      const answer = await httpRequest(server.port, 'POST', '/instances', { headers: authorized, body });
      expect([body, answer.status, json(answer).error]).toEqual([body, 400, { name: 'BadRequest', message: 'the request body must be a JSON object: { "args": [...] }' }]);
    }
    expect((await httpRequest(server.port, 'POST', '/static/getTemp', { headers: authorized, body: '[]' })).status).toBe(400);
    expect((await httpRequest(server.port, 'POST', '/static/getTemp', { headers: authorized })).status).toBe(200);
    expect((await httpRequest(server.port, 'POST', '/instances', { headers: authorized, body: '{"args":["ham"]}' })).status).toBe(201);
  });

  it('answers a header over the size limit with 431', async () => {
    const answer = await httpRequest(server.port, 'GET', '/', { headers: { ...authorized, 'x-big': 'x'.repeat(20_000) } });
    expect(answer.status).toBe(431);
    expect(server.child.exitCode).toBeNull();
  });

  it('sends WWW-Authenticate: Bearer with a 401, and Allow with a 405', async () => {
    const refused = await httpRequest(server.port, 'GET', '/');
    expect([refused.status, /^www-authenticate: Bearer$/im.test(refused.headers)]).toEqual([401, true]);
    const wrongMethod = await httpRequest(server.port, 'DELETE', '/static/getTemp', { headers: authorized });
    expect([wrongMethod.status, /^allow: POST$/im.exec(wrongMethod.headers)?.[0]]).toEqual([405, 'allow: POST']);
    expect(/^allow: GET$/im.test((await httpRequest(server.port, 'POST', '/', { headers: authorized, body: '{}' })).headers)).toBe(true);
  });
});

describe('server.js limits (finding: memory exhaustion)', () => {
  it('refuses bodies over the limit (default 1 MiB), by Content-Length or while streaming', async () => {
    const server = await startServer();
    const big = JSON.stringify({ args: ['x'.repeat(1024 * 1024)] });
    const byLength = await httpRequest(server.port, 'POST', '/instances', { body: big });
    expect([byLength.status, json(byLength).error?.name]).toEqual([413, 'PayloadTooLarge']);
    const chunked = await rawRequest(
      server.port,
      `POST /instances HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n${Buffer.byteLength(big).toString(16)}\r\n${big}\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(413);
    expect((await httpRequest(server.port, 'POST', '/instances', { body: JSON.stringify({ args: ['ok'] }) })).status).toBe(201);
  });

  it('closes connections whose headers or body take longer than the timeouts (slowloris)', async () => {
    const server = await startServer({ MODELOS_SERVE_HEADERS_TIMEOUT_MS: '1000', MODELOS_SERVE_REQUEST_TIMEOUT_MS: '2000' });
    const started = Date.now();
    const slowHeaders = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: '));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => undefined);
    });
    expect(slowHeaders).toMatch(/^HTTP\/1\.1 408/);
    const slowBody = await new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () =>
        socket.write('POST /instances HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"args"'),
      );
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => undefined);
    });
    expect(slowBody).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(server.child.exitCode).toBeNull();
  });

  it('takes a smaller body limit from MODELOS_SERVE_MAX_BODY_BYTES', async () => {
    const server = await startServer({ MODELOS_SERVE_MAX_BODY_BYTES: '64' });
    expect((await httpRequest(server.port, 'POST', '/instances', { body: JSON.stringify({ args: ['x'.repeat(100)] }) })).status).toBe(413);
    expect((await httpRequest(server.port, 'POST', '/instances', { body: JSON.stringify({ args: ['x'] }) })).status).toBe(201);
  });

  it('holds at most MODELOS_SERVE_MAX_INSTANCES instances and drops idle ones', async () => {
    const server = await startServer({ MODELOS_SERVE_MAX_INSTANCES: '3', MODELOS_SERVE_INSTANCE_IDLE_MS: '1500' });
    const create = () => httpRequest(server.port, 'POST', '/instances', { body: '{"args":["ham"]}' });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(json(await create()).id);
    const refused = await create();
    expect([refused.status, json(refused).error?.name]).toEqual([503, 'TooManyInstances']);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await httpRequest(server.port, 'POST', `/instances/${ids[0]}/bake`, { body: '{"args":[1]}' })).status).toBe(404);
    expect((await create()).status).toBe(201);
  });

  it('stays bounded under load: 80 near-limit bodies and 2,000 creations keep peak RSS under 250 MB (80 MB of it the 1 MB names the instances keep)', async () => {
    const server = await startServer({ MODELOS_SERVE_MAX_INSTANCES: '500' });
    const pid = server.child.pid!;
    const before = peakRss(pid);
    const nearLimit = JSON.stringify({ args: ['x'.repeat(1000 * 1000)] });
    const overLimit = JSON.stringify({ args: ['x'.repeat(8 * 1024 * 1024)] });
    for (let round = 0; round < 8; round++) {
      const [refused, ...created] = await Promise.all([
        // The server may close the socket while 50 MB are still being written: a reset counts as refused.
        httpRequest(server.port, 'POST', '/instances', { body: overLimit }).catch(() => ({ status: 413 }) as RawAnswer),
        ...Array.from({ length: 10 }, () => httpRequest(server.port, 'POST', '/instances', { body: nearLimit })),
      ]);
      expect([refused.status, ...new Set(created.map((a) => a.status))]).toEqual([413, 201]);
    }
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => httpRequest(server.port, 'POST', '/instances', { body: '{"args":["ham"]}' })));
      for (const { status } of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 201: 500 - 80, 503: 2000 - 420 });
    const peak = peakRss(pid);
    process.stdout.write(`server.js load test: peak RSS ${(before / 1e6).toFixed(1)} MB at start, ${(peak / 1e6).toFixed(1)} MB after load\n`);
    expect(peak).toBeLessThan(250e6);
    expect(server.child.exitCode).toBeNull();
  });
});

describe('server.js refuses other sites and hosts (finding: no Host/Origin check)', () => {
  let server: Running;
  beforeAll(async () => {
    server = await startServer({ MODELOS_SERVE_ORIGINS: 'http://localhost:3000' });
  });

  it('answers loopback names only when bound to loopback (DNS rebinding)', async () => {
    const rebound = await httpRequest(server.port, 'GET', '/', { headers: { host: 'attacker.example:80' } });
    expect([rebound.status, json(rebound).error?.name]).toEqual([421, 'MisdirectedRequest']);
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`]) {
      expect((await httpRequest(server.port, 'GET', '/', { headers: { host } })).status).toBe(200);
    }
  });

  it('refuses browser origins unless allowed', async () => {
    const blind = await httpRequest(server.port, 'POST', '/static/getTemp', { headers: { origin: 'https://evil.example' }, body: '{}' });
    expect([blind.status, json(blind).error?.message]).toEqual([403, 'origin https://evil.example is not allowed (allow it with MODELOS_SERVE_ORIGINS)']);
    expect((await httpRequest(server.port, 'POST', '/static/getTemp', { headers: { origin: 'http://localhost:3000' }, body: '{}' })).status).toBe(200);
  });

  it('takes bodies as application/json only (a page cannot post text/plain blind)', async () => {
    const plain = await httpRequest(server.port, 'POST', '/instances', { headers: { 'content-type': 'text/plain' }, body: '{"args":["x"]}' });
    expect([plain.status, json(plain).error?.name]).toEqual([415, 'UnsupportedMediaType']);
  });

  it('refuses to bind beyond loopback without MODELOS_SERVE_TOKEN, and then wants the token', async () => {
    await expect(startServer({}, '0.0.0.0')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('binding 0.0.0.0 (beyond loopback) needs a bearer token: set MODELOS_SERVE_TOKEN'),
    });
    const open = await startServer({ MODELOS_SERVE_TOKEN: 's3cret' }, '0.0.0.0');
    expect((await httpRequest(open.port, 'GET', '/')).status).toBe(401);
    expect((await httpRequest(open.port, 'GET', '/', { headers: { authorization: 'Bearer wrong!' } })).status).toBe(401);
    const allowed = await httpRequest(open.port, 'GET', '/', { headers: { authorization: 'Bearer s3cret', host: 'models.internal:8080' } });
    expect(allowed.status).toBe(200);
    expect(allowed.body).not.toContain('s3cret');
  });
});

describe('server.js of a package that cannot load (finding: a raw stack trace)', () => {
  it('names the package and the error in one line when index.js throws while loading, and exits 1', async () => {
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'index.js'), `'use strict';\nthrow new Error('models/ham.onnx is missing');\n`);
    fs.writeFileSync(path.join(broken, 'package.json'), JSON.stringify({ name: '@ml/ham', version: '1.0.0', main: 'index.js', modelos: SERVED }));
    fs.writeFileSync(path.join(broken, 'server.js'), serverScript());
    await expect(startServer({}, '127.0.0.1', broken)).rejects.toMatchObject({
      code: 1,
      stderr: 'ham v1.0.0: index.js failed to load: Error: models/ham.onnx is missing\n',
    });
  });
});

describe('server.js dispatch (finding: a private constructor called over HTTP)', () => {
  it('creates no instance of a class whose constructors are not public, even one with a base class', async () => {
    const singleton = path.join(dir, 'singleton');
    fs.mkdirSync(singleton);
    // In JavaScript the constructor is callable: only the interface says TypeScript made it private.
    fs.writeFileSync(path.join(singleton, 'index.js'), `'use strict';\nclass Base {}\nclass Ham extends Base { static getTemp() { return 180; } }\nmodule.exports = { Ham };\n`);
    const served = { ...SERVED, interface: { ...SERVED.interface, extends: 'Base', constructors: [], noPublicConstructor: true } };
    fs.writeFileSync(path.join(singleton, 'package.json'), JSON.stringify({ name: '@ml/ham', version: '1.0.0', main: 'index.js', modelos: served }));
    fs.writeFileSync(path.join(singleton, 'server.js'), serverScript());
    const server = await startServer({}, '127.0.0.1', singleton);

    const created = await httpRequest(server.port, 'POST', '/instances', { body: '{"args":[]}' });
    expect([created.status, json(created).error]).toEqual([404, { name: 'NotFound', message: expect.stringContaining('has no public constructor') }]);
    const called = await httpRequest(server.port, 'POST', '/static/getTemp', { body: '{"args":[]}' });
    expect([called.status, json(called).result]).toEqual([200, 180]);
  });
});
