import { startEarly } from '../concurrently';
import { UserError } from '../errors';
import { assertNpmRegistryUrl } from './npm-registry-url';
import { npmScopeOf, packageNames } from '../packages/npm-name';
import { assertGitIdentity, assertRemote, commitDate, createAnnotatedTag, createRefIfAbsent, deleteRef, perCallGitFacts, pushTag, type ClosureFactsSource } from '../git';
import type { ResourceFacts } from '../artifact/resource-artifact';
import { openRepository, type RegistryReference, type RegistrySession, type Repository } from '../oci';
import { Ocidex, type IndexEntry } from '../ocidex';
import type { ProjectRef } from '../project-ref';
import { collectResourceFacts } from '../resource-facts';
import { pushResourceArtifact } from '../store';
import type { ProgressMeter } from '../transfer-progress';
import {
  clientPackageTag,
  compareVersions,
  formatVersion,
  gitReleaseTag,
  isStable,
  LATEST_TAG,
  parsePreid,
  parseVersion,
  serverPackageTag,
  versionTag,
  type Version,
} from '../tags';
import type { NpmPublished } from './npm-publish';
import { nextInLine } from './release-line';
import { nextVersion, sameContent, type Bump, type ContentState } from './next-version';
import { interfaceDiffSince } from './previous-interface';
import { findPreviousRelease } from './previous-release';
import { moveTag, publishImmutableTag } from './publish-tag';
import { releaseManifest } from './release-manifest';
import type { ReleaseRequirements } from './release-requirements';

// What only some releases need loads when one gets that far: requirements (a resource that
// requires others), pack verification, building packages and publishing to npm (never a dry run).
const releaseRequirements = () => import('./release-requirements');
const verifyPack = () => import('../pack/verify-pack');
const releasePackages = () => import('../packages/release-packages');
const npmPublish = () => import('./npm-publish');

export interface ReleaseInput {
  workspaceRoot: string;
  resource: ProjectRef;
  closure: ProjectRef[];
  registry: RegistryReference;
  mainBranch: string;
  gitTag?: boolean;
  /** Push the git tag to this remote (`true` = origin). */
  push?: boolean | string;
  forceMain?: boolean;
  forceMajor?: boolean;
  patch?: boolean;
  preid?: string;
  /** Move `latest` (stable releases on the main branch); default true. */
  latest?: boolean;
  allowDirty?: boolean;
  initialVersion?: string;
  /** npm scope of the server and client packages; default: the scope of the workspace root package.json's name. */
  npmScope?: string;
  /** Also publish the server and client packages to an npm registry (SPEC §11); implied by `npmRegistry`. */
  publish?: boolean;
  /** npm registry URL to publish to; default: npm's configuration for the packages' scope. */
  npmRegistry?: string;
  dryRun?: boolean;
  log?: (line: string) => void;
  warn?: (line: string) => void;
  /** Transfer progress of the artifact's layers (see `wantsProgress`). */
  progress?: ProgressMeter;
  /** Pack's output directory: verified against the checkout before the claim, then pushed. */
  packDir?: string;
  /** Git facts shared with other tasks of the same run; default: a git call of its own. */
  git?: ClosureFactsSource;
  /** Registry auth shared with other tasks of the same run; default: this call's own. */
  session?: RegistrySession;
}

export interface ReleaseResult {
  resource: string;
  repository: string;
  /** False when nothing was published: unchanged closure, or the same content already released. */
  released: boolean;
  version: string | null;
  previous: string | null;
  bump: Bump | null;
  reason: string;
  digest: string | null;
  tags: string[];
  gitTag: string | null;
  /** Packages published to (or already on) the npm registry with `publish`. */
  npm: NpmPublished[];
  warnings: string[];
  dryRun: boolean;
}

