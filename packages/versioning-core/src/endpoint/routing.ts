import * as http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { EnvironmentEntry } from '../environments/envlog';
import { checkHeaders, HttpError, type GuardOptions } from '../packages/runtime/http-guards';
import { shares } from '../environments/weights';
import type { CallSeries, EndpointMetrics } from './endpoint-metrics';
import type { Replica } from './replica';
import type { VersionPool } from './version-pool';
import { WeightedPicker } from './weighted-picker';

/** Where an instance lives: the replica (and its generation) that created it. */
interface Binding {
  pool: VersionPool;
  replica: Replica;
  generation: number;
}

/** Per-version line of `GET /-/status`. */
export interface VersionStatus {
  version: string;
  weight: number;
  /** Share of new instances and static calls, 0..1 (0 while draining). */
  share: number;
  draining: boolean;
  replicas: number;
  replicasUp: number;
  instances: number;
  requests: number;
  errors: number;
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface EndpointStatus {
  resource: string;
  environment: string;
  /** The envlog entry the endpoint serves. */
  entry: { n: number; action: string; time: string; who: string; reason: string };
  versions: VersionStatus[];
  /** The last failure to follow the environment (the endpoint keeps serving the previous split). */
  lastError: string | null;
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** New work (create, static, info) is tried on another replica when its replica dies before answering. */
const NEW_WORK_TRIES = 3;

/**
 * Routes SPEC §8's protocol across the versions of an environment: new instances, static calls
 * and `GET /` go to a version by weight (then a replica round-robin); an instance's calls go to
 * the replica that created it, or get a 502 naming the version when that replica died.
 */
export class Routing {
  readonly pools = new Map<string, VersionPool>();
  private picker = new WeightedPicker<VersionPool>([], []);
  private readonly instances = new Map<string, Binding>();
  private entry: EnvironmentEntry | undefined;
  lastError: string | null = null;

  constructor(
    private readonly resource: string,
    private readonly environment: string,
    private readonly metrics: EndpointMetrics,
    private readonly guards: GuardOptions,
  ) {}

  /** Swaps in a new split at once; pools that left it drain (their instances keep working). */
  apply(entry: EnvironmentEntry, pools: VersionPool[]): void {
    for (const pool of pools) pool.draining = false;
    this.picker = new WeightedPicker(pools, entry.targets.map((t) => t.weight));
    this.entry = entry;
    for (const pool of this.pools.values()) if (!pools.includes(pool)) pool.draining = true;
    for (const pool of pools) this.pools.set(pool.version, pool);
    for (const pool of [...this.pools.values()]) void this.reap(pool);
  }

  /** A dead replica's instances are lost: their bindings stay, so that their calls get a clear 502. */
  replicaDown(replica: Replica): void {
    this.pools.get(replica.version)?.instancesLost(replica.instances);
  }

  handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    try {
      checkHeaders(this.guards, req);
    } catch (err) {
      return refuse(req, res, err as HttpError);
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (rewrittenByReplica(path)) return sendError(res, 400, 'BadRequest', `a path with . or .. segments or a backslash is not served: ${req.method} ${path.slice(0, 100)}`);
    if (path === '/metrics' || path === '/-/status') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(req, res, new HttpError(405, 'MethodNotAllowed', `use GET here, not ${req.method!.slice(0, 20)}`, { allow: 'GET, HEAD' }));
      return path === '/metrics' ? void this.sendMetrics(res) : sendJson(res, 200, this.status());
    }
    if (path.startsWith('/instances/')) return this.instanceCall(req, res, path);
    const label = path === '/' ? 'info' : path === '/instances' ? 'create' : path.startsWith('/static/') ? `static.${path.slice(8)}` : undefined;
    if (!label) return sendError(res, 404, 'NotFound', `no such endpoint: ${req.method} ${path}`);
    readBody(req, this.guards.maxBodyBytes, (err, body) => (err ? sendError(res, 413, 'PayloadTooLarge', err.message) : this.newWork(req, res, path, label, body!, NEW_WORK_TRIES)));
  };

  status(): EndpointStatus {
    const entry = this.entry!;
    const share = shares(entry.targets);
    const versions = [...this.pools.values()].map((pool): VersionStatus => {
      const { requests, errors } = pool.stats;
      return {
        version: pool.version,
        weight: pool.draining ? 0 : entry.targets.find((t) => t.version === pool.version)!.weight,
        share: pool.draining ? 0 : share.get(pool.version)!,
        draining: pool.draining,
        replicas: pool.replicas.filter((r) => !r.retired).length,
        replicasUp: pool.replicas.filter((r) => r.up).length,
        instances: pool.instances,
        requests,
        errors,
        errorRate: requests ? errors / requests : 0,
        p50Ms: pool.stats.quantileMs(0.5),
        p99Ms: pool.stats.quantileMs(0.99),
      };
    });
    const { n, action, time, who, reason } = entry;
    return { resource: this.resource, environment: this.environment, entry: { n, action, time, who, reason }, versions, lastError: this.lastError };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.stop()));
  }

  private newWork(req: http.IncomingMessage, res: http.ServerResponse, path: string, label: string, body: Buffer, tries: number): void {
    const pool = this.picker.pick((p) => p.ready);
    const replica = pool?.pickReplica();
    if (!pool || !replica) return sendError(res, 503, 'Unavailable', `no replica of ${this.resource}@${this.environment} is up: retry shortly`);
    const series = pool.seriesOf(label);
    const started = performance.now();
    replica.inflight++;
    const generation = replica.generation;
    forward(replica, req.method!, path, body, (up) => {
      const code = up.statusCode!;
      if (label !== 'create' || code !== 201) return this.pipeBack(up, res, pool, replica, series, started);
      collect(up, (text) => {
        const id = (JSON.parse(text) as { id: string }).id;
        if (replica.generation === generation) {
          this.instances.set(id, { pool, replica, generation });
          pool.instanceCreated(replica);
        }
        res.writeHead(201, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) }).end(text);
        this.done(pool, replica, series, code, started);
      });
    }, (err) => {
      replica.inflight--;
      if (tries > 1 && !res.headersSent) return this.newWork(req, res, path, label, body, tries - 1);
      this.fail(res, series, started, `${this.resource} ${pool.version} (${replica.name}) failed before answering: ${err.message}`);
    });
  }

  private instanceCall(req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
    const rest = path.slice('/instances/'.length);
    const slash = rest.indexOf('/');
    let id: string;
    try {
      id = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
    } catch {
      // A URIError here, outside any handler's catch, would take the whole endpoint down.
      return sendError(res, 400, 'BadRequest', `the instance id in ${path.slice(0, 100)} is not valid percent-encoding`);
    }
    const isDelete = req.method === 'DELETE' && slash < 0;
    const binding = this.instances.get(id);
    if (!binding) return sendError(res, 404, 'NotFound', `${this.resource}@${this.environment} has no instance "${id}" (never created here, or deleted)`);
    const { pool, replica } = binding;
    const series = pool.seriesOf(isDelete ? 'delete' : slash < 0 ? 'other' : rest.slice(slash + 1));
    const started = performance.now();
    if (binding.generation !== replica.generation) {
      if (isDelete) this.instances.delete(id);
      req.resume();
      return this.fail(res, series, started, this.lostInstance(pool, replica, id, 'exited'), 'ReplicaLost');
    }
    readBody(req, this.guards.maxBodyBytes, (err, body) => {
      if (err) return sendError(res, 413, 'PayloadTooLarge', err.message);
      replica.inflight++;
      forward(replica, req.method!, path, body!, (up) => {
        if (isDelete && (up.statusCode === 204 || up.statusCode === 404) && this.instances.delete(id)) pool.instanceGone(replica);
        this.pipeBack(up, res, pool, replica, series, started);
      }, (error) => {
        replica.inflight--;
        this.fail(res, series, started, this.lostInstance(pool, replica, id, `failed during the call (${error.message})`), 'ReplicaLost');
      });
    });
  }

  /** The 502 of a call whose instance died with its replica: names the version, never tries another. */
  private lostInstance(pool: VersionPool, replica: Replica, id: string, what: string): string {
    return `${this.resource} ${pool.version}: instance ${id} was on ${replica.name}, which ${what}, and is gone with it; create a new instance`;
  }

  private pipeBack(up: http.IncomingMessage, res: http.ServerResponse, pool: VersionPool, replica: Replica, series: CallSeries, started: number): void {
    const code = up.statusCode!;
    res.writeHead(code, keptHeaders(up.rawHeaders));
    up.pipe(res);
    up.once('end', () => this.done(pool, replica, series, code, started));
    up.once('error', () => {
      res.destroy();
      this.done(pool, replica, series, 502, started);
    });
  }

  private done(pool: VersionPool, replica: Replica, series: CallSeries, code: number, started: number): void {
    replica.inflight--;
    series.record(code, (performance.now() - started) / 1000);
    if ((pool.draining || replica.retired) && replica.instances === 0 && replica.inflight === 0) void this.reap(pool);
  }

  private fail(res: http.ServerResponse, series: CallSeries, started: number, message: string, name = 'BadGateway'): void {
    sendError(res, 502, name, message);
    series.record(502, (performance.now() - started) / 1000);
  }

  private async reap(pool: VersionPool): Promise<void> {
    await pool.reap();
    if (!pool.idle || this.pools.get(pool.version) !== pool) return;
    this.pools.delete(pool.version);
    for (const [id, binding] of this.instances) if (binding.pool === pool) this.instances.delete(id);
    this.metrics.removeVersion(pool.version);
  }

  private async sendMetrics(res: http.ServerResponse): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.writeHead(200, { 'content-type': this.metrics.registry.contentType }).end(text);
  }
}

