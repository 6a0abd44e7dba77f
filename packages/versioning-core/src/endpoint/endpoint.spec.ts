import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promote, rollback, traffic } from '../environments/change';
import { UserError } from '../errors';
import { openRepository, parseRegistryReference, type RegistryReference, type Repository } from '../oci';
import { failure } from '../test-support/failure';
import { fuzzServer, httpRequest, rawRequest } from '../test-support/http-fuzz';
import { hamClient, publishServedRelease } from '../test-support/served-release';
import { startEndpoint, type Endpoint } from './endpoint';
import { fetchEndpointStatus } from './endpoint-status';
import type { EndpointStatus } from './routing';

const host = process.env.MODELOS_TEST_REGISTRY!;
const namespace = `endpoint-${randomUUID().slice(0, 8)}`;
const registryText = `oci://${host}/${namespace}`;
let work: string;
let registry: RegistryReference;
let repo: Repository;
let env: NodeJS.ProcessEnv;
const endpoints: Endpoint[] = [];

jest.setTimeout(120_000);

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'endpoint-'));
  env = { ...process.env, MODELOS_CACHE_DIR: path.join(work, 'cache') };
  delete env.MODELOS_REGISTRY;
  registry = parseRegistryReference(registryText, work);
  repo = openRepository(registry, 'ham');
  for (const version of ['1.0.0', '1.1.0']) await publishServedRelease(repo, namespace, version);
});

afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.stop()));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const change = (environment: string) => ({ repo, resource: 'ham', environment, settleMs: 20, env: { USER: 'tester' } });

async function serve(environment: string, pollMs = 60_000): Promise<Endpoint> {
  const endpoint = await startEndpoint({ registry, resource: 'ham', environment, env, pollMs });
  endpoints.push(endpoint);
  return endpoint;
}