/** SPEC §7: compute the next version from the closest previous release and publish it. */
export async function releaseResource(input: ReleaseInput): Promise<ReleaseResult> {
  const warnings: string[] = [];
  const warn = (line: string) => {
    warnings.push(line);
    input.warn?.(line);
  };
  const name = input.resource.name;
  // Bad options fail before any git or registry work.
  if (input.push && !input.gitTag) throw new UserError('--push pushes the git tag: use it with --gitTag');
  if (input.gitTag && !input.dryRun) await assertGitIdentity(input.workspaceRoot);
  if (input.push && !input.dryRun) await assertRemote(input.workspaceRoot, pushRemote(input.push));
  if (input.npmRegistry !== undefined) assertNpmRegistryUrl(input.npmRegistry);
  // Named now, not when the packages are built: a scope npm would refuse fails before any push.
  packageNames(npmScopeOf(input.workspaceRoot, input.npmScope), name);
  const preid = input.preid === undefined ? undefined : parsePreid(input.preid);
  if (input.initialVersion !== undefined) assertInitialVersion(input.initialVersion);
  const git = input.git ?? perCallGitFacts(input.workspaceRoot);
  const repo = openRepository(input.registry, name, { session: input.session });
  const index = new Ocidex(repo);
  // The registry's tags are read while git answers (neither needs the other); a git refusal still comes first.
  const refreshed = startEarly(index.refresh({ skipStoreTags: true }));
  const collected = await collectResourceFacts(input.workspaceRoot, input.resource, input.closure, git, { deferModelDigests: true });
  const { facts } = collected;
  if (facts.dirtyHash && !input.allowDirty) {
    throw new UserError(`${name} has uncommitted changes in its closure (${facts.closureProjects.join(', ')}): commit them, or pass --allowDirty`);
  }
  // Requirements that do not resolve refuse the release before anything is claimed or pushed.
  const requirements = Object.keys(facts.requires).length > 0 ? await (await releaseRequirements()).resolveReleaseRequirements({ ...input, facts }) : null;
  const entries = await refreshed;
  const previous = await findPreviousRelease({ workspaceRoot: input.workspaceRoot, resource: name, entries, warn, git });
  const base = { resource: name, repository: repo.reference, previous: previous ? versionTag(previous.version) : null, npm: [], warnings, dryRun: !!input.dryRun };

  const interfaceDiff = previous && !input.forceMajor ? await interfaceDiffSince(repo, previous, facts) : null;
  const next = nextVersion(previous && { version: previous.version, state: previous.entry, interfaceDiff }, facts, input);
  const branch = await git.branch();
  const onMain = !!input.forceMain || branch === input.mainBranch;
  if (next.unchanged) {
    const since = versionTag(next.since);
    const { tags: completed, npm } = input.dryRun ? { tags: [], npm: [] } : await completeRelease(input, facts, requirements, repo, index, previous!.entry, onMain);
    const done = [...completed, ...npm.filter((p) => p.published).map((p) => `npm ${p.package}`)];
    const reason = `${name} is unchanged since ${since}${done.length ? `; completed its release: ${done.join(', ')}` : ''}`;
    return { ...base, released: false, version: since, bump: null, reason, digest: previous!.entry.digest, tags: completed, gitTag: null, npm };
  }
  if (previous) assertPackagesPublished(name, previous.entry, index);
  const line = preid ? { preid } : onMain ? null : { branch };
  const chosen = line ? nextInLine(next.version, line, entries, facts) : { version: next.version, existing: false };
  const tag = versionTag(chosen.version);
  const result = { ...base, version: tag, bump: next.bump, reason: next.reason, gitTag: input.gitTag ? gitReleaseTag(name, chosen.version) : null };
  if (chosen.existing) {
    return { ...result, released: false, bump: null, reason: `${name} is already released as ${tag} with this content`, digest: index.get(tag)!.digest, tags: [] };
  }
  assertVersionFree(name, tag, index.get(tag), facts);
  if (input.dryRun) return { ...result, released: false, digest: null, tags: [tag] };

  // A pack output that does not match the checkout (a poisoned cache entry) stops the release before it claims anything.
  const packed = input.packDir ? await (await verifyPack()).loadVerifiedPack(input.workspaceRoot, input.resource, input.closure, input.packDir, collected.closureFiles) : null;
  const claim = `refs/modelos/claims/${name}/${tag}`;
  await claimVersion(input.workspaceRoot, claim, facts.headCommit, name, tag);
  try {
    const stored = await pushResourceArtifact({ ...input, git, branch: false, branchOnly: false, dryRun: false, packed: packed ?? undefined }, collected);
    const head = { commit: facts.headCommit, date: await commitDate(input.workspaceRoot, facts.headCommit) };
    const artifact = requirements ? await (await releaseRequirements()).withRequirements(stored.repo, stored.manifestBytes, facts, requirements) : stored.manifestBytes;
    const bytes = releaseManifest(artifact, head, formatVersion(chosen.version));
    // Packages are built before the version is published: a resource that cannot be packaged publishes nothing.
    const { buildReleasePackages, publishPackages } = await releasePackages();
    const packages = await buildReleasePackages({ ...input, facts, version: chosen.version, releaseManifest: bytes, bundled: requirements?.bundled });
    // A pushed git tag is the claim across machines: the remote refuses a second one, before any registry write.
    if (result.gitTag && input.push) await tagInGit(input, result.gitTag, head.commit, tag);
    // The adhoc tag takes the release manifest first, so that it and the version resolve to one digest (SPEC §7.5).
    const [adhoc] = stored.result.tags;
    if (!bytes.equals(stored.manifestBytes)) await moveTag(stored.repo, index, adhoc, bytes);
    const published = await publishImmutableTag(stored.repo, index, tag, bytes);
    const tags = [adhoc, tag, ...(await publishPackages(stored.repo, index, packages))];
    if (!line && input.latest !== false) tags.push(...(await moveLatest(stored.repo, index, published, bytes)));
    const npm = await publishReleaseToNpm(input, stored.repo, chosen.version, !line, index);
    if (result.gitTag && !input.push) await tagInGit(input, result.gitTag, head.commit, tag);
    input.log?.(`released ${name} ${tag} (${next.reason})`);
    return { ...result, released: true, digest: published.digest, tags, npm };
  } finally {
    await deleteRef(input.workspaceRoot, claim);
  }
}

