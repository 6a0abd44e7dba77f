import type { ExecutorContext } from '@nx/devkit';
import { sharedByTasks, type SharedByTasks } from '../resource-executor';
import type { TaskRun } from './protocol';

/** A run's shared facts are dropped this long after its last task started: the run is over, or a later task reads its own. */
const RUN_IDLE_MS = 5_000;

/**
 * What the tasks of one Nx run of one target share in the worker, as a batch shares it: git
 * facts read once for every closure of the run's tasks, and registry auth. The first task of a
 * run reads facts of its own (a run of one task should not pay for listing every closure);
 * from the second on, tasks share. Facts are read when first asked for, as in a batch, and so
 * are the same for every task of the run.
 */
export class RunSharing {
  private readonly runs = new Map<string, { shared?: SharedByTasks; expiry: NodeJS.Timeout }>();

  /** undefined: the task reads facts of its own. */
  sharedFor(run: TaskRun | undefined, registry: string | undefined, context: ExecutorContext): SharedByTasks | undefined {
    if (!run) return undefined;
    const key = `${run.id}\0${run.target}`;
    const seen = this.runs.get(key);
    if (seen) clearTimeout(seen.expiry);
    const shared = seen ? (seen.shared ?? sharedByTasks(run.projects, registry, context)) : undefined;
    this.runs.set(key, { shared, expiry: setTimeout(() => this.runs.delete(key), RUN_IDLE_MS).unref() });
    return shared;
  }
}