describe('mdl endpoint', () => {
  it('serves an environment to HamClient.fromUri, with Prometheus metrics and a status', async () => {
    await promote({ ...change('serve'), version: 'v1.0.0' });
    const endpoint = await serve('serve');
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const server = await hamClient(registryText).fromUri(endpoint.url);
    const ham = await server.create('a');
    await expect(ham.whoami()).resolves.toMatchObject({ version: '1.0.0', name: 'a' });
    await expect(server.getTemp()).resolves.toBe('1.0.0');
    await expect(ham.fail()).rejects.toMatchObject({ name: 'RemoteError', remoteName: 'RangeError', message: 'burnt' });
    await ham[Symbol.asyncDispose]();

    const metrics = await (await fetch(`${endpoint.url}/metrics`)).text();
    expect(metrics).toContain('modelos_requests_total{resource="ham",version="v1.0.0",method="whoami",code="200"} 1');
    expect(metrics).toContain('modelos_requests_total{resource="ham",version="v1.0.0",method="fail",code="500"} 1');
    expect(metrics).toContain('modelos_requests_total{resource="ham",version="v1.0.0",method="static.getTemp",code="200"} 1');
    expect(metrics).toMatch(/modelos_request_duration_seconds_count\{resource="ham",version="v1\.0\.0",method="create"\} 1/);
    expect(metrics).toContain('modelos_instances{resource="ham",version="v1.0.0"} 0');
    expect(metrics).toContain('modelos_replicas_up{resource="ham",version="v1.0.0"} 1');

    const status = (await (await fetch(`${endpoint.url}/-/status`)).json()) as EndpointStatus;
    expect(status).toMatchObject({ resource: 'ham', environment: 'serve', entry: { n: 1, action: 'promote' }, lastError: null });
    expect(status.versions).toEqual([
      expect.objectContaining({ version: 'v1.0.0', share: 1, replicas: 1, replicasUp: 1, instances: 0, requests: 6, errors: 1, errorRate: 1 / 6, p50Ms: expect.any(Number) }),
    ]);
  });

  it('splits 10,000 new instances 90/10 within ±2 points, each staying on its version and replica', async () => {
    await traffic({ ...change('split'), weights: 'v1.0.0=90,v1.1.0=10', replicas: 2 });
    const endpoint = await serve('split');
    const server = await hamClient(registryText).fromUri(endpoint.url);
    // Servers cap live instances (1000 each): dispose as we go, and count creations from the metrics.
    for (let i = 0; i < 10_000; i++) {
      const ham = await server.create(`h${i}`);
      if (i % 50 === 0) {
        const [first, second] = [await ham.whoami(), await ham.whoami()];
        expect(second).toEqual(first);
      }
      await ham[Symbol.asyncDispose]();
    }
    const metrics = await (await fetch(`${endpoint.url}/metrics`)).text();
    const created = (version: string) => Number(new RegExp(`modelos_requests_total\\{resource="ham",version="${version}",method="create",code="201"\\} (\\d+)`).exec(metrics)![1]);
    expect(created('v1.0.0') + created('v1.1.0')).toBe(10_000);
    expect(Math.abs(created('v1.1.0') / 10_000 - 0.1)).toBeLessThanOrEqual(0.02);
    expect(endpoint.status().versions.map((v) => v.instances)).toEqual([0, 0]);
  });

  it('follows traffic, rollback and a killed replica under load: only the lost instances fail, with a 502 naming the version', async () => {
    await promote({ ...change('load'), version: 'v1.0.0', replicas: 2 });
    const endpoint = await serve('load', 300);
    const HamClient = hamClient(registryText);
    const server = await HamClient.fromUri(endpoint.url);
    const unexpected: string[] = [];
    const lost: string[] = [];
    let calls = 0;
    let killedPid = 0;
    let running = true;

    const client = async (n: number) => {
      while (running) {
        const ham = await server.create(`c${n}`);
        let first: { version: string; pid: number };
        try {
          first = await ham.whoami();
        } catch (err) {
          // Created on the replica that was killed right after: lost with it, as promised (a 502 naming it).
          const message = (err as Error).message;
          if ((err as { status?: number }).status === 502 && / is gone with it; create a new instance$/.test(message)) lost.push(message);
          else unexpected.push(message);
          continue;
        }
        calls += 2;
        for (let i = 0; i < 20 && running; i++) {
          try {
            const again = await ham.whoami();
            calls++;
            if (again.version !== first.version || again.pid !== first.pid) unexpected.push(`instance moved: ${JSON.stringify([first, again])}`);
            if (i % 5 === 0) expect(await server.getTemp()).toMatch(/^1\.[01]\.0$/);
          } catch (err) {
            const message = (err as Error).message;
            if (first.pid === killedPid && (err as { status?: number }).status === 502 && message.includes(`v${first.version}`)) lost.push(message);
            else unexpected.push(message);
            break;
          }
        }
        await ham[Symbol.asyncDispose]().catch((err: Error) => (first.pid === killedPid ? undefined : unexpected.push(`dispose: ${err.message}`)));
      }
    };
    const load = Promise.all([0, 1, 2, 3].map(client));
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    await pause(1500);
    await traffic({ ...change('load'), weights: 'v1.0.0=90,v1.1.0=10' });
    await endpoint.refresh();
    expect(endpoint.status().versions.map((v) => v.version).sort()).toEqual(['v1.0.0', 'v1.1.0']);
    await pause(1500);
    await traffic({ ...change('load'), weights: 'v1.0.0=50,v1.1.0=50' });
    await pause(1500); // picked up by polling (300 ms)
    expect(endpoint.status().entry.n).toBe(3);

    const victim = await server.create('victim');
    const victimOf = await victim.whoami();
    killedPid = victimOf.pid;
    process.kill(killedPid, 'SIGKILL');
    const lostCall = await failure(victim.whoami());
    expect(lostCall.message).toMatch(/^ham v1\.[01]\.0: instance \S+ was on v1\.[01]\.0 replica \d, which (exited|failed during the call \(.*\)), and is gone with it; create a new instance$/);
    expect((lostCall as { status?: number }).status).toBe(502);
    await pause(1500);
    expect(endpoint.status().versions.find((v) => v.version === `v${victimOf.version}`)).toMatchObject({ replicasUp: 2 });

    await rollback({ ...change('load'), to: 'v1.0.0' });
    await endpoint.refresh();
    await pause(1500);
    running = false;
    await load;

    expect(unexpected).toEqual([]);
    expect(calls).toBeGreaterThan(200);
    const status = endpoint.status();
    expect(status.entry.n).toBe(4);
    expect(status.versions.find((v) => v.version === 'v1.0.0')).toMatchObject({ share: 1, replicasUp: 2 });
    // v1.1.0 drained once its instances were disposed.
    expect(status.versions.map((v) => v.version)).toEqual(['v1.0.0']);
  });

  it('guards its surface as every server does: Host, content type, body size, a token beyond loopback', async () => {
    await promote({ ...change('guarded'), version: 'v1.0.0' });
    const refusal = await failure(startEndpoint({ registry, resource: 'ham', environment: 'guarded', env, host: '0.0.0.0' }));
    expect(refusal).toBeInstanceOf(UserError);
    expect(refusal.message).toMatch(/needs a bearer token: set MODELOS_SERVE_TOKEN/);

    const endpoint = await startEndpoint({ registry, resource: 'ham', environment: 'guarded', env: { ...env, MODELOS_SERVE_MAX_BODY_BYTES: '1000' } });
    endpoints.push(endpoint);
    const post = (headers: Record<string, string>, body: string) => fetch(`${endpoint.url}/instances`, { method: 'POST', headers, body });
    expect((await post({ 'content-type': 'text/plain' }, '{"args":["a"]}')).status).toBe(415);
    expect((await post({ 'content-type': 'application/json' }, JSON.stringify({ args: ['x'.repeat(2000)] }))).status).toBe(413);
    expect((await post({ 'content-type': 'application/json', origin: 'https://evil.example' }, '{"args":["a"]}')).status).toBe(403);
    expect((await post({ 'content-type': 'application/json' }, '{"args":["a"]}')).status).toBe(201);
    // A malformed percent-encoding is a 400, not a URIError that kills the process.
    expect((await fetch(`${endpoint.url}/instances/%E0%A4%A/bake`, { method: 'POST' })).status).toBe(400);
    expect((await fetch(endpoint.url)).status).toBe(200);
    // Raw targets (fetch would resolve the dots itself): a replica's URL parser must never see them.
    const port = Number(new URL(endpoint.url).port);
    const instancesBefore = endpoint.status().versions[0].instances;
    for (const target of ['/static/%2e%2e/instances', '/static/../instances', '/instances/%2E/..%2e/x', '/static/.%2E/instances']) {
      const answer = await httpRequest(port, 'POST', target, { body: '{"args":["a"]}' });
      expect([target, answer.status]).toEqual([target, 400]);
    }
    expect(endpoint.status().versions[0].instances).toBe(instancesBefore);
  });

  it('refuses a backslash in a path, which the replica would read as / (finding: POST /static/..\\instances created untracked instances)', async () => {
    await promote({ ...change('backslash'), version: 'v1.0.0' });
    const endpoint = await serve('backslash');
    const port = Number(new URL(endpoint.url).port);
    for (const target of ['/static/..\\instances', '/static/x\\..\\..\\instances', '/static/..%5cinstances', '/static/..%5Cinstances']) {
      const answer = await httpRequest(port, 'POST', target, { body: '{"args":["a"]}' });
      expect([target, answer.status, JSON.parse(answer.body).error.name]).toEqual([target, 400, 'BadRequest']);
    }
    const metrics = await (await fetch(`${endpoint.url}/metrics`)).text();
    expect(metrics).not.toMatch(/modelos_requests_total\{[^}]*method="(other|create)"/);
  });

  it('answers /metrics and /-/status to GET and HEAD only: 405 with Allow otherwise', async () => {
    await promote({ ...change('methods'), version: 'v1.0.0' });
    const endpoint = await serve('methods');
    for (const path of ['/metrics', '/-/status']) {
      for (const method of ['POST', 'DELETE', 'PUT']) {
        const answer = await fetch(`${endpoint.url}${path}`, { method });
        expect([path, method, answer.status, answer.headers.get('allow'), ((await answer.json()) as { error: { name: string } }).error.name]).toEqual([path, method, 405, 'GET, HEAD', 'MethodNotAllowed']);
      }
      expect((await fetch(`${endpoint.url}${path}`, { method: 'HEAD' })).status).toBe(200);
      expect((await fetch(`${endpoint.url}${path}`)).status).toBe(200);
    }
    // A replica's 405 keeps its Allow on the way back.
    const proxied = await fetch(`${endpoint.url}/static/getTemp`, { method: 'DELETE' });
    expect([proxied.status, proxied.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('closes slow requests within MODELOS_SERVE_HEADERS_TIMEOUT_MS and MODELOS_SERVE_REQUEST_TIMEOUT_MS (finding: ~26 s and ~60 s)', async () => {
    await promote({ ...change('slow'), version: 'v1.0.0' });
    const endpoint = await startEndpoint({ registry, resource: 'ham', environment: 'slow', env: { ...env, MODELOS_SERVE_HEADERS_TIMEOUT_MS: '1000', MODELOS_SERVE_REQUEST_TIMEOUT_MS: '2000' } });
    endpoints.push(endpoint);
    const port = Number(new URL(endpoint.url).port);
    const started = Date.now();
    const [slowHeaders, slowBody] = await Promise.all([
      rawRequest(port, 'GET / HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ', 15_000),
      rawRequest(port, 'POST /instances HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"args"', 15_000),
    ]);
    expect([slowHeaders.status, slowBody.status]).toEqual([408, 408]);
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('gives its status to endpoint-status with MODELOS_SERVE_TOKEN when bound beyond loopback, and words a refused token as such', async () => {
    await promote({ ...change('token'), version: 'v1.0.0' });
    const endpoint = await startEndpoint({ registry, resource: 'ham', environment: 'token', env: { ...env, MODELOS_SERVE_TOKEN: 's3cret' }, host: '0.0.0.0' });
    endpoints.push(endpoint);
    const url = `http://127.0.0.1:${new URL(endpoint.url).port}`;
    await expect(fetchEndpointStatus(url, { env: { MODELOS_SERVE_TOKEN: 's3cret' } })).resolves.toMatchObject({ resource: 'ham', environment: 'token' });
    const unauthorized = await fetch(`${url}/-/status`);
    expect([unauthorized.status, unauthorized.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
    const missing = await failure(fetchEndpointStatus(url, { env: {} }));
    expect([missing instanceof UserError, missing.message]).toEqual([true, `the endpoint at ${url} wants a bearer token: set MODELOS_SERVE_TOKEN to its token`]);
    const wrong = await failure(fetchEndpointStatus(url, { env: { MODELOS_SERVE_TOKEN: 'wrong!' } }));
    expect(wrong.message).toBe(`the endpoint at ${url} wants a bearer token: MODELOS_SERVE_TOKEN is not its token: fix it`);
  });

  it('gives up on an endpoint-status that gets no answer (finding: a plain fetch waits for ever)', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket.on('data', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const error = await failure(fetchEndpointStatus(url, { env: {}, timeoutMs: 500 }));
      expect([error instanceof UserError, error.message]).toEqual([true, `the endpoint at ${url} did not answer GET /-/status in 0.5 s`]);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    }
  }, 20_000);

  it('survives fuzzed paths, methods, headers and bodies: every answer is JSON without a stack trace', async () => {
    await promote({ ...change('fuzzed'), version: 'v1.0.0' });
    const endpoint = await serve('fuzzed');
    // In this process, a request that crashed the endpoint would be an uncaught exception failing the test.
    expect(await fuzzServer(Number(new URL(endpoint.url).port), { runs: 200, seed: 10, alive: () => true })).toBe(200);
    expect((await fetch(endpoint.url)).status).toBe(200);
  });

  it('refuses an unknown environment with one line', async () => {
    const error = await failure(startEndpoint({ registry, resource: 'ham', environment: 'nowhere', env }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`unknown environment "nowhere" of ham: ${repo.reference} has no envlog-nowhere; promote a release to it first`);
  });
});
