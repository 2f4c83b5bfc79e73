/**
 * Maps items with at most `concurrency` calls in flight and yields the results in input order,
 * so output stays deterministic while slow documents (a key fetch) do not hold up the rest.
 * Memory holds at most `concurrency` results waiting for an earlier one.
 */
export async function* mapOrdered<T, R>(items: Iterable<T> | AsyncIterable<T>, concurrency: number, map: (item: T) => Promise<R>): AsyncGenerator<R> {
  const iterator: AsyncIterator<T> | Iterator<T> = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const pending: Promise<R>[] = [];
  let exhausted = false;
  const fill = async () => {
    while (!exhausted && pending.length < concurrency) {
      const next = await iterator.next();
      if (next.done) {
        exhausted = true;
        return;
      }
      const promise = map(next.value);
      promise.catch(() => undefined); // surfaced when its turn comes; never an unhandled rejection
      pending.push(promise);
    }
  };
  await fill();
  while (pending.length) {
    const result = await pending.shift()!;
    await fill();
    yield result;
  }
}
