import { UserError } from '../errors';
import { assertGitIdentity, tagStillToWrite, createAnnotatedTag } from '../git';
import { gitFailure, runGit } from '../git/run';
import type { Repository } from '../oci';
import { environmentTag } from '../tags';
import { appendEntry, type EntryDraft } from './append';
import { currentEntry, readEnvlog, type EnvironmentAction, type EnvironmentEntry, type EnvironmentTarget, type EnvlogHead } from './envlog';
import { pinTargets, releaseVersionArgument } from './pin';
import { assertOneMajor, formatWeights, leadingVersion, parseWeights, shares, type VersionWeight } from './weights';
import { whoAmI } from './who';

export interface EnvironmentChangeInput {
  repo: Repository;
  resource: string;
  environment: string;
  /** Why, for the history; default: what the change does. */
  reason?: string;
  /** Replicas per version; default: the current entry's, else 1. */
  replicas?: number;
  /** The workspace (git user for `who`, and where `gitTag` writes). */
  workspaceRoot?: string;
  /** Also write the annotated git tag `mdl-<resource>-env-<environment>-<n>` at HEAD. */
  gitTag?: boolean;
  env?: NodeJS.ProcessEnv;
  /** See appendEntry. */
  settleMs?: number;
}

export interface EnvironmentChangeResult {
  resource: string;
  environment: string;
  repository: string;
  entry: EnvironmentEntry;
  /** Where `env-<name>` points now: the version with the largest weight. */
  envTag: { tag: string; version: string; digest: string };
  gitTag: string | null;
}

const MAX_REPLICAS = 64;

/** `promote --env staging --version v1.1.0`: all the environment's traffic to one release. */
export async function promote(input: EnvironmentChangeInput & { version: string }): Promise<EnvironmentChangeResult> {
  const version = releaseVersionArgument(input.version);
  return change(input, 'promote', `promote ${version}`, async () => pinTargets(input.repo, input.resource, [{ version, weight: 100 }]));
}

/** `traffic --weights v1.0.0=90,v1.1.0=10`: a weighted split across releases of one major. */
export async function traffic(input: EnvironmentChangeInput & { weights: string }): Promise<EnvironmentChangeResult> {
  const weights = parseWeights(input.weights);
  weights.forEach((w) => releaseVersionArgument(w.version));
  // One major is checked on the pinned targets (see change): an unknown version is named as such first.
  return change(input, 'traffic', `traffic ${formatWeights(weights)}`, async () => pinTargets(input.repo, input.resource, weights));
}

/**
 * `rollback [--to v1.0.0]`: back to one release, or without `to` to the assignment before the
 * current one (the newest earlier entry that differs from it), as the registry's history says.
 */
export async function rollback(input: EnvironmentChangeInput & { to?: string }): Promise<EnvironmentChangeResult> {
  const to = input.to === undefined ? undefined : releaseVersionArgument(input.to);
  return change(input, 'rollback', to ? `rollback to ${to}` : 'rollback to the previous assignment', async (head) => {
    // Also with --to: a rollback goes back in an environment's history, it never starts one (a typo'd name).
    if (!head) throw new UserError(`unknown environment "${input.environment}" of ${input.resource}: it has no history (no envlog-${input.environment} tag); promote a release to it first`);
    if (to) return pinTargets(input.repo, input.resource, [{ version: to, weight: 100 }]);
    const previous = previousAssignment(head.log.entries);
    if (!previous) throw new UserError(`environment ${input.environment} of ${input.resource} has no earlier assignment to roll back to; use --to <version>`);
    return previous.targets;
  }, (head) => (to ? undefined : previousAssignment(head!.log.entries)!.replicas));
}

