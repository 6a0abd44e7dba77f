import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: loopback calls are sub-millisecond, model calls may take seconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Recent durations kept per version for the status page's p50/p99. */
const WINDOW = 4096;

/** What one call records: the series are bound once per (version, method), so a call allocates nothing here. */
export interface CallSeries {
  record(code: number, seconds: number): void;
}

/** Per-version counts and a window of recent durations, for `/-/status`. */
export class VersionStats {
  requests = 0;
  errors = 0;
  private readonly durations = new Float64Array(WINDOW);
  private next = 0;

  add(code: number, seconds: number): void {
    this.requests++;
    if (code >= 500) this.errors++;
    this.durations[this.next++ % WINDOW] = seconds;
  }

  /** The q-quantile (0..1) of the recent window, in milliseconds; null before any call. */
  quantileMs(q: number): number | null {
    const n = Math.min(this.next, WINDOW);
    if (n === 0) return null;
    const sorted = this.durations.slice(0, n).sort();
    return Number((sorted[Math.min(n - 1, Math.floor(q * n))] * 1000).toFixed(3));
  }
}

/**
 * The endpoint's Prometheus metrics (SPEC §10) on a registry of its own (not prom-client's
 * global one, so two endpoints in one process never mix):
 * `modelos_requests_total{resource,version,method,code}`, `modelos_request_duration_seconds`
 * (same labels less code), `modelos_instances{resource,version}`, `modelos_replicas_up{resource,version}`.
 */
export class EndpointMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'modelos_requests_total',
    help: 'Calls routed by the endpoint, by resource, version, method and HTTP status code',
    labelNames: ['resource', 'version', 'method', 'code'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'modelos_request_duration_seconds',
    help: 'Duration of calls routed by the endpoint, from request to the end of the response',
    labelNames: ['resource', 'version', 'method'] as const,
    buckets: BUCKETS,
    registers: [this.registry],
  });
  private readonly instances = new Gauge({ name: 'modelos_instances', help: 'Live instances per version', labelNames: ['resource', 'version'] as const, registers: [this.registry] });
  private readonly replicasUp = new Gauge({ name: 'modelos_replicas_up', help: 'Replicas up per version', labelNames: ['resource', 'version'] as const, registers: [this.registry] });

  constructor(private readonly resource: string) {}

  /** The series of one version's method; cache the result. */
  series(version: string, method: string, stats: VersionStats): CallSeries {
    const duration = this.duration.labels(this.resource, version, method);
    const byCode = new Map<number, ReturnType<Counter<'resource' | 'version' | 'method' | 'code'>['labels']>>();
    return {
      record: (code, seconds) => {
        let counter = byCode.get(code);
        if (!counter) byCode.set(code, (counter = this.requests.labels(this.resource, version, method, String(code))));
        counter.inc();
        duration.observe(seconds);
        stats.add(code, seconds);
      },
    };
  }

  /** Live instances of `version` went up (`delta` > 0) or down. */
  countInstances(version: string, delta: number): void {
    this.instances.labels(this.resource, version).inc(delta);
  }

  setReplicasUp(version: string, up: number): void {
    this.replicasUp.labels(this.resource, version).set(up);
  }

  /** Forgets a version that left the environment, so its gauges do not linger. */
  removeVersion(version: string): void {
    this.instances.remove(this.resource, version);
    this.replicasUp.remove(this.resource, version);
  }
}
