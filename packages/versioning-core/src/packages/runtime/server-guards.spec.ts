// The generated server.js as an attacker and an unlucky user meet it: a real `node server.js`
// process from a package directory holding the bundled script, fed raw requests over TCP.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
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

function startServer(env: Record<string, string> = {}, host = '127.0.0.1'): Promise<Running> {
  const child = spawn(process.execPath, [path.join(dir, 'server.js'), '--port', '0', '--host', host], {
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

interface Answer {
  status: number;
  headers: string;
  body: string;
}

/** One raw HTTP/1.1 request over a fresh socket; resolves with the parsed answer once the server closes. */
function raw(port: number, text: string | Buffer, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no complete answer within ${timeoutMs} ms`)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
    socket.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = all.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: rest.join('\r\n\r\n') });
    });
    socket.end(text);
  });
}

function request(port: number, method: string, target: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const body = options.body ?? '';
  const headers = { host: `127.0.0.1:${port}`, connection: 'close', ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}), ...options.headers };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return raw(port, `${method} ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
}

const json = (answer: Answer) => JSON.parse(answer.body) as { error?: { name: string; message: string }; id?: string; result?: unknown };

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
    const answer = await request(server.port, 'GET', '/%E0%A4%A');
    expect(answer.status).toBe(400);
    expect(json(answer).error).toEqual({ name: 'BadRequest', message: 'the path segment "%E0%A4%A" is not valid percent-encoding' });
    expect((await request(server.port, 'GET', '/')).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });

  it('answers requests node cannot parse with 400', async () => {
    expect((await raw(server.port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nbad header\r\n\r\n')).status).toBe(400);
    expect((await raw(server.port, 'NOT-HTTP\r\n\r\n')).status).toBe(400);
    expect(server.child.exitCode).toBeNull();
  });

  it('survives fuzzed paths, methods, headers and bodies: every answer is JSON without a stack trace', async () => {
    const segment = fc.oneof(
      fc.constantFrom('instances', 'static', 'getTemp', 'bake', 'constructor', '__proto__', 'prototype', '..', '%', '%E0%A4%A', '%00', '%2F'),
      fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => encodeURIComponent(s)),
      fc.stringMatching(/^[A-Za-z0-9%._~-]{0,12}$/),
    );
    const target = fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`);
    const verb = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'FOO');
    const header = fc.tuple(
      fc.constantFrom('origin', 'content-type', 'authorization', 'x-forwarded-for', 'accept', 'cookie', 'x-any'),
      fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
    );
    const body = fc.oneof(
      fc.constant(''),
      fc.json().map((text) => text),
      fc.anything().map((value) => JSON.stringify({ args: [value] }) ?? ''),
      fc.string({ maxLength: 200 }),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(verb, target, fc.array(header, { maxLength: 4 }), body, async (m, t, hs, b) => {
        runs++;
        const answer = await request(server.port, m, t, { headers: { 'content-type': 'application/json', ...Object.fromEntries(hs) }, body: b });
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(600);
        expect(answer.body).not.toMatch(/\n\s+at /);
        if (answer.body && m !== 'HEAD') expect(() => JSON.parse(answer.body)).not.toThrow();
        expect(server.child.exitCode).toBeNull();
      }),
      { numRuns: 300, seed: 9 },
    );
    expect(runs).toBe(300);
    expect((await request(server.port, 'GET', '/')).status).toBe(200);
  });
});

describe('server.js limits (finding: memory exhaustion)', () => {
  it('refuses bodies over the limit (default 1 MiB), by Content-Length or while streaming', async () => {
    const server = await startServer();
    const big = JSON.stringify({ args: ['x'.repeat(1024 * 1024)] });
    const byLength = await request(server.port, 'POST', '/instances', { body: big });
    expect([byLength.status, json(byLength).error?.name]).toEqual([413, 'PayloadTooLarge']);
    const chunked = await raw(
      server.port,
      `POST /instances HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n${Buffer.byteLength(big).toString(16)}\r\n${big}\r\n0\r\n\r\n`,
    );
    expect(chunked.status).toBe(413);
    expect((await request(server.port, 'POST', '/instances', { body: JSON.stringify({ args: ['ok'] }) })).status).toBe(201);
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
    expect((await request(server.port, 'POST', '/instances', { body: JSON.stringify({ args: ['x'.repeat(100)] }) })).status).toBe(413);
    expect((await request(server.port, 'POST', '/instances', { body: JSON.stringify({ args: ['x'] }) })).status).toBe(201);
  });

  it('holds at most MODELOS_SERVE_MAX_INSTANCES instances and drops idle ones', async () => {
    const server = await startServer({ MODELOS_SERVE_MAX_INSTANCES: '3', MODELOS_SERVE_INSTANCE_IDLE_MS: '1500' });
    const create = () => request(server.port, 'POST', '/instances', { body: '{"args":["ham"]}' });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(json(await create()).id);
    const refused = await create();
    expect([refused.status, json(refused).error?.name]).toEqual([503, 'TooManyInstances']);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await request(server.port, 'POST', `/instances/${ids[0]}/bake`, { body: '{"args":[1]}' })).status).toBe(404);
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
        request(server.port, 'POST', '/instances', { body: overLimit }).catch(() => ({ status: 413 }) as Answer),
        ...Array.from({ length: 10 }, () => request(server.port, 'POST', '/instances', { body: nearLimit })),
      ]);
      expect([refused.status, ...new Set(created.map((a) => a.status))]).toEqual([413, 201]);
    }
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => request(server.port, 'POST', '/instances', { body: '{"args":["ham"]}' })));
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
    const rebound = await request(server.port, 'GET', '/', { headers: { host: 'attacker.example:80' } });
    expect([rebound.status, json(rebound).error?.name]).toEqual([421, 'MisdirectedRequest']);
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`]) {
      expect((await request(server.port, 'GET', '/', { headers: { host } })).status).toBe(200);
    }
  });

  it('refuses browser origins unless allowed', async () => {
    const blind = await request(server.port, 'POST', '/static/getTemp', { headers: { origin: 'https://evil.example' }, body: '{}' });
    expect([blind.status, json(blind).error?.message]).toEqual([403, 'origin https://evil.example is not allowed (allow it with MODELOS_SERVE_ORIGINS)']);
    expect((await request(server.port, 'POST', '/static/getTemp', { headers: { origin: 'http://localhost:3000' }, body: '{}' })).status).toBe(200);
  });

  it('takes bodies as application/json only (a page cannot post text/plain blind)', async () => {
    const plain = await request(server.port, 'POST', '/instances', { headers: { 'content-type': 'text/plain' }, body: '{"args":["x"]}' });
    expect([plain.status, json(plain).error?.name]).toEqual([415, 'UnsupportedMediaType']);
  });

  it('refuses to bind beyond loopback without MODELOS_SERVE_TOKEN, and then wants the token', async () => {
    await expect(startServer({}, '0.0.0.0')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('binding 0.0.0.0 (beyond loopback) needs a bearer token: set MODELOS_SERVE_TOKEN'),
    });
    const open = await startServer({ MODELOS_SERVE_TOKEN: 's3cret' }, '0.0.0.0');
    expect((await request(open.port, 'GET', '/')).status).toBe(401);
    expect((await request(open.port, 'GET', '/', { headers: { authorization: 'Bearer wrong!' } })).status).toBe(401);
    const allowed = await request(open.port, 'GET', '/', { headers: { authorization: 'Bearer s3cret', host: 'models.internal:8080' } });
    expect(allowed.status).toBe(200);
    expect(allowed.body).not.toContain('s3cret');
  });
});
