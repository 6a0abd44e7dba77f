import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../errors';
import type { Repository } from '../oci';
import { envlogTag, pushEnvlog, readEnvlog, type EnvironmentEntry, type Envlog, type EnvlogHead } from './envlog';

/** What a change decides from the history it read: the entry minus the fields the protocol fills in. */
export type EntryDraft = Omit<EnvironmentEntry, 'n' | 'previous' | 'writer'>;

export interface AppendInput {
  repo: Repository;
  resource: string;
  environment: string;
  /** Computes the entry from the current head (null: no history yet); throws a UserError to refuse. Called again on a retry. */
  draft(head: EnvlogHead | null): EntryDraft | Promise<EntryDraft>;
  /** How long a writer waits after its push before it re-reads the tag; default 250 ms. */
  settleMs?: number;
  /** Attempts before a conflict error; default 8. */
  attempts?: number;
}

const DEFAULT_SETTLE_MS = 250;
const DEFAULT_ATTEMPTS = 8;

/**
 * Appends one entry to `envlog-<environment>` without losing a concurrent writer's entry.
 * Registries have no compare-and-swap on tags, so (see ARCHITECTURE.md, "Environments"):
 * 1. read the head, draft the entry on it, record the head's digest as `previous`;
 * 2. push the blobs, re-resolve the tag and start over if it moved meanwhile;
 * 3. push the manifest, wait `settleMs` (longer than a concurrent writer's resolve → PUT gap),
 *    re-read: if the history there lacks our entry, a writer that read the same head
 *    overwrote it, so append again on top of theirs.
 * Returns the head that holds the entry.
 */
export async function appendEntry(input: AppendInput): Promise<{ head: EnvlogHead; entry: EnvironmentEntry }> {
  const { repo, environment } = input;
  const writer = randomUUID();
  const tag = envlogTag(environment);
  const attempts = input.attempts ?? DEFAULT_ATTEMPTS;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const head = await readEnvlog(repo, environment);
    const entries = head?.log.entries ?? [];
    const entry: EnvironmentEntry = { ...(await input.draft(head)), n: entries.length + 1, previous: head?.digest ?? null, writer };
    const log: Envlog = { formatVersion: 1, resource: input.resource, environment, entries: [...entries, entry] };
    if ((await repo.resolve(tag))?.digest !== head?.digest) {
      await backoff(attempt);
      continue;
    }
    await pushEnvlog(repo, log);
    await sleep(input.settleMs ?? DEFAULT_SETTLE_MS);
    const after = await readEnvlog(repo, environment);
    const mine = after?.log.entries.find((e) => e.writer === writer);
    if (after && mine) return { head: after, entry: mine };
    await backoff(attempt);
  }
  throw new UserError(
    `conflict: ${repo.reference}:${tag} kept changing under ${attempts} attempts to append to it (other promote/rollback/traffic runs); nothing of this change was kept, re-run it`,
  );
}

/** Random, growing pause so that writers who collided do not collide again in step. */
function backoff(attempt: number): Promise<void> {
  return sleep(Math.random() * 50 * 2 ** Math.min(attempt, 5));
}
