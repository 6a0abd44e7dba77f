export { gitFacts, type ClosureFacts, type ClosureSpec } from './facts';
export { batchedGitFacts, perCallGitFacts, type ClosureFactsSource } from './facts-source';
export { currentBranch } from './repo';
export {
  tagsMergedIntoHead,
  nearestAncestor,
  commitDate,
  createRefIfAbsent,
  deleteRef,
  createAnnotatedTag,
  tagStillToWrite,
  assertGitIdentity,
  assertRemote,
  pushTag,
  type NearestCommit,
} from './release-refs';
export { commitAuthor, gitUser, type Author } from './authors';
