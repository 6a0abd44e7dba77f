import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { currentEntry, envlogTag, readEnvlog, type EnvironmentEntry } from '../environments/envlog';
import { formatSplit } from '../environments/weights';
import { UserError } from '../errors';
import { openRepository, type RegistryReference, type Repository } from '../oci';
import type { ServedResource } from '../packages';
import { prepareServerPackage } from '@modelos/runtime';
import { guardOptions, guardServer } from '../packages/runtime/http-guards';
import { parseVersion } from '../tags';
import { EndpointMetrics } from './endpoint-metrics';
import type { Replica } from './replica';
import { Routing, type EndpointStatus } from './routing';
import { VersionPool } from './version-pool';

export interface EndpointInput {
  registry: RegistryReference;
  resource: string;
  environment: string;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Credentials, package cache and the replicas' environment; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How often the environment's history is checked (one HEAD request); default 3000 ms. */
  pollMs?: number;
  /** Progress lines (changes followed, replicas lost); default: none. */
  log?: (line: string) => void;
}

export interface Endpoint {
  url: string;
  /** Re-reads the environment now (SIGHUP does this); resolves once its split is applied. */
  refresh(): Promise<void>;
  status(): EndpointStatus;
  stop(): Promise<void>;
}

const DEFAULT_POLL_MS = 3_000;

/**
 * `mdl endpoint <registry>:<resource>@<env>`: serves the environment's split. Each version's
 * server package is pulled by the digest the environment pinned, its replicas started on
 * loopback, and the split applied; the history is polled and a change applied without failing
 * a call in flight (new versions start before the switch, leaving ones drain).
 */
export async function startEndpoint(input: EndpointInput): Promise<Endpoint> {
  const env = input.env ?? process.env;
  const log = input.log ?? (() => undefined);
  const repo = openRepository(input.registry, input.resource, { env });
  const host = input.host ?? '127.0.0.1';
  const guards = guarded(() => guardOptions(host, env));
  const metrics = new EndpointMetrics(input.resource);
  const routing = new Routing(input.resource, input.environment, metrics, guards);
  // Replicas listen on loopback behind the endpoint: they take no token of their own.
  const replicaEnv = { ...env, MODELOS_SERVE_TOKEN: undefined };
  const follower = new EnvironmentFollower(repo, input, replicaEnv, metrics, routing, log);
  const server = guarded(() => guardServer(guards, routing.handle, { keepAlive: true }));
  await follower.refresh();
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(input.port ?? 0, host, resolve));
  } catch (err) {
    await routing.stop();
    throw new UserError(`the endpoint cannot listen on ${host}:${input.port ?? 0}: ${(err as Error).message}`);
  }
  const { address, port } = server.address() as AddressInfo;
  const timer = setInterval(() => void follower.refresh().catch(() => undefined), input.pollMs ?? DEFAULT_POLL_MS);
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    refresh: () => follower.refresh(),
    status: () => routing.status(),
    stop: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await routing.stop();
    },
  };
}

/** The guards refuse bad settings (no token beyond loopback, a bad limit) with a plain Error: the user's to fix. */
function guarded<T>(make: () => T): T {
  try {
    return make();
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

/** Reads the environment's history and brings the routing to its current entry, one change at a time. */
class EnvironmentFollower {
  private digest: string | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly repo: Repository,
    private readonly input: EndpointInput,
    private readonly env: NodeJS.ProcessEnv,
    private readonly metrics: EndpointMetrics,
    private readonly routing: Routing,
    private readonly log: (line: string) => void,
  ) {}

  /** One refresh at a time; a request during one runs another right after it. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.follow()
      .catch((err: unknown) => {
        this.routing.lastError = (err as Error).message;
        if (!this.digest) throw err;
        this.log(`still serving the previous split: ${(err as Error).message}`);
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.refresh().catch(() => undefined);
        }
      });
    return this.running;
  }

  private async follow(): Promise<void> {
    const { resource, environment } = this.input;
    const found = await this.repo.resolve(envlogTag(environment));
    if (!found) throw new UserError(`unknown environment "${environment}" of ${resource}: ${this.repo.reference} has no envlog-${environment}; promote a release to it first`);
    if (found.digest === this.digest) return;
    const head = (await readEnvlog(this.repo, environment))!;
    const entry = currentEntry(head.log);
    const pools = await this.poolsFor(entry);
    this.routing.apply(entry, pools);
    this.routing.lastError = null;
    this.digest = head.digest;
    this.log(`${resource}@${environment} #${entry.n}: ${formatSplit(entry.targets)}, ${entry.replicas} replica(s) per version`);
  }

  /** Every version of the entry, running with its replicas; a failure stops what this call started. */
  private async poolsFor(entry: EnvironmentEntry): Promise<VersionPool[]> {
    const created: VersionPool[] = [];
    try {
      return await Promise.all(
        entry.targets.map(async (target) => {
          let pool = this.routing.pools.get(target.version);
          if (!pool) {
            pool = await this.newPool(target.version, target.package);
            created.push(pool);
          }
          await pool.scale(entry.replicas);
          return pool;
        }),
      );
    } catch (err) {
      await Promise.all(created.map((pool) => pool.stop()));
      throw err;
    }
  }

  private async newPool(version: string, packageDigest: string | null): Promise<VersionPool> {
    const { resource } = this.input;
    if (!packageDigest) throw new UserError(`${resource} ${version} has no server package (pkg-${version}): it cannot be served; re-run its release to publish the package`);
    const { dir } = await prepareServerPackage({ registry: this.input.registry, resource, version: parseVersion(version), env: this.env, manifestDigest: packageDigest });
    const served = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { modelos?: ServedResource }).modelos;
    const methods = new Set(['info', 'create', 'delete', ...(served?.interface?.methods ?? []).map((m) => m.name), ...(served?.interface?.staticMethods ?? []).map((m) => `static.${m.name}`)]);
    return new VersionPool(version, dir, this.env, this.metrics, methods, (replica: Replica, reason: string) => {
      this.routing.replicaDown(replica);
      this.log(`${resource} ${replica.name} ${reason}; restarting it (its instances are lost)`);
    });
  }
}
