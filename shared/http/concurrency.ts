/**
 * Runs `task` for every item, at most `limit` at a time, starting them in order; resolves when all are
 * done. A task that throws rejects the whole run (tasks are expected to report failures, not throw).
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
