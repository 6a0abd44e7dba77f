import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { nodeTransport, readBody } from '../remote/transport';
import { withRetry } from './client';
import { defaultRetryPolicy, isRetryableStatus, parseRetryAfter, retryDelay, type RetryPolicy } from './policy';

const midJitter: RetryPolicy = { ...defaultRetryPolicy, random: () => 0.5 };

describe('retry policy', () => {
  it('backs off exponentially from 250 ms, clamped, for up to 5 tries', () => {
    expect([0, 1, 2, 3].map((attempt) => retryDelay(midJitter, attempt))).toEqual([250, 500, 1000, 2000]);
    expect(retryDelay(midJitter, 4)).toBe(-1);
    expect(retryDelay({ ...midJitter, maxTries: 20 }, 10)).toBe(10_000);
  });

  it('adds ±10% jitter', () => {
    expect(retryDelay({ ...defaultRetryPolicy, random: () => 0 }, 2)).toBe(900);
    expect(retryDelay({ ...defaultRetryPolicy, random: () => 0.999999 }, 2)).toBe(1100);
  });

  it('honours Retry-After in seconds or as a date, within its cap', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelay({ ...midJitter, random: () => 0 }, 0, '3', now)).toBe(3000);
    expect(retryDelay({ ...midJitter, random: () => 0 }, 0, 'Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000);
    expect(retryDelay({ ...midJitter, random: () => 0 }, 0, '3600', now)).toBe(60_000);
    expect(retryDelay(midJitter, 0, 'soon', now)).toBe(250);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBeUndefined();
    expect(parseRetryAfter('0', now)).toBeUndefined();
  });

  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 201, 400, 401, 403, 404, 405].some(isRetryableStatus)).toBe(false);
  });
});

describe('withRetry against a flaky server', () => {
  let server: http.Server;
  let base: URL;
  let failures: Array<(res: http.ServerResponse, req: http.IncomingMessage) => void>;
  let bodies: string[];

  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      bodies.push(body);
      const fail = failures.shift();
      if (fail) fail(res, req);
      else res.end(`ok after ${bodies.length}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    failures = [];
    bodies = [];
  });

  const status = (code: number, headers: Record<string, string> = {}) => (res: http.ServerResponse) => {
    res.writeHead(code, headers);
    res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
  };
  const reset = (res: http.ServerResponse, req: http.IncomingMessage) => {
    void res;
    req.socket.destroy();
  };

  function client() {
    const waits: number[] = [];
    const policy: RetryPolicy = { ...midJitter, sleep: async (ms) => void waits.push(ms) };
    return { waits, send: withRetry(nodeTransport({ idleTimeoutMs: 5000 }), policy) };
  }

  it('retries 503, 429 (waiting as Retry-After says) and a reset connection, replaying the body each time', async () => {
    failures = [status(503), status(429, { 'retry-after': '2' }), reset];
    const { waits, send } = client();
    const response = await send({ method: 'PUT', url: base, body: () => Readable.from([Buffer.from('payload')]) });
    expect(response.status).toBe(200);
    expect((await readBody(response)).toString()).toBe('ok after 4');
    expect(bodies).toEqual(['payload', 'payload', 'payload', 'payload']);
    expect(waits[0]).toBe(250);
    expect(waits[1]).toBeGreaterThanOrEqual(2000);
    expect(waits[1]).toBeLessThanOrEqual(2200);
    expect(waits[2]).toBe(1000);
  });

  it('gives up after 5 tries and returns the last answer', async () => {
    failures = Array.from({ length: 6 }, () => status(500));
    const { waits, send } = client();
    const response = await send({ method: 'GET', url: base });
    expect(response.status).toBe(500);
    expect(bodies).toHaveLength(5);
    expect(waits).toEqual([250, 500, 1000, 2000]);
  });

  it('does not retry a body that cannot be replayed', async () => {
    failures = [status(503)];
    const { send } = client();
    const response = await send({ method: 'PUT', url: base, body: Readable.from([Buffer.from('once')]) });
    expect(response.status).toBe(503);
    expect(bodies).toEqual(['once']);
  });

  it('does not retry a client error', async () => {
    failures = [status(404)];
    const { send } = client();
    expect((await send({ method: 'GET', url: base })).status).toBe(404);
    expect(bodies).toHaveLength(1);
  });
});
