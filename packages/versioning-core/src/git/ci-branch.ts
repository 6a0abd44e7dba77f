/**
 * The branch a CI job builds when its checkout is a detached HEAD (GitLab's always is, GitHub's
 * is for pull requests), from the CI's own variables: without it every CI release would be a
 * `-detached` preview and every pull request's branch tag the same. undefined outside CI, and
 * for a tag pipeline, which builds no branch.
 */
export function ciBranch(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const githubBranch = env.GITHUB_REF_TYPE === 'branch' ? env.GITHUB_REF_NAME : undefined;
  return [env.GITHUB_HEAD_REF, githubBranch, env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME, env.CI_COMMIT_BRANCH].find((name) => !!name);
}
