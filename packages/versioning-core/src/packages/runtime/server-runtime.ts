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
// Limits, Host/Origin/token checks and timeouts come from ./http-guards (bundled into server.js).
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { InterfaceDescriptor } from '../../interface/descriptor';
import { BoundedInstances, createGuardedServer, guardOptions, HttpError, type GuardedRequest, type GuardOptions, type Reply } from './http-guards';

/** What `GET /` reports; also the `modelos` field of the server package's package.json. */
export interface ServedResource {
  resource: string;
  /** Release version without `v`. */
  version: string;
  clientHash: string;
  interface: InterfaceDescriptor;
}

type ResourceClass = new (...args: unknown[]) => object;

const USAGE = 'usage: node server.js [--port <n>] [--host <address>] (defaults: port 0 = any free port, host 127.0.0.1)';

/** An HTTP server for `resourceClass`, not yet listening, behind the guards of `options`. */
export function createResourceServer(served: ServedResource, resourceClass: ResourceClass, options: GuardOptions): http.Server {
  const instances = new BoundedInstances<object>(options);
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
    if (!found) throw new HttpError(404, 'NotFound', `${label} has no instance "${id}" (never created, deleted, or idle too long)`);
    return found;
  };

  return createGuardedServer(options, async (req: GuardedRequest): Promise<Reply> => {
    const { method } = req;
    const [head, id, name, ...rest] = req.path;
    if (head === undefined) {
      allow(method, 'GET');
      return { status: 200, body: served };
    }
    if (head === 'instances' && id === undefined) {
      allow(method, 'POST');
      const { noPublicConstructor, constructors, extends: base } = served.interface;
      if (noPublicConstructor || (constructors.length === 0 && base === null)) {
        throw new HttpError(404, 'NotFound', `${label} has no public constructor`);
      }
      instances.assertRoom();
      const created = new resourceClass(...(await readArgs(req)));
      const newId = randomUUID();
      instances.add(newId, created);
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
    throw new HttpError(404, 'NotFound', `no such endpoint: ${method} /${req.path.join('/').slice(0, 200)}`);
  });
}

function allow(method: string, allowed: string): void {
  if (method !== allowed) throw new HttpError(405, 'MethodNotAllowed', `use ${allowed} here, not ${method.slice(0, 20)}`, { allow: allowed });
}

/** No body is no arguments; a body must be `{ "args": [...] }` (`null`, `[1, 2]` or `"x"` would construct with undefineds). */
async function readArgs(req: GuardedRequest): Promise<unknown[]> {
  const body = await req.json();
  if (body === undefined) return [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'BadRequest', 'the request body must be a JSON object: { "args": [...] }');
  }
  const { args } = body as { args?: unknown };
  if (args === undefined) return [];
  if (!Array.isArray(args)) throw new HttpError(400, 'BadRequest', '"args" must be an array of arguments');
  return args as unknown[];
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
export function main(argv: string[]): void {
  let options: { port: number; host: string };
  try {
    options = parseServerArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const served = (JSON.parse(fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8')) as { modelos: ServedResource }).modelos;
  const resourceClass = loadResource(served)[served.interface.className];
  if (typeof resourceClass !== 'function') {
    process.stderr.write(`${served.resource}: index.js does not export the class ${served.interface.className}\n`);
    process.exit(1);
  }
  let server: http.Server;
  try {
    server = createResourceServer(served, resourceClass as ResourceClass, guardOptions(options.host, process.env));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  // A busy port or a host that does not resolve: one line, as for bad arguments.
  server.once('error', (err: NodeJS.ErrnoException) => {
    process.stderr.write(`cannot listen on ${options.host}:${options.port}: ${err.code ?? err.message}\n`);
    process.exit(1);
  });
  server.listen(options.port, options.host, () => {
    const { address, port } = server.address() as AddressInfo;
    process.stdout.write(`listening on http://${address.includes(':') ? `[${address}]` : address}:${port}\n`);
  });
}

/** The package's index.js; one that throws while loading (a missing model file, a bad import) is one line, not a stack. */
function loadResource(served: ServedResource): Record<string, unknown> {
  try {
    return require(path.join(__dirname, 'index.js')) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    process.stderr.write(`${served.resource} v${served.version}: index.js failed to load: ${message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
