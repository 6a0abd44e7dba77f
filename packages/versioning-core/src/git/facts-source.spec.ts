import { GitWorkspace } from '../test-support/git-workspace';
import { countingGit } from '../test-support/counting-git';
import { batchedGitFacts, perCallGitFacts } from './facts-source';

let ws: GitWorkspace;
beforeEach(() => {
  ws = new GitWorkspace();
  ws.write('ham/a.txt', 'ham').write('bacon/b.txt', 'bacon').write('libs/eggs/e.txt', 'eggs');
  ws.commit('initial');
});
afterEach(() => ws.remove());

const ham = { name: 'ham', paths: ['ham', 'libs/eggs'] };
const bacon = { name: 'bacon', paths: ['bacon'] };

describe('batchedGitFacts', () => {
  it('answers every announced closure from one snapshot, read on the first question', async () => {
    const source = batchedGitFacts(ws.root, [ham, bacon]);
    const first = await source.factsOf(ham);
    // A commit after the snapshot is not seen by the other closures of the batch: one git read.
    ws.write('bacon/b.txt', 'changed');
    const later = ws.commit('bacon changed');
    const second = await source.factsOf(bacon);
    expect(second.head).toBe(first.head);
    expect(second.head).not.toBe(later);
    expect((await perCallGitFacts(ws.root).factsOf(bacon)).closureCommit).toBe(later);
  });

  it('asks git again for a closure it was not told about, or told about differently', async () => {
    const source = batchedGitFacts(ws.root, [ham]);
    await source.factsOf(ham);
    ws.write('libs/eggs/e.txt', 'changed');
    const later = ws.commit('eggs changed');
    expect((await source.factsOf(bacon)).head).toBe(later);
    expect((await source.factsOf({ name: 'ham', paths: ['ham'] })).closureCommit).not.toBe(later);
    expect((await source.factsOf(ham)).closureCommit).not.toBe(later);
  });

  it('lists the files of every announced closure in one listing, and fails only the closure holding an LFS pointer', async () => {
    ws.write('.gitattributes', '*.bin filter=lfs\n');
    ws.write('bacon/model.bin', `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 5000\n`);
    ws.commit('bacon: a pointer where its model should be');
    const source = batchedGitFacts(ws.root, [ham, bacon]);
    const hamFiles = await source.filesOf(ham.paths);
    expect([...hamFiles.entries()].map(([root, files]) => [root, files.map((file) => file.path)])).toEqual([
      ['ham', ['ham/a.txt']],
      ['libs/eggs', ['libs/eggs/e.txt']],
    ]);
    // Listed once, on the first question: a file written since is not in the listing.
    ws.write('bacon/later.txt', 'later');
    await expect(source.filesOf(bacon.paths)).rejects.toThrow('Git LFS pointer instead of content in the closure: bacon/model.bin');
    await expect(perCallGitFacts(ws.root).filesOf(ham.paths)).resolves.toBeInstanceOf(Map);
  });

  it('groups by the roots asked for: a project nested in another keeps its files only when it is asked for too', async () => {
    ws.write('libs/eggs/nested/n.txt', 'nested').commit('nested project');
    const nested = { name: 'nested', paths: ['libs/eggs/nested'] };
    const source = batchedGitFacts(ws.root, [ham, nested]);
    expect((await source.filesOf(['libs/eggs'])).get('libs/eggs')!.map((file) => file.path)).toEqual(['libs/eggs/e.txt', 'libs/eggs/nested/n.txt']);
    const both = await source.filesOf(['libs/eggs', 'libs/eggs/nested']);
    expect(both.get('libs/eggs')!.map((file) => file.path)).toEqual(['libs/eggs/e.txt']);
    expect(both.get('libs/eggs/nested')!.map((file) => file.path)).toEqual(['libs/eggs/nested/n.txt']);
  });
});

describe('releaseTag', () => {
  const highestName = (tags: string[]) => [...tags].sort().at(-1);

  it('per call: the highest tag when HEAD has it, else the highest that HEAD has (a tag made on another branch)', async () => {
    ws.git('tag', 'mdl-ham-v1.0.0');
    ws.write('ham/a.txt', 'side').commit('ham on a side branch');
    ws.git('tag', 'mdl-ham-v1.1.0');
    ws.git('tag', 'mdl-hamster-v9.0.0');
    expect(await perCallGitFacts(ws.root).releaseTag('ham', highestName)).toBe('mdl-ham-v1.1.0');
    ws.git('checkout', '-q', '--detach', 'HEAD~1');
    expect(await perCallGitFacts(ws.root).releaseTag('ham', highestName)).toBe('mdl-ham-v1.0.0');
    expect(await batchedGitFacts(ws.root, [ham]).releaseTag('ham', highestName)).toBe('mdl-ham-v1.0.0');
    ws.git('tag', '-d', 'mdl-ham-v1.0.0');
    expect(await perCallGitFacts(ws.root).releaseTag('ham', highestName)).toBeUndefined();
  });

  it('per call: a release task asks git four times for its facts, branch and release tag (the tags come with the first rev-parse)', async () => {
    ws.git('tag', 'mdl-ham-v1.0.0');
    ws.write('bacon/b.txt', 'later').commit('bacon');
    const shim = countingGit();
    try {
      const source = perCallGitFacts(ws.root);
      await source.factsOf(ham);
      expect(await source.branch()).toBe('main');
      expect(await source.releaseTag('ham', highestName)).toBe('mdl-ham-v1.0.0');
      const calls = shim.calls();
      expect(calls).toHaveLength(4);
      for (const command of [/ rev-parse .*--tags=mdl-ham-v\*/, / log /, / status /, / merge-base --is-ancestor refs\/tags\/mdl-ham-v1\.0\.0 [0-9a-f]{40}$/]) {
        expect(calls.filter((call) => command.test(call))).toHaveLength(1);
      }
      // Asked about another resource, the source lists that one's tags itself.
      expect(await source.releaseTag('bacon', highestName)).toBeUndefined();
    } finally {
      shim.restore();
    }
  });
});
