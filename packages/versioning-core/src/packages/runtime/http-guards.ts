// Guards for every HTTP surface we serve (the generated server.js, `mdl serve`, endpoints).
// It is bundled into server.js, so it may import node built-ins only (type imports are erased).
//
//   const options = guardOptions(host, process.env);         // limits and secrets from the environment
//   const server = createGuardedServer(options, async (req) => ({ status: 200, body: { … } }));
//   const instances = new BoundedInstances<Ham>(options);     // capped, idle ones dropped
//
// A guarded server never lets a request crash the process: the handler's errors (thrown or
// rejected) become JSON answers without stack traces, and malformed requests are 4xx before the
// handler runs. Before any handler: the Host header must name the bound address (loopback names
// only when bound to loopback, against DNS rebinding), a browser Origin must be allowed, a bearer
// token is required when bound beyond loopback, and a body must be `application/json` (so a web
// page cannot post a "simple" text/plain request blind). Bodies, header and request times are capped.
import { timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';

export interface GuardOptions {
  /** The address the server binds (`127.0.0.1`, `::1`, `localhost`, `0.0.0.0`, …). */
  host: string;
  /** Largest request body in bytes; default 1 MiB (env MODELOS_SERVE_MAX_BODY_BYTES). */
  maxBodyBytes: number;
  /** Browser origins allowed to call (`https://app.example`); default none (env MODELOS_SERVE_ORIGINS, comma-separated). */
  allowedOrigins: string[];
  /** Bearer token every request must carry; required when `host` is not loopback (env MODELOS_SERVE_TOKEN). */
  token: string | undefined;
  /** Time for a whole request (headers and body) and for its headers alone; defaults 30 s and 10 s. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  /** Live instances per server; default 1000 (env MODELOS_SERVE_MAX_INSTANCES). */
  maxInstances: number;
  /** An instance unused this long is dropped; default 15 min (env MODELOS_SERVE_INSTANCE_IDLE_MS). */
  instanceIdleMs: number;
}

/** What a handler sees: the decoded path segments, and the JSON body read on demand within the limit. */
export interface GuardedRequest {
  method: string;
  /** Percent-decoded, non-empty path segments: `/instances/a%2Fb/x` → `['instances', 'a/b', 'x']`. */
  path: string[];
  url: URL;
  raw: http.IncomingMessage;
  /** The parsed JSON body, `undefined` when there is none. */
  json(): Promise<unknown>;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Headers the status calls for (`allow` of a 405, `www-authenticate` of a 401). */
  headers?: Record<string, string>;
}

export type Handler = (req: GuardedRequest) => Promise<Reply>;

/** An error meant for the caller: its status, name, message and headers are sent as they are. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly name: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const MiB = 1024 * 1024;
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/** Guard options for a server bound to `host`, with limits and secrets from `env`. */
export function guardOptions(host: string, env: NodeJS.ProcessEnv): GuardOptions {
  return {
    host,
    maxBodyBytes: positiveInteger(env, 'MODELOS_SERVE_MAX_BODY_BYTES', MiB),
    allowedOrigins: (env.MODELOS_SERVE_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    token: env.MODELOS_SERVE_TOKEN || undefined,
    requestTimeoutMs: positiveInteger(env, 'MODELOS_SERVE_REQUEST_TIMEOUT_MS', 30_000),
    headersTimeoutMs: positiveInteger(env, 'MODELOS_SERVE_HEADERS_TIMEOUT_MS', 10_000),
    maxInstances: positiveInteger(env, 'MODELOS_SERVE_MAX_INSTANCES', 1000),
    instanceIdleMs: positiveInteger(env, 'MODELOS_SERVE_INSTANCE_IDLE_MS', 15 * 60_000),
  };
}

/** True for `127.x.y.z`, `::1` and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** An HTTP server that runs `handle` behind the guards; throws if bound beyond loopback without a token. */
export function createGuardedServer(options: GuardOptions, handle: Handler): http.Server {
  return guardServer(options, (req, res) => {
    answer(options, handle, req).then(
      (reply) => send(res, reply),
      () => send(res, { status: 500, body: { error: { name: 'InternalError', message: 'the request could not be answered' } } }),
    );
  });
}

/** Node's parse and timeout errors that have a status of their own; any other is a 400. */
const CLIENT_ERROR_STATUS = new Map([
  ['ERR_HTTP_REQUEST_TIMEOUT', '408 Request Timeout'],
  ['HPE_HEADER_OVERFLOW', '431 Request Header Fields Too Large'],
]);

/**
 * A server with the server-wide guards (token required beyond loopback, request and header
 * times, header count and size, malformed requests answered 4xx) whose `listener` runs
 * `checkRequest` itself: for a proxy that streams instead of answering JSON replies (the endpoint).
 */
export function guardServer(options: GuardOptions, listener: http.RequestListener, serverOptions: http.ServerOptions = {}): http.Server {
  if (!isLoopbackHost(options.host) && !options.token) {
    throw new Error(`binding ${options.host} (beyond loopback) needs a bearer token: set MODELOS_SERVE_TOKEN`);
  }
  // Node checks the timeouts of open connections every `connectionsCheckingInterval` (30 s by default).
  const server = http.createServer({ ...serverOptions, connectionsCheckingInterval: 1000 }, listener);
  server.requestTimeout = options.requestTimeoutMs;
  server.headersTimeout = options.headersTimeoutMs;
  server.maxHeadersCount = 100;
  // A request node cannot parse never reaches the handler: answer 4xx (or just close) instead of crashing.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const status = CLIENT_ERROR_STATUS.get(err.code ?? '') ?? '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return server;
}

async function answer(options: GuardOptions, handle: Handler, raw: http.IncomingMessage): Promise<Reply> {
  try {
    const url = checkRequest(options, raw);
    const path = url.pathname.split('/').filter(Boolean).map(decodeSegment);
    let body: Promise<unknown> | undefined;
    const request: GuardedRequest = { method: raw.method ?? 'GET', path, url, raw, json: () => (body ??= readJson(raw, options.maxBodyBytes)) };
    const reply = await handle(request);
    await drain(raw, options.maxBodyBytes);
    return reply;
  } catch (err) {
    raw.resume(); // an unread body must not stall the connection
    return errorReply(err);
  }
}

/** Host, Origin, token and content type (an HttpError when refused); returns the request URL. */
export function checkRequest(options: GuardOptions, req: http.IncomingMessage): URL {
  checkHeaders(options, req);
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host}`);
  } catch {
    throw new HttpError(400, 'BadRequest', 'the request target or Host header is malformed');
  }
}

/** `checkRequest` without parsing the request target: for a proxy that routes on the raw path (the endpoint). */
export function checkHeaders(options: GuardOptions, req: http.IncomingMessage): void {
  const hostname = hostnameOf(req.headers.host ?? '');
  if (isLoopbackHost(options.host) && !isLoopbackHost(hostname)) {
    throw new HttpError(421, 'MisdirectedRequest', `this server answers loopback names only (Host: localhost or 127.0.0.1), not "${hostname.slice(0, 100)}"`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !options.allowedOrigins.includes(origin)) {
    throw new HttpError(403, 'Forbidden', `origin ${origin} is not allowed (allow it with MODELOS_SERVE_ORIGINS)`);
  }
  if (options.token !== undefined && !bearerMatches(req.headers.authorization, options.token)) {
    throw new HttpError(401, 'Unauthorized', 'send "Authorization: Bearer <MODELOS_SERVE_TOKEN>"', { 'www-authenticate': 'Bearer' });
  }
  const length = req.headers['content-length'];
  const hasBody = (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'UnsupportedMediaType', 'send request bodies as Content-Type: application/json');
  }
  if (length !== undefined && Number(length) > options.maxBodyBytes) {
    throw new HttpError(413, 'PayloadTooLarge', `request body over ${options.maxBodyBytes} bytes`);
  }
}

// A keep-alive client sends the same Host on every call: the last one's hostname is kept, which
// spares a URL parse per request on the proxy path.
let lastHost: string | undefined;
let lastHostname = '';

function hostnameOf(host: string): string {
  if (host !== lastHost) {
    try {
      lastHostname = new URL(`http://${host}`).hostname;
    } catch {
      throw new HttpError(400, 'BadRequest', 'the request target or Host header is malformed');
    }
    lastHost = host;
  }
  return lastHostname;
}

