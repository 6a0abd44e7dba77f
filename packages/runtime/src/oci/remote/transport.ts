import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { UserError } from '../../errors';
import { proxyAgentFor } from './proxy';

/**
 * A request body: bytes and stream factories can be sent again (on a retry or an auth
 * challenge); a bare stream can be sent once only.
 */
export type RequestBody = Buffer | (() => NodeJS.ReadableStream) | NodeJS.ReadableStream;

export interface HttpRequest {
  method: string;
  url: URL;
  /** Lower-case header names. */
  headers?: Record<string, string>;
  body?: RequestBody;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Must be read or discarded by whoever receives the response. */
  body: Readable;
  url: URL;
  /** How many times it was sent, when retries gave up on a transient status (429, 5xx). */
  tries?: number;
}

/** One layer of the client stack (node → retry → redirects → auth), as in oras-go. */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export function isReplayable(body: RequestBody | undefined): boolean {
  return body === undefined || Buffer.isBuffer(body) || typeof body === 'function';
}

// Keep-alive sockets are unref'd by node while idle, so they never hold the process open.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 16 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 16 }),
};

export interface NodeTransportOptions {
  /** Fail a request whose socket stays idle this long (connect, upload or download). */
  idleTimeoutMs: number;
  /** Called once per request actually sent (for counters). */
  onRequest?: () => void;
  /** CAs to trust for HTTPS instead of node's defaults (see trust.ts). */
  ca?: string[];
}

/** The bottom layer: one HTTP(S) request with node's http module, bodies streamed with backpressure. */
export function nodeTransport(options: NodeTransportOptions): Transport {
  return (request) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const protocol = request.url.protocol;
      // Only a registry's answers (a redirect, a token realm) can name another scheme: a UserError, not a crash.
      if (protocol !== 'http:' && protocol !== 'https:') {
        reject(new UserError(`cannot follow ${protocol}//${request.url.host}${request.url.pathname}: registries are reached over http and https only`));
        return;
      }
      options.onRequest?.();
      const module = protocol === 'https:' ? https : http;
      const agent = proxyAgentFor(request.url) ?? agents[protocol];
      const req = module.request(request.url, { method: request.method, headers: request.headers, agent, ...(options.ca ? { ca: options.ca } : {}) });
      let settled = false;
      let bodyError: Error | undefined;
      req.on('response', (res) => {
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: request.url });
      });
      req.on('error', (err) => {
        if (settled) return;
        settled = true;
        // A failing body (e.g. content not matching its digest) explains the abort better than EPIPE.
        reject(bodyError ?? err);
      });
      req.setTimeout(options.idleTimeoutMs, () => {
        req.destroy(Object.assign(new Error(`no answer for ${options.idleTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
      });
      const body = request.body;
      if (body === undefined || Buffer.isBuffer(body)) {
        req.end(body);
        return;
      }
      const source = typeof body === 'function' ? body() : body;
      source.once('error', (err: Error) => {
        bodyError ??= err;
      });
      // Errors surface through req's 'error' (before an answer) or no longer matter (after one).
      pipeline(source, req, () => undefined);
    });
}

/** Follows redirects of GET and HEAD (blob downloads may live elsewhere), dropping credentials across origins. */
export function withRedirects(next: Transport, maxRedirects = 10): Transport {
  return async (request) => {
    let current = request;
    for (let hop = 0; ; hop++) {
      const response = await next(current);
      const location = header(response, 'location');
      const redirect = [301, 302, 303, 307, 308].includes(response.status) && location !== undefined;
      if (!redirect || !['GET', 'HEAD'].includes(current.method)) return response;
      if (hop >= maxRedirects) {
        discard(response);
        throw new UserError(`more than ${maxRedirects} redirects from ${request.url.host} for ${request.url.pathname}`);
      }
      discard(response);
      const url = URL.canParse(location, current.url.href) ? new URL(location, current.url) : undefined;
      if (!url) throw new UserError(`${request.url.host} redirected ${request.url.pathname} to a location that is no URL`);
      const headers = { ...current.headers };
      if (url.origin !== current.url.origin) delete headers.authorization;
      current = { ...current, url, headers };
    }
  };
}

export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Reads a whole response body (manifests, configs, error documents, token responses), and stops
 * at `limit` bytes with `tooLarge`'s error, or one naming the response.
 */
export async function readBody(response: HttpResponse, limit = 64 * 1024 * 1024, tooLarge?: () => UserError): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > limit) {
        response.body.destroy();
        throw tooLarge?.() ?? new UserError(`response from ${response.url.host} for ${response.url.pathname} is larger than ${limit} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    // A connection reset or cut short mid-answer: nothing was used, so the command can be re-run.
    throw new UserError(`the answer of ${response.url.host} for ${response.url.pathname} broke off after ${size} bytes (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run the command again`);
  }
  return Buffer.concat(chunks);
}

/** Lets an unwanted response body drain so the keep-alive socket can be reused. */
export function discard(response: HttpResponse): void {
  response.body.on('error', () => undefined);
  response.body.resume();
}