/**
 * A release cut off after its version tag (a lost connection, a killed job), or made before
 * releases had packages, lacks them until a run at its own commit builds them (completeRelease).
 * Releasing past it would leave that version without packages for good, so it is finished first.
 */
function assertPackagesPublished(name: string, previous: IndexEntry, index: Ocidex): void {
  const version = parseVersion(previous.tag);
  const missing = [serverPackageTag(version), clientPackageTag(version)].filter((tag) => !index.get(tag));
  if (missing.length === 0) return;
  const commit = previous.revision ?? previous.closureCommit ?? 'the commit it was released from';
  throw new UserError(
    `${name} ${previous.tag} has no ${missing.join(' and ')} (its release was cut off, or predates packages): finish it at its commit first (git checkout ${commit} && nx run ${name}:release), then release again`,
  );
}

/**
 * An unchanged re-run finishes what a release cut off after its version tag left undone: its
 * packages and `client-v<MAJOR>`, `latest`, npm with `publish`, the git tag. The closure is
 * unchanged, so what is built now is what that release would have published. Returns the tags it
 * added and the npm packages.
 */
async function completeRelease(
  input: ReleaseInput,
  facts: ResourceFacts,
  requirements: ReleaseRequirements | null,
  repo: Repository,
  index: Ocidex,
  release: IndexEntry,
  onMain: boolean,
): Promise<{ tags: string[]; npm: NpmPublished[] }> {
  const version = parseVersion(release.tag);
  const done: string[] = [];
  const bytes = async () => (await repo.fetchManifest(release.tag))!.bytes;
  const { buildReleasePackages, packagesIncomplete, publishPackages } = await releasePackages();
  if (packagesIncomplete(version, index)) {
    done.push(...(await publishPackages(repo, index, await buildReleasePackages({ ...input, facts, version, releaseManifest: await bytes(), bundled: requirements?.bundled }))));
  }
  if (onMain && input.latest !== false) done.push(...(await moveLatest(repo, index, release, await bytes())));
  const npm = await publishReleaseToNpm(input, repo, version, onMain, index);
  if (input.gitTag && release.revision) {
    const gitTag = gitReleaseTag(input.resource.name, version);
    if (await tagInGit(input, gitTag, release.revision, release.tag)) done.push(`git tag ${gitTag}`);
  }
  return { tags: done, npm };
}