function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'BadRequest', `the path segment "${segment.slice(0, 100)}" is not valid percent-encoding`);
  }
}

async function readJson(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const text = (await readAll(req, limit)).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'BadRequest', 'the request body is not JSON');
  }
}

async function readAll(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'PayloadTooLarge', `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads what the handler left unread, still within the limit, so the connection can be reused. */
async function drain(req: http.IncomingMessage, limit: number): Promise<void> {
  if (!req.readableEnded) await readAll(req, limit);
}

function errorReply(err: unknown): Reply {
  if (err instanceof HttpError) return { status: err.status, body: { error: { message: err.message, name: err.name } }, headers: err.headers };
  if (err instanceof Error) return { status: 500, body: { error: { message: err.message, name: err.name } } };
  return { status: 500, body: { error: { message: String(err), name: 'Error' } } };
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  let { status } = reply;
  let text: string | undefined;
  try {
    text = reply.body === undefined ? undefined : JSON.stringify(reply.body);
  } catch (err) {
    status = 500;
    text = JSON.stringify({ error: { message: `the result cannot be sent as JSON: ${(err as Error).message}`, name: 'TypeError' } });
  }
  const headers: http.OutgoingHttpHeaders = { ...reply.headers, ...(text === undefined ? {} : { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }) };
  if (status >= 400) headers.connection = 'close'; // a refused request may have left a body unread
  res.writeHead(status, headers);
  res.end(text);
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new Error(`${name} must be a positive integer, not "${value}"`);
  return Number(value);
}

/** Live objects by id: at most `maxInstances`, each dropped after `instanceIdleMs` without use. */
export class BoundedInstances<T> {
  private readonly entries = new Map<string, { value: T; timer: NodeJS.Timeout }>();

  constructor(private readonly options: Pick<GuardOptions, 'maxInstances' | 'instanceIdleMs'>) {}

  get size(): number {
    return this.entries.size;
  }

  /** Throws a 503 when the server already holds `maxInstances`. */
  assertRoom(): void {
    if (this.entries.size >= this.options.maxInstances) {
      throw new HttpError(503, 'TooManyInstances', `this server holds ${this.options.maxInstances} instances already: delete some (DELETE /instances/<id>) or wait for idle ones to expire`);
    }
  }

  add(id: string, value: T): void {
    this.assertRoom();
    this.entries.set(id, { value, timer: this.expiry(id) });
  }

  /** The instance, its idle clock restarted; undefined when unknown or expired. */
  get(id: string): T | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    entry.timer = this.expiry(id);
    return entry.value;
  }

  delete(id: string): boolean {
    const entry = this.entries.get(id);
    if (entry) clearTimeout(entry.timer);
    return this.entries.delete(id);
  }

  private expiry(id: string): NodeJS.Timeout {
    return setTimeout(() => this.entries.delete(id), this.options.instanceIdleMs).unref();
  }
}