async function change(
  input: EnvironmentChangeInput,
  action: EnvironmentAction,
  defaultReason: string,
  targetsOf: (head: EnvlogHead | null) => Promise<EnvironmentTarget[]>,
  replicasOf: (head: EnvlogHead | null) => number | undefined = () => undefined,
): Promise<EnvironmentChangeResult> {
  const { repo, resource, environment } = input;
  const envTag = environmentTag(environment);
  if (input.replicas !== undefined && !(Number.isSafeInteger(input.replicas) && input.replicas >= 1 && input.replicas <= MAX_REPLICAS)) {
    throw new UserError(`invalid replicas ${input.replicas}: expected an integer from 1 to ${MAX_REPLICAS}`);
  }
  if (input.gitTag && !input.workspaceRoot) throw new UserError('--gitTag needs a workspace: run it inside the git repository of the resource');
  const who = await whoAmI(input.workspaceRoot, input.env);
  const head = input.gitTag ? await gitTagCommit(input.workspaceRoot!) : undefined;
  const draft = async (current: EnvlogHead | null): Promise<EntryDraft> => {
    // The tag this entry will get must be free before anything is written (another registry's history may have used it).
    if (head) await tagStillToWrite(input.workspaceRoot!, environmentGitTag(resource, environment, (current?.log.entries.length ?? 0) + 1), head);
    const targets = await targetsOf(current);
    if (action !== 'promote') assertOneMajor(targets);
    const replicas = input.replicas ?? replicasOf(current) ?? (current ? currentEntry(current.log).replicas : 1);
    return { action, targets, replicas, time: new Date().toISOString(), who, reason: input.reason?.trim() || defaultReason };
  };
  const appended = await appendEntry({ repo, resource, environment, draft, settleMs: input.settleMs });
  let leading: EnvironmentTarget;
  try {
    leading = await moveEnvironmentTag(repo, environment, appended.head);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`${resource} ${environment} #${appended.entry.n} is recorded, but ${envTag} was not moved: ${err.message}; the next promote, traffic or rollback moves it`);
  }
  const gitTag = head ? await writeGitTagOfRecorded(input.workspaceRoot!, resource, environment, appended.entry, head) : null;
  return {
    resource,
    environment,
    repository: repo.reference,
    entry: appended.entry,
    envTag: { tag: envTag, version: leading.version, digest: leading.digest },
    gitTag,
  };
}

/** The newest entry before the last whose assignment differs from the last one's. */
export function previousAssignment(entries: EnvironmentEntry[]): EnvironmentEntry | undefined {
  const current = entries[entries.length - 1];
  // Shares, not raw weights: v2.0.0=1 and v2.0.0=100 are one assignment.
  const key = (entry: EnvironmentEntry) => `${[...shares(entry.targets)].map(([version, share]) => `${version}=${share.toFixed(6)}`).join()} ${entry.replicas}`;
  return entries
    .slice(0, -1)
    .reverse()
    .find((entry) => key(entry) !== key(current));
}

/**
 * Points env-<name> at the heaviest version of the history's head, then reads the head again:
 * a concurrent writer that pushed the tag for an older head may have landed after us. Entries
 * only ever append, so a head of the same length is the one the tag now follows.
 */
async function moveEnvironmentTag(repo: Repository, environment: string, head: EnvlogHead): Promise<EnvironmentTarget> {
  for (let round = 1; ; round++) {
    const leading = leadingTarget(currentEntry(head.log).targets);
    const manifest = await repo.fetchManifest(leading.digest);
    if (!manifest) throw new UserError(`${repo.reference}@${leading.digest} (${leading.version}) is gone from the registry: it cannot be assigned to ${environment}`);
    await repo.pushManifest(manifest.bytes, manifest.descriptor.mediaType, environmentTag(environment));
    const now = await readEnvlog(repo, environment);
    if (!now || now.log.entries.length === head.log.entries.length || round === TAG_FOLLOW_ROUNDS) return leading;
    head = now;
  }
}

/** Rounds of moveEnvironmentTag: each one a writer that appended meanwhile; more would mean a storm of them. */
const TAG_FOLLOW_ROUNDS = 5;

function leadingTarget(targets: EnvironmentTarget[]): EnvironmentTarget {
  const version = leadingVersion(targets);
  return targets.find((t) => t.version === version)!;
}

/** HEAD, where --gitTag writes, once git can write an annotated tag there. */
async function gitTagCommit(workspaceRoot: string): Promise<string> {
  const out = await runGit(workspaceRoot, ['rev-parse', 'HEAD']);
  if (out.code !== 0) throw gitFailure(workspaceRoot, out.stderr);
  await assertGitIdentity(workspaceRoot);
  return out.stdout.trim();
}

function environmentGitTag(resource: string, environment: string, n: number): string {
  return `mdl-${resource}-env-${environment}-${n}`;
}

/** The entry is in the registry by now: a tag that still fails says so, and how to finish by hand. */
async function writeGitTagOfRecorded(workspaceRoot: string, resource: string, environment: string, entry: EnvironmentEntry, commit: string): Promise<string> {
  const tag = environmentGitTag(resource, environment, entry.n);
  const split = entry.targets.map((t: VersionWeight) => `${t.version}=${t.weight}`).join(',');
  const message = `${resource} ${environment} #${entry.n}: ${entry.action} ${split} (replicas ${entry.replicas}) by ${entry.who}: ${entry.reason}`;
  try {
    await createAnnotatedTag(workspaceRoot, tag, commit, message);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`${resource} ${environment} #${entry.n} is recorded and ${environmentTag(environment)} moved, but git tag ${tag} was not written: ${err.message}; write it with \`git tag -a ${tag} ${commit.slice(0, 12)}\``);
  }
  return tag;
}
