/** Runs `task` over `items` with at most `limit` running at once; rejects with the first failure. */
export async function forEachConcurrently<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Work started now and awaited later, so that it overlaps other work: its failure is reported
 * where it is awaited, and is not an unhandled rejection if an earlier error ends the caller first.
 */
export function startEarly<T>(work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  return work;
}
