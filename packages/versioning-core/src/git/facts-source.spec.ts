import { GitWorkspace } from '../test-support/git-workspace';
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
});
