import { useExecutorWorkspace } from '../../test-support/executor-workspace';
import { RunSharing } from './run-sharing';

const workspace = useExecutorWorkspace();

describe('facts shared by the tasks of a run in the task worker', () => {
  const run = { id: '4242', target: 'store', projects: ['ham', 'bacon'] };

  it('gives the first task of a run facts of its own, and every later task of that run one shared source', async () => {
    const runs = new RunSharing();
    const context = workspace().context();
    expect(runs.sharedFor(run, undefined, context)).toBeUndefined();
    const second = runs.sharedFor(run, undefined, { ...context, projectName: 'bacon' });
    expect(second).toBeDefined();
    expect(runs.sharedFor(run, undefined, context)).toBe(second);
    // The shared source answers for every closure of the run, as a batch's does.
    const [ham, bacon] = await Promise.all([second!.git.factsOf({ name: 'ham', paths: ['ham', 'libs/eggs'] }), second!.git.factsOf({ name: 'bacon', paths: ['bacon'] })]);
    expect(ham.head).toBe(workspace().git('rev-parse', 'HEAD'));
    expect(bacon.closureCommit).toBe(ham.head);
  });

  it('shares nothing across runs, targets, or tasks Nx gave no task graph', () => {
    const runs = new RunSharing();
    const context = workspace().context();
    runs.sharedFor(run, undefined, context);
    expect(runs.sharedFor({ ...run, id: '4343' }, undefined, context)).toBeUndefined();
    expect(runs.sharedFor({ ...run, target: 'release' }, undefined, context)).toBeUndefined();
    expect(runs.sharedFor(undefined, undefined, context)).toBeUndefined();
  });
});
