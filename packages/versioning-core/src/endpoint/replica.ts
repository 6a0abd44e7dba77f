import type { ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnServer, stopChild } from '@modelos/runtime';

const RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 5_000;

/**
 * One server process of a version. It is restarted when it dies; every restart is a new
 * `generation`, and instances bound to an older generation are gone with the process that held
 * them (their calls get a 502, never another replica's answer).
 */
export class Replica {
  port = 0;
  up = false;
  generation = 0;
  /** Instances created on the current generation and not deleted. */
  instances = 0;
  /** Calls being forwarded right now. */
  inflight = 0;
  /** Takes no new instances; stopped once its instances and calls are done. */
  retired = false;
  agent = newAgent();
  private child: ChildProcess | undefined;
  private stopped = false;

  constructor(
    readonly version: string,
    readonly slot: number,
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly events: { up(replica: Replica): void; down(replica: Replica, reason: string): void },
  ) {}

  get name(): string {
    return `${this.version} replica ${this.slot}`;
  }

  /** Starts the process; resolves once it listens (rejects when it cannot start). */
  async start(): Promise<void> {
    const { url, child } = await spawnServer(this.dir, this.name, this.env);
    if (this.stopped) {
      await stopChild(child);
      return;
    }
    this.child = child;
    this.port = Number(new URL(url).port);
    this.up = true;
    this.events.up(this);
    child.once('exit', (code, signal) => void this.died(`exited (${signal ?? `code ${code}`})`));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.up = false;
    this.agent.destroy();
    if (this.child) await stopChild(this.child);
  }

  private async died(reason: string): Promise<void> {
    if (this.stopped) return;
    this.up = false;
    this.generation++;
    this.agent.destroy();
    this.agent = newAgent();
    this.events.down(this, reason);
    this.instances = 0;
    for (let delay = RESTART_DELAY_MS; !this.stopped; delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS)) {
      await sleep(delay);
      try {
        await this.start();
        return;
      } catch (err) {
        this.events.down(this, `restart failed: ${(err as Error).message}`);
      }
    }
  }
}

/** Keep-alive to the replica: a call reuses a warm socket instead of a TCP handshake. */
function newAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
}
