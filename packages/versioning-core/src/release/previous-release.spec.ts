import { batchedGitFacts, perCallGitFacts } from '../git';
import type { IndexEntry } from '../ocidex';
import { GitWorkspace } from '../test-support/git-workspace';
import { findPreviousRelease } from './previous-release';

function releaseEntry(tag: string, revision: string): IndexEntry {
  return { tag, digest: `sha256:${'0'.repeat(64)}`, kind: 'release', version: tag.slice(1), created: null, clientHash: null, closureCommit: revision, dirtyHash: null, revision, artifactType: null, configDigest: `sha256:${'1'.repeat(64)}`, size: 0, requires: null };
}

describe('findPreviousRelease', () => {
  let ws: GitWorkspace;
  beforeEach(() => {
    ws = new GitWorkspace();
  });
  afterEach(() => ws.remove());

  it('takes the release of the nearest ancestor of HEAD, not the highest version', async () => {
    const a = ws.write('a', '1').commit('a');
    ws.git('checkout', '-q', '-b', 'side');
    const b = ws.write('b', '1').commit('b on a side branch');
    ws.git('checkout', '-q', 'main');
    const c = ws.write('c', '1').commit('c');
    ws.write('d', '1').commit('d');
    const warnings: string[] = [];
    const previous = await findPreviousRelease({
      workspaceRoot: ws.root,
      resource: 'ham',
      git: perCallGitFacts(ws.root),
      entries: [releaseEntry('v1.0.0', a), releaseEntry('v2.0.0', b), releaseEntry('v1.0.1', c)],
      warn: (line) => warnings.push(line),
    });
    expect(previous).toMatchObject({ foundBy: 'registry history', entry: { tag: 'v1.0.1' } });
    expect(warnings).toEqual([]);
  });

  it.each([
    ['its own git call', () => perCallGitFacts(ws.root)],
    ['the batch-wide listing of every resource', () => batchedGitFacts(ws.root, [])],
  ])('prefers git tags merged into HEAD, from %s, and ignores prereleases and other resources among them', async (_, git) => {
    const a = ws.write('a', '1').commit('a');
    ws.git('tag', 'mdl-ham-v1.2.0');
    ws.git('tag', 'mdl-ham-v1.3.0-rc.1');
    ws.git('tag', 'mdl-hamster-v9.0.0');
    ws.git('tag', 'mdl-ham-v2-v9.0.0');
    ws.write('b', '1').commit('b');
    ws.git('checkout', '-q', '-b', 'side');
    ws.write('c', '1').commit('c on a side branch');
    ws.git('tag', 'mdl-ham-v1.4.0');
    ws.git('checkout', '-q', 'main');
    const previous = await findPreviousRelease({
      workspaceRoot: ws.root,
      resource: 'ham',
      git: git(),
      entries: [releaseEntry('v1.2.0', a), releaseEntry('v1.0.0', a)],
      warn: () => undefined,
    });
    expect(previous).toMatchObject({ foundBy: 'git tag', entry: { tag: 'v1.2.0' } });
  });

  it('is null without releases', async () => {
    ws.write('a', '1').commit('a');
    expect(await findPreviousRelease({ workspaceRoot: ws.root, resource: 'ham', git: perCallGitFacts(ws.root), entries: [], warn: () => undefined })).toBeNull();
  });
});
