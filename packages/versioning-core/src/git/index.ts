export { gitFacts, type ClosureFacts, type ClosureSpec } from './facts';
export { currentBranch, headCommit, repoRoot } from './repo';
