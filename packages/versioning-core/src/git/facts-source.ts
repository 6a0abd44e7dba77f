import { gitFacts, type ClosureFacts, type ClosureSpec } from './facts';

/** Where a store or release gets the git facts of its closure. */
export interface ClosureFactsSource {
  factsOf(closure: ClosureSpec): Promise<ClosureFacts>;
}

/** One resource at a time: a gitFacts call per question (a single task, the `mdl` CLI). */
export function perCallGitFacts(workspaceRoot: string): ClosureFactsSource {
  return {
    factsOf: async (closure) => (await gitFacts(workspaceRoot, [closure])).get(closure.name)!,
  };
}

/**
 * Many resources known up front (an Nx batch): one gitFacts call answers all of them, made on
 * the first question so that a batch whose tasks all fail early runs no git at all. A closure
 * that was not announced, or differs from the announced one, gets a call of its own.
 */
export function batchedGitFacts(workspaceRoot: string, closures: ClosureSpec[]): ClosureFactsSource {
  const announced = new Map(closures.map((closure) => [closure.name, closure.paths.join('\0')]));
  let all: Promise<Map<string, ClosureFacts>> | undefined;
  const single = perCallGitFacts(workspaceRoot);
  return {
    factsOf: async (closure) => {
      if (announced.get(closure.name) !== closure.paths.join('\0')) return single.factsOf(closure);
      all ??= gitFacts(workspaceRoot, closures);
      return (await all).get(closure.name)!;
    },
  };
}