/**
 * What the replica's URL parser would rewrite into a route this router never saw, creating an
 * untracked instance: `.` or `..` segments, plain or percent-encoded (`/static/%2e%2e/instances`),
 * and `\`, which it reads as `/` (`/static/..\instances`). `%5c` is refused too: no method name
 * or instance id holds a backslash, and a decoded one must not become a separator further on.
 */
function rewrittenByReplica(path: string): boolean {
  return /\\|%5c/i.test(path) || path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

function forward(replica: Replica, method: string, path: string, body: Buffer, onResponse: (up: http.IncomingMessage) => void, onError: (err: Error) => void): void {
  const upstream = http.request(
    {
      agent: replica.agent,
      host: '127.0.0.1',
      port: replica.port,
      method,
      path,
      headers: body.length ? { 'content-type': 'application/json', 'content-length': body.length } : undefined,
    },
    onResponse,
  );
  upstream.once('error', onError);
  upstream.end(body);
}

/**
 * The replica's content-type and content-length (and the `allow` of a 405), as [name, value, …]
 * pairs: read from the raw headers, since `up.headers` would build an object of every header on each call.
 */
function keptHeaders(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name === 'content-type' || name === 'content-length' || name === 'allow') kept.push(name, raw[i + 1]);
  }
  return kept;
}

const EMPTY = Buffer.alloc(0);

function readBody(req: http.IncomingMessage, limit: number, done: (err: Error | null, body?: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  });
  req.once('end', () =>
    size > limit ? done(new Error(`request body over ${limit} bytes`)) : done(null, chunks.length === 0 ? EMPTY : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)),
  );
}

function collect(stream: http.IncomingMessage, done: (text: string) => void): void {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  stream.once('end', () => done(text));
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) }).end(text);
}

/** Errors in the servers' own shape, so a generated client raises them as RemoteErrors with this message. */
function sendError(res: http.ServerResponse, status: number, name: string, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { error: { message, name } }, headers);
}

/** A request refused before it was read: its body is left unread, so the connection closes. */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, refusal: HttpError): void {
  req.resume();
  sendError(res.setHeader('connection', 'close'), refusal.status, refusal.name, refusal.message, refusal.headers);
}
