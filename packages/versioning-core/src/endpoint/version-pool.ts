import type { CallSeries, EndpointMetrics } from './endpoint-metrics';
import { VersionStats } from './endpoint-metrics';
import { Replica } from './replica';

/** The replicas of one version, its method names (for metric labels) and its stats. */
export class VersionPool {
  readonly replicas: Replica[] = [];
  readonly stats = new VersionStats();
  /** Left the environment: takes no new work, stopped once its instances are gone. */
  draining = false;
  private turn = 0;
  private readonly series = new Map<string, CallSeries>();

  constructor(
    readonly version: string,
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly metrics: EndpointMetrics,
    /** Methods of the interface; any other name is labelled `other` (bounded label values). */
    private readonly methods: ReadonlySet<string>,
    private readonly onReplicaDown: (replica: Replica, reason: string) => void,
  ) {}

  /** Starts replicas up to `count` (all at once) and retires the extra ones. */
  async scale(count: number): Promise<void> {
    const active = this.replicas.filter((r) => !r.retired);
    for (const extra of active.slice(count)) extra.retired = true;
    const started: Replica[] = [];
    for (let slot = active.length; slot < count; slot++) {
      const replica = new Replica(this.version, this.replicas.length + started.length, this.dir, this.env, {
        up: () => this.countUp(),
        down: (r, reason) => {
          this.countUp();
          this.onReplicaDown(r, reason);
        },
      });
      started.push(replica);
    }
    const results = await Promise.allSettled(started.map((replica) => replica.start()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(started.map((replica) => replica.stop()));
      throw failed.reason;
    }
    this.replicas.push(...started);
    this.countUp();
  }

  /** A replica for new work, round-robin over those up and not retired. */
  pickReplica(): Replica | undefined {
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[this.turn++ % this.replicas.length];
      if (replica.up && !replica.retired) return replica;
    }
    return undefined;
  }

  get ready(): boolean {
    return !this.draining && this.replicas.some((r) => r.up && !r.retired);
  }

  get instances(): number {
    return this.replicas.reduce((sum, r) => sum + r.instances, 0);
  }

  /** True when nothing needs this pool any more (draining, no instance, no call). */
  get idle(): boolean {
    return this.draining && this.replicas.every((r) => r.instances === 0 && r.inflight === 0);
  }

  /** Retired replicas with nothing left on them are stopped. */
  async reap(): Promise<void> {
    const done = this.replicas.filter((r) => (r.retired || this.draining) && r.instances === 0 && r.inflight === 0);
    await Promise.all(done.map((r) => r.stop()));
    for (const r of done) this.replicas.splice(this.replicas.indexOf(r), 1);
    this.countUp();
  }

  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.stop()));
  }

  seriesOf(method: string): CallSeries {
    const label = this.methods.has(method) ? method : 'other';
    let found = this.series.get(label);
    if (!found) this.series.set(label, (found = this.metrics.series(this.version, label, this.stats)));
    return found;
  }

  instanceCreated(replica: Replica): void {
    replica.instances++;
    this.metrics.countInstances(this.version, 1);
  }

  instanceGone(replica: Replica): void {
    replica.instances--;
    this.metrics.countInstances(this.version, -1);
  }

  /** A dead replica's instances are gone from the gauge. */
  instancesLost(count: number): void {
    this.metrics.countInstances(this.version, -count);
  }

  private countUp(): void {
    this.metrics.setReplicasUp(this.version, this.replicas.filter((r) => r.up).length);
  }
}
