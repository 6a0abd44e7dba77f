import { filesUnder, groupByRoot, listClosureFiles, listWorkspaceFiles, type ClosureFile } from '../artifact/closure-files';
import { lfsTrackedPointerCandidates, refuseLfsPointers } from '../artifact/lfs-pointers';
import { ciBranch } from './ci-branch';
import { gitFacts, type ClosureFacts, type ClosureSpec } from './facts';
import { isTagInHistory, tagsMergedIntoHead } from './release-refs';
import { listTags, locateCheckout, originUrl, type WorkspaceCheckout } from './repo';

/** Where a store or release gets what git says: its closure's facts and files, the origin, the branch, release tags. */
export interface ClosureFactsSource {
  factsOf(closure: ClosureSpec): Promise<ClosureFacts>;
  /** The files of these project roots (see listClosureFiles), Git LFS pointers refused. */
  filesOf(roots: string[]): Promise<Map<string, ClosureFile[]>>;
  /** `remote.origin.url` without credentials; undefined when there is none. */
  originUrl(): Promise<string | undefined>;
  /** The checked-out branch's short name; on a detached HEAD the branch a CI job builds (ciBranch), else null. */
  branch(): Promise<string | null>;
  /** Of the resource's git release tags (`mdl-<resource>-v*`) merged into HEAD, the one `pick` picks; undefined when none. */
  releaseTag(resource: string, pick: (tags: string[]) => string | undefined): Promise<string | undefined>;
}

/** Every tag `gitReleaseTag` writes for `resource` starts so (SPEC §7.1); `mdl-*` are all resources' ones. */
const releaseTagPrefix = (resource: string) => `mdl-${resource}-v`;
const ALL_RELEASE_TAGS = 'mdl-*';

/**
 * One resource at a time: git calls of its own per question (a single task, the `mdl` CLI). The
 * first rev-parse also lists the release tags of the closure asked about (a task's resource), so
 * a release asks no `git tag --list` of its own.
 */
export function perCallGitFacts(workspaceRoot: string): ClosureFactsSource {
  let origin: Promise<string | undefined> | undefined;
  let checkout: Promise<WorkspaceCheckout> | undefined;
  let tagsListedFor: string | undefined;
  const located = (resource?: string) => {
    if (checkout) return checkout;
    tagsListedFor = resource;
    return (checkout = locateCheckout(workspaceRoot, resource === undefined ? undefined : `${releaseTagPrefix(resource)}*`));
  };
  return {
    factsOf: async (closure) => (await gitFacts(workspaceRoot, [closure], located(closure.name))).get(closure.name)!,
    filesOf: (roots) => listClosureFiles(workspaceRoot, roots),
    originUrl: () => (origin ??= originUrl(workspaceRoot)),
    branch: async () => (await located()).branch ?? ciBranch() ?? null,
    releaseTag: async (resource, pick) => {
      const pattern = `${releaseTagPrefix(resource)}*`;
      const { tags, head } = await located(resource);
      // The tag picked from all of them is nearly always in HEAD's history: one short ancestry
      // check (against the HEAD the closure facts were read at) then answers, and only when it is
      // not (released on another branch) is history walked.
      const candidate = pick(tagsListedFor === resource ? tags : await listTags(workspaceRoot, pattern));
      if (candidate === undefined || (head !== null && (await isTagInHistory(workspaceRoot, candidate, head)))) return candidate;
      return pick(await tagsMergedIntoHead(workspaceRoot, pattern));
    },
  };
}

/**
 * Many resources known up front (an Nx batch): one gitFacts call answers all of them, one
 * `git ls-files` and one `git check-attr` list the files of all of them, one `git tag --merged`
 * their release tags, each made on the first question so that a batch whose tasks all fail
 * early runs no git at all. A closure that was not announced, or differs from the announced
 * one, gets calls of its own. An LFS pointer fails only the closures that hold it.
 */
export function batchedGitFacts(workspaceRoot: string, closures: ClosureSpec[]): ClosureFactsSource {
  const announced = new Map(closures.map((closure) => [closure.name, closure.paths.join('\0')]));
  const announcedRoots = new Set(closures.flatMap((closure) => closure.paths));
  let all: Promise<Map<string, ClosureFacts>> | undefined;
  let listed: Promise<{ files: ClosureFile[]; lfsTracked: Set<string> }> | undefined;
  let releaseTags: Promise<string[]> | undefined;
  let checkout: Promise<WorkspaceCheckout> | undefined;
  const located = () => (checkout ??= locateCheckout(workspaceRoot));
  const single = perCallGitFacts(workspaceRoot);
  return {
    factsOf: async (closure) => {
      if (announced.get(closure.name) !== closure.paths.join('\0')) return single.factsOf(closure);
      all ??= gitFacts(workspaceRoot, closures, located());
      return (await all).get(closure.name)!;
    },
    filesOf: async (roots) => {
      if (!roots.every((root) => announcedRoots.has(root))) return single.filesOf(roots);
      listed ??= listWorkspaceFiles(workspaceRoot, [...announcedRoots]).then(async (files) => ({ files, lfsTracked: await lfsTrackedPointerCandidates(workspaceRoot, files) }));
      const { files, lfsTracked } = await listed;
      const byRoot = groupByRoot(filesUnder(files, roots), roots);
      refuseLfsPointers([...byRoot.values()].flat(), lfsTracked);
      return byRoot;
    },
    originUrl: single.originUrl,
    branch: async () => (await located()).branch ?? ciBranch() ?? null,
    releaseTag: async (resource, pick) => {
      releaseTags ??= tagsMergedIntoHead(workspaceRoot, ALL_RELEASE_TAGS);
      return pick((await releaseTags).filter((tag) => tag.startsWith(releaseTagPrefix(resource))));
    },
  };
}
