import { ciBranch } from './ci-branch';

describe('ciBranch', () => {
  it.each([
    ['a GitHub pull request', { GITHUB_HEAD_REF: 'feat/x', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: '12/merge' }, 'feat/x'],
    ['a GitHub push to a branch', { GITHUB_HEAD_REF: '', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' }, 'main'],
    ['a GitHub tag push', { GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.0.0' }, undefined],
    ['a GitLab merge request', { CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feat/y', CI_COMMIT_BRANCH: '' }, 'feat/y'],
    ['a GitLab branch pipeline', { CI_COMMIT_BRANCH: 'main' }, 'main'],
    ['a GitLab tag pipeline', { CI_COMMIT_TAG: 'v1.0.0' }, undefined],
    ['no CI', {}, undefined],
  ])('%s: %j gives %j', (_what, env, branch) => {
    expect(ciBranch(env)).toBe(branch);
  });
});
