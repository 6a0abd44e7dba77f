// What generated clients (`HamClient` in `@<scope>/ham-client`) run on: `@modelos/runtime/client`.
// Kept light: node built-ins only, and the registry client is loaded only when a local server is started.
import * as http from 'node:http';
import * as https from 'node:https';

/** What a generated client knows about itself; embedded in its index.js at release time. */
export interface ClientSpec {
  resource: string;
  /** The release the client was generated from, without `v` (`1.2.1`). */
  version: string;
  clientHash: string;
  /** Registry reference as released (`oci://127.0.0.1:5000/ml-project`); env MODELOS_REGISTRY overrides it. */
  registry: string;
}

/** What a server reports at `GET /`. */
export interface ServerInfo {
  resource: string;
  version: string;
  clientHash: string;
  interface: unknown;
}

/** An error thrown by the resource on the server (or a refusal of the server), with its message. */
export class RemoteError extends Error {
  override name = 'RemoteError';
  constructor(
    message: string,
    /** The `name` of the error on the server, e.g. `RangeError`. */
    readonly remoteName: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The static side of a generated client class: the settings users may assign. */
export interface ClientClass {
  /**
   * Which server to start when no `uri` is set: a spec within the client's major (`^1.4`, `1.4`,
   * `v1.4.2`). The version a `modelos.lock.json` locks wins; else the newest release meeting it.
   */
  version?: string;
  /** A running server to use instead of starting one. */
  uri?: string;
  readonly prototype: object;
}

type ServerClass = { readonly prototype: object };

interface Connection {
  url: URL;
  info: ServerInfo;
  /** Set when this client started the server: stops it. */
  stop?: () => Promise<void>;
}

interface InstanceState {
  connection: Connection;
  id: string;
  /** The instance's connection was started for it alone. */
  ownsServer: boolean;
  disposed: boolean;
}

const clients = new WeakMap<ClientClass, { spec: ClientSpec; serverClass: ServerClass }>();
const instances = new WeakMap<object, InstanceState>();
const servers = new WeakMap<object, Connection>();
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/** Called once by a generated client module. */
export function registerClient(clientClass: ClientClass, serverClass: ServerClass, spec: ClientSpec): void {
  clients.set(clientClass, { spec, serverClass });
}

/** `HamClient.fromUri(url)`: a handle on a running server, checked for compatibility. */
export async function fromUri(clientClass: ClientClass, url: string): Promise<object> {
  return serverHandle(clientClass, await connect(specOf(clientClass), url));
}

/** `HamClient.fromVersion('v1.4.2')`: starts that server package locally; disposing the handle stops it. */
export async function fromVersion(clientClass: ClientClass, version: string): Promise<object> {
  return serverHandle(clientClass, await startServer(specOf(clientClass), version));
}

/** `HamClient.create(...)` (no handle: on `HamClient.uri`, else on a local server of its own) or `server.create(...)`. */
export async function createInstance(clientClass: ClientClass, args: unknown[], handle?: object): Promise<object> {
  const connection = handle ? connectionOf(handle) : await defaultConnection(clientClass);
  const ownsServer = !handle && connection.stop !== undefined;
  try {
    const { id } = (await request(connection, 'POST', ['instances'], args)) as { id: string };
    const instance = Object.create(clientClass.prototype) as object;
    instances.set(instance, { connection, id, ownsServer, disposed: false });
    return instance;
  } catch (err) {
    if (ownsServer) await connection.stop!();
    throw err;
  }
}

/** A static method: on the handle's server, else as `createInstance` finds one (a local server lives for this call only). */
export async function callStatic(clientClass: ClientClass, method: string, args: unknown[], handle?: object): Promise<unknown> {
  const connection = handle ? connectionOf(handle) : await defaultConnection(clientClass);
  try {
    return resultOf(await request(connection, 'POST', ['static', method], args));
  } finally {
    if (!handle) await connection.stop?.();
  }
}

export async function callMethod(instance: object, method: string, args: unknown[]): Promise<unknown> {
  const state = stateOf(instance);
  if (state.disposed) throw new Error(`this ${state.connection.info.resource} instance was disposed: create another`);
  return resultOf(await request(state.connection, 'POST', ['instances', state.id, method], args));
}

/** `[Symbol.asyncDispose]` of an instance: deletes it on the server, and stops a server started for it. */
export async function disposeInstance(instance: object): Promise<void> {
  const state = stateOf(instance);
  if (state.disposed) return;
  state.disposed = true;
  try {
    await request(state.connection, 'DELETE', ['instances', state.id]);
  } finally {
    if (state.ownsServer) await state.connection.stop!();
  }
}

/** `close()` / `[Symbol.asyncDispose]` of a handle: stops the server if the handle started it. */
export async function closeServer(handle: object): Promise<void> {
  await connectionOf(handle).stop?.();
}

/**
 * Refuses a server of another major than the client: majors are where interfaces break
 * (SPEC §7), so anything else may lack a method or take other arguments.
 */
export function assertCompatible(spec: ClientSpec, serverVersion: string, where: string): void {
  const client = majorOf(spec.version);
  const server = majorOf(serverVersion);
  if (server === undefined || server !== client) {
    throw new Error(
      `${spec.resource} server v${serverVersion.replace(/^v/, '')} (${where}) is incompatible with this client, ${spec.resource}-client v${spec.version}: ` +
        `a v${client} client needs a v${client}.x.y server (use a ${spec.resource}-client of major ${server ?? '?'} for that server)`,
    );
  }
}

function majorOf(version: string): number | undefined {
  const match = /^v?(0|[1-9]\d*)\.\d+\.\d+/.exec(version);
  return match ? Number(match[1]) : undefined;
}

async function defaultConnection(clientClass: ClientClass): Promise<Connection> {
  const spec = specOf(clientClass);
  if (clientClass.uri) return connect(spec, clientClass.uri);
  const { serverVersionFor } = await import('../local-server/local-server');
  const version = await serverVersionFor({ registry: spec.registry, resource: spec.resource, major: majorOf(spec.version)!, spec: clientClass.version });
  return startServer(spec, version);
}

async function startServer(spec: ClientSpec, version: string): Promise<Connection> {
  // The version rule first: "vgarbage is incompatible" would send the user after the wrong problem.
  const { parseVersion } = await import('../tags/version');
  parseVersion(version);
  assertCompatible(spec, version, 'requested');
  const { startLocalServer } = await import('../local-server/local-server');
  const server = await startLocalServer({ registry: spec.registry, resource: spec.resource, version });
  try {
    return { ...(await connect(spec, server.url)), stop: () => server.stop() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** Reads the server's `GET /` and refuses another resource or an incompatible version. */
async function connect(spec: ClientSpec, uri: string): Promise<Connection> {
  let url: URL;
  try {
    url = new URL(uri.endsWith('/') ? uri : `${uri}/`);
  } catch {
    throw new Error(`invalid ${spec.resource} server URL "${uri}": expected http://host:port`);
  }
  if (!(url.protocol in agents)) throw new Error(`invalid ${spec.resource} server URL "${uri}": only http: and https: are supported`);
  const info = (await request({ url, info: { resource: spec.resource } as ServerInfo }, 'GET', [])) as ServerInfo;
  if (info?.resource !== spec.resource) {
    throw new Error(`${url.href} serves ${JSON.stringify(info?.resource)}, not ${spec.resource}: point the ${spec.resource} client at a ${spec.resource} server`);
  }
  assertCompatible(spec, info.version, `at ${url.href}`);
  assertInterfaceServed(spec, info, `at ${url.href}`);
  return { url, info };
}

/**
 * Same major is not enough when the server is older than this client and its interface differs:
 * it lacks what was added since (SPEC §8). A newer server of the major only grew (SPEC §7.2).
 */
function assertInterfaceServed(spec: ClientSpec, info: ServerInfo, where: string): void {
  if (info.clientHash === spec.clientHash || !olderThan(info.version, spec.version)) return;
  throw new Error(
    `${spec.resource} server v${info.version.replace(/^v/, '')} (${where}) is older than this client, ${spec.resource}-client v${spec.version}, and serves another interface ` +
      `(client hash ${String(info.clientHash).slice(0, 7)}, not ${spec.clientHash.slice(0, 7)}): use a server of v${spec.version} or later, or a client generated from that server's release`,
  );
}

/** Whether release `a` comes before `b` by MAJOR.MINOR.PATCH (a preview counts as its release). */
function olderThan(a: string, b: string): boolean {
  const parts = (version: string) => (/^v?(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  const [x, y] = [parts(a), parts(b)];
  const differs = [0, 1, 2].find((i) => x[i] !== y[i]);
  return differs !== undefined && x[differs] < y[differs];
}

function serverHandle(clientClass: ClientClass, connection: Connection): object {
  const handle = Object.create(clientsOf(clientClass).serverClass.prototype) as object;
  Object.defineProperties(handle, {
    url: { value: connection.url.href.replace(/\/$/, ''), enumerable: true },
    info: { value: connection.info, enumerable: true },
  });
  servers.set(handle, connection);
  return handle;
}

/**
 * One JSON request; a non-2xx answer becomes a RemoteError with the server's message, and no
 * answer within MODELOS_CLIENT_TIMEOUT_MS an Error (a server that takes a request and never
 * answers would otherwise hold the caller forever).
 */
function request(connection: Pick<Connection, 'url' | 'info'>, method: string, path: string[], args?: unknown[]): Promise<unknown> {
  const url = new URL(path.map(encodeURIComponent).join('/'), connection.url);
  const body = args === undefined ? undefined : JSON.stringify({ args: withoutTrailingUndefined(args) });
  const transport = url.protocol === 'https:' ? https : http;
  const unreachable = (why: string) => new Error(`cannot reach the ${connection.info.resource} server at ${connection.url.href}: ${why}`);
  let timer: NodeJS.Timeout | undefined;
  return new Promise((resolve, reject) => {
    const timeoutMs = answerTimeoutMs(process.env);
    const req = transport.request(
      url,
      {
        method,
        agent: agents[url.protocol as keyof typeof agents],
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          ...serveTokenHeaders(process.env),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          try {
            resolve(answer(method, url, res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err as Error);
          }
        });
      },
    );
    req.on('error', (err) => reject(unreachable(err.message)));
    timer = setTimeout(() => {
      reject(unreachable(`no answer in ${timeoutMs / 1000} s (MODELOS_CLIENT_TIMEOUT_MS sets the wait)`));
      req.destroy();
    }, timeoutMs);
    req.end(body);
  }).finally(() => clearTimeout(timer));
}

const DEFAULT_ANSWER_TIMEOUT_MS = 5 * 60_000;

/** How long a call waits for its whole answer: MODELOS_CLIENT_TIMEOUT_MS, default 5 min (a model's method may compute a while). */
function answerTimeoutMs(env: NodeJS.ProcessEnv): number {
  const value = env.MODELOS_CLIENT_TIMEOUT_MS;
  if (value === undefined || value === '') return DEFAULT_ANSWER_TIMEOUT_MS;
  if (!/^[1-9]\d*$/.test(value)) throw new Error(`MODELOS_CLIENT_TIMEOUT_MS must be a positive integer (milliseconds), not "${value}"`);
  return Number(value);
}

/**
 * `Authorization: Bearer $MODELOS_SERVE_TOKEN` when the token is set: servers bound beyond
 * loopback want it on every request. It goes to the URL the caller named, over plain http too:
 * the servers we ship speak plain http (SPEC §12 binds them elsewhere with a token), so TLS is
 * the network's to add (docs/configuration.md says so).
 */
export function serveTokenHeaders(env: NodeJS.ProcessEnv): { authorization?: string } {
  return env.MODELOS_SERVE_TOKEN ? { authorization: `Bearer ${env.MODELOS_SERVE_TOKEN}` } : {};
}

function answer(method: string, url: URL, status: number, text: string): unknown {
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new Error(`${method} ${url.href} answered HTTP ${status} with a body that is not JSON`);
  }
  if (status >= 200 && status < 300) return json;
  const error = (json as { error?: { message?: unknown; name?: unknown } } | undefined)?.error;
  if (typeof error?.message === 'string') {
    throw new RemoteError(error.message, typeof error.name === 'string' ? error.name : 'Error', status);
  }
  throw new RemoteError(`${method} ${url.href} answered HTTP ${status}`, 'Error', status);
}

function resultOf(body: unknown): unknown {
  return (body as { result?: unknown } | undefined)?.result;
}

/** JSON has no `undefined`: left-out optional arguments are dropped rather than sent as null. */
function withoutTrailingUndefined(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return args.slice(0, end);
}

function clientsOf(clientClass: ClientClass): { spec: ClientSpec; serverClass: ServerClass } {
  const found = clients.get(clientClass);
  if (!found) throw new Error('not a generated ModelOS client class: call its own static methods (HamClient.create, …)');
  return found;
}

function specOf(clientClass: ClientClass): ClientSpec {
  return clientsOf(clientClass).spec;
}

function stateOf(instance: object): InstanceState {
  const state = instances.get(instance);
  if (!state) throw new Error('not a remote instance: create one with <Client>.create(...) or server.create(...)');
  return state;
}

function connectionOf(handle: object): Connection {
  const connection = servers.get(handle);
  if (!connection) throw new Error('not a server handle: get one with <Client>.fromUri(url) or <Client>.fromVersion(version)');
  return connection;
}