/** With `publish` or `npmRegistry`: the release's packages on npm, `latest` there when it is the newest stable on the main line. */
async function publishReleaseToNpm(input: ReleaseInput, repo: Repository, version: Version, mainLine: boolean, index: Ocidex): Promise<NpmPublished[]> {
  if (!input.publish && !input.npmRegistry) return [];
  const newestStable = mainLine && input.latest !== false && isStable(version) && isHighestStable(version, index.list());
  const { npmDistTag, publishToNpm } = await npmPublish();
  return publishToNpm(repo, input.resource.name, version, npmDistTag(version, newestStable), input);
}

/** `--initialVersion` starts the stable line: a prerelease would be no base for the next version. */
function assertInitialVersion(text: string): void {
  if (!isStable(parseVersion(text))) throw new UserError(`invalid initialVersion "${text}": the first release is a stable version X.Y.Z; for a prerelease line pass --preid`);
}

/** `latest` means the highest stable version, not the last pushed; it moves only to one. */
async function moveLatest(repo: Repository, index: Ocidex, release: IndexEntry, bytes: Buffer): Promise<string[]> {
  if (index.get(LATEST_TAG)?.digest === release.digest || !isHighestStable(parseVersion(release.tag), index.list())) return [];
  await moveTag(repo, index, LATEST_TAG, bytes);
  return [LATEST_TAG];
}

/**
 * The next version may already be taken by other content: released from a clone whose history
 * diverged from this one (SPEC §7.4). Re-running cannot help until that commit is merged: then
 * it is the previous release, and the next version follows it.
 */
function assertVersionFree(name: string, tag: string, holder: IndexEntry | undefined, current: ContentState): void {
  if (!holder || sameContent(holder, current)) return;
  const commit = holder.revision ?? 'unknown (its manifest records no revision)';
  throw new UserError(
    `${tag} of ${name} is already released from commit ${commit}, which is not in this branch's history (another clone released it first): ` +
      `merge that commit (git fetch, then git merge ${holder.revision ?? '<that commit>'}) and re-run release to get the version after ${tag}`,
  );
}

/** Of processes sharing this repository, one at a time may publish a given version. */
async function claimVersion(workspaceRoot: string, ref: string, head: string, name: string, tag: string): Promise<void> {
  const holder = await createRefIfAbsent(workspaceRoot, ref, head);
  // The same commit releasing twice writes identical bytes: a resumed or duplicate run may go on.
  if (holder === null || holder === head) return;
  throw new UserError(
    `${tag} of ${name} is being released by another process (claim ${ref} held by ${holder.slice(0, 12)}): re-run release when it is done, or \`git update-ref -d ${ref}\` if none is running`,
  );
}

/** Creates (and with --push pushes) the git tag; returns whether it was new here. */
async function tagInGit(input: ReleaseInput, gitTag: string, commit: string, tag: string): Promise<boolean> {
  const created = await createAnnotatedTag(input.workspaceRoot, gitTag, commit, `${input.resource.name} ${tag}`);
  try {
    if (input.push) await pushTag(input.workspaceRoot, pushRemote(input.push), gitTag);
  } catch (err) {
    // A refused claim leaves no local tag behind to be mistaken for a release.
    if (created) await deleteRef(input.workspaceRoot, `refs/tags/${gitTag}`);
    throw err;
  }
  return created;
}

function isHighestStable(version: Version, entries: IndexEntry[]): boolean {
  return entries
    .filter((entry) => entry.kind === 'release')
    .every((entry) => compareVersions(parseVersion(entry.tag), version) <= 0);
}

function pushRemote(push: true | string): string {
  return push === true ? 'origin' : push;
}
