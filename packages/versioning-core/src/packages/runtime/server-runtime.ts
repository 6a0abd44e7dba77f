// The HTTP/JSON server of a server package. Its compiled form is copied into every server
// package as `server.js`, so it may import node built-ins only (type imports are erased).
//
//   GET    /                          → { resource, version, clientHash, interface }
//   POST   /instances                 { args } → 201 { id }
//   POST   /instances/<id>/<method>   { args } → { result }
//   POST   /static/<method>           { args } → { result }
//   DELETE /instances/<id>            → 204
//
// Errors: thrown by the resource → 500, unknown instance or method → 404, bad request → 400,
// each as { error: { message, name } }. Only methods of the interface descriptor are callable.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { InterfaceDescriptor } from '../../interface/descriptor';

/** What `GET /` reports; also the `modelos` field of the server package's package.json. */
export interface ServedResource {
  resource: string;
  /** Release version without `v`. */
  version: string;
  clientHash: string;
  interface: InterfaceDescriptor;
}

type ResourceClass = new (...args: unknown[]) => object;

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const USAGE = 'usage: node server.js [--port <n>] [--host <address>] (defaults: port 0 = any free port, host 127.0.0.1)';

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

/** An HTTP server for `resourceClass`, not yet listening. */
export function createResourceServer(served: ServedResource, resourceClass: ResourceClass): http.Server {
  const instances = new Map<string, object>();
  const methods = new Set(served.interface.methods.map((method) => method.name));
  const staticMethods = new Set(served.interface.staticMethods.map((method) => method.name));
  const label = `${served.resource} v${served.version}`;

  const callable = (target: object, names: Set<string>, name: string, kind: string) => {
    const fn = names.has(name) ? (target as Record<string, unknown>)[name] : undefined;
    if (typeof fn !== 'function') {
      throw new HttpError(404, 'NotFound', `${label} has no ${kind} method "${name}" (${kind} methods: ${[...names].join(', ') || 'none'})`);
    }
    return (args: unknown[]) => (fn as (...args: unknown[]) => unknown).apply(target, args);
  };
  const instance = (id: string) => {
    const found = instances.get(id);
    if (!found) throw new HttpError(404, 'NotFound', `${label} has no instance "${id}" (never created, or deleted)`);
    return found;
  };

  async function route(method: string, parts: string[], req: http.IncomingMessage): Promise<{ status: number; body?: unknown }> {
    const [head, id, name, ...rest] = parts;
    if (head === undefined) {
      allow(method, 'GET');
      return { status: 200, body: served };
    }
    if (head === 'instances' && id === undefined) {
      allow(method, 'POST');
      if (served.interface.constructors.length === 0 && served.interface.extends === null) {
        throw new HttpError(404, 'NotFound', `${label} has no public constructor`);
      }
      const created = new resourceClass(...(await readArgs(req)));
      const newId = randomUUID();
      instances.set(newId, created);
      return { status: 201, body: { id: newId } };
    }
    if (head === 'instances' && name === undefined) {
      allow(method, 'DELETE');
      instance(id);
      instances.delete(id);
      return { status: 204 };
    }
    if (head === 'instances' && rest.length === 0) {
      allow(method, 'POST');
      const call = callable(instance(id), methods, name, 'instance');
      return { status: 200, body: { result: await call(await readArgs(req)) } };
    }
    if (head === 'static' && id !== undefined && name === undefined) {
      allow(method, 'POST');
      const call = callable(resourceClass, staticMethods, id, 'static');
      return { status: 200, body: { result: await call(await readArgs(req)) } };
    }
    throw new HttpError(404, 'NotFound', `no such endpoint: ${method} /${parts.join('/')}`);
  }

  return http.createServer((req, res) => {
    const parts = new URL(req.url ?? '/', 'http://server').pathname.split('/').filter(Boolean).map(decodeURIComponent);
    route(req.method ?? 'GET', parts, req).then(
      ({ status, body }) => send(res, status, body),
      (err: unknown) => send(res, err instanceof HttpError ? err.status : 500, { error: errorBody(err) }),
    );
  });
}

function allow(method: string, allowed: string): void {
  if (method !== allowed) throw new HttpError(405, 'MethodNotAllowed', `use ${allowed} here, not ${method}`);
}

async function readArgs(req: http.IncomingMessage): Promise<unknown[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'PayloadTooLarge', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return [];
  let body: { args?: unknown };
  try {
    body = JSON.parse(text) as { args?: unknown };
  } catch {
    throw new HttpError(400, 'BadRequest', 'the request body is not JSON: send { "args": [...] }');
  }
  if (body?.args === undefined) return [];
  if (!Array.isArray(body.args)) throw new HttpError(400, 'BadRequest', '"args" must be an array of arguments');
  return body.args as unknown[];
}

function errorBody(err: unknown): { message: string; name: string } {
  if (err instanceof Error) return { message: err.message, name: err.name };
  return { message: String(err), name: 'Error' };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  let text: string | undefined;
  try {
    text = body === undefined ? undefined : JSON.stringify(body);
  } catch (err) {
    status = 500;
    text = JSON.stringify({ error: { message: `the result cannot be sent as JSON: ${(err as Error).message}`, name: 'TypeError' } });
  }
  res.writeHead(status, text === undefined ? {} : { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** `--port <n>` and `--host <address>` of the command line. */
export function parseServerArgs(argv: string[]): { port: number; host: string } {
  const options = { port: 0, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--port' && value !== undefined && /^\d{1,5}$/.test(value) && Number(value) <= 65535) options.port = Number(value);
    else if (flag === '--host' && value) options.host = value;
    else throw new Error(`bad argument "${flag}${value === undefined ? '' : ` ${value}`}"; ${USAGE}`);
  }
  return options;
}

/** Entry of server.js: serves the package it sits in and reports its address on stdout. */
function main(argv: string[]): void {
  let options: { port: number; host: string };
  try {
    options = parseServerArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const served = (JSON.parse(fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8')) as { modelos: ServedResource }).modelos;
  const resourceClass = (require(path.join(__dirname, 'index.js')) as Record<string, unknown>)[served.interface.className];
  if (typeof resourceClass !== 'function') {
    process.stderr.write(`${served.resource}: index.js does not export the class ${served.interface.className}\n`);
    process.exit(1);
  }
  const server = createResourceServer(served, resourceClass as ResourceClass);
  server.listen(options.port, options.host, () => {
    const { address, port } = server.address() as AddressInfo;
    process.stdout.write(`listening on http://${address.includes(':') ? `[${address}]` : address}:${port}\n`);
  });
}

if (require.main === module) main(process.argv.slice(2));
