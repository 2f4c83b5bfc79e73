/**
 * Maps items with at most `concurrency` calls in flight and yields the results in input order,
 * so output stays deterministic while slow documents (a key fetch) do not hold up the rest.
 * Memory holds at most `concurrency` results waiting for an earlier one.
 */
export async function* mapOrdered<T, R>(items: Iterable<T>, concurrency: number, map: (item: T) => Promise<R>): AsyncGenerator<R> {
  const iterator = items[Symbol.iterator]();
  const pending: Promise<R>[] = [];
  const start = () => {
    const next = iterator.next();
    if (next.done) return false;
    const promise = map(next.value);
    promise.catch(() => undefined); // surfaced when its turn comes; never an unhandled rejection
    pending.push(promise);
    return true;
  };
  while (pending.length < concurrency && start());
  while (pending.length) {
    const result = await pending.shift()!;
    start();
    yield result;
  }
}
