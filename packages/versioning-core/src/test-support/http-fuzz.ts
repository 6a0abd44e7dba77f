import * as net from 'node:net';
import fc from 'fast-check';

export interface RawAnswer {
  status: number;
  headers: string;
  body: string;
}

/** One raw HTTP/1.1 exchange over a fresh socket; resolves with the parsed answer once the server closes. */
export function rawRequest(port: number, text: string | Buffer, timeoutMs = 10_000): Promise<RawAnswer> {
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
    // Written, not ended: a half-closed socket may lose its answer on servers that close on FIN;
    // `connection: close` ends the exchange.
    socket.write(text);
  });
}

/** A request with `connection: close`, a loopback Host, and a JSON body when one is given. */
export function httpRequest(port: number, method: string, target: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  const body = options.body ?? '';
  const headers = {
    host: `127.0.0.1:${port}`,
    connection: 'close',
    ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...options.headers,
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return rawRequest(port, `${method} ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
}

const segment = fc.oneof(
  fc.constantFrom('instances', 'static', 'getTemp', 'bake', 'constructor', '__proto__', 'prototype', 'metrics', '-', 'status', '..', '%', '%E0%A4%A', '%00', '%2F'),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => encodeURIComponent(s)),
  fc.stringMatching(/^[A-Za-z0-9%._~-]{0,12}$/),
);

/** Requests an attacker or a confused client sends: odd paths (bad percent-encoding included), methods, headers and bodies. */
export const fuzzedRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'FOO'),
  target: fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
  headers: fc
    .array(fc.tuple(fc.constantFrom('origin', 'content-type', 'authorization', 'x-forwarded-for', 'accept', 'cookie', 'x-any'), fc.stringMatching(/^[\x20-\x7e]{0,40}$/)), { maxLength: 4 })
    .map((pairs) => Object.fromEntries(pairs)),
  body: fc.oneof(fc.constant(''), fc.json(), fc.anything().map((value) => JSON.stringify({ args: [value] }) ?? ''), fc.string({ maxLength: 200 })),
});

/**
 * Sends `runs` fuzzed requests to the server on `port`: each must get an HTTP answer whose body
 * (if any) is JSON without a stack trace, and `alive()` must hold after each. Returns the runs made.
 */
export async function fuzzServer(port: number, options: { runs: number; seed: number; alive: () => boolean }): Promise<number> {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fuzzedRequest, async ({ method, target, headers, body }) => {
      runs++;
      const answer = await httpRequest(port, method, target, { headers: { 'content-type': 'application/json', ...headers }, body });
      if (answer.status < 200 || answer.status >= 600) throw new Error(`no HTTP answer to ${method} ${target}`);
      if (/\n\s+at /.test(answer.body)) throw new Error(`a stack trace in the answer to ${method} ${target}`);
      if (answer.body && method !== 'HEAD' && !isJsonOrMetrics(answer)) throw new Error(`not JSON: ${answer.body.slice(0, 100)}`);
      if (!options.alive()) throw new Error(`the server died after ${method} ${target}`);
    }),
    { numRuns: options.runs, seed: options.seed },
  );
  return runs;
}

function isJsonOrMetrics(answer: RawAnswer): boolean {
  if (/content-type: text\/plain/i.test(answer.headers)) return true; // Prometheus text at /metrics
  try {
    JSON.parse(answer.body);
    return true;
  } catch {
    return false;
  }
}
