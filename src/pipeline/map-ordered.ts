/**
 * Maps items with at most `concurrency` calls running and yields the results in input order,
 * so output stays deterministic while a slow document (a key fetch) does not hold up the rest:
 * a finished call frees its slot at once, even when an earlier one is still running. At most
 * `buffered` results wait for an earlier one, which bounds memory.
 */
export async function* mapOrdered<T, R>(items: Iterable<T> | AsyncIterable<T>, concurrency: number, map: (item: T) => Promise<R>, buffered = concurrency * 4): AsyncGenerator<R> {
  const iterator: AsyncIterator<T> | Iterator<T> = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const pending: Promise<R>[] = [];
  let running = 0;
  let exhausted = false;
  /** The items' own failure (a walk that could not read a directory): raised in its turn, after the results before it. */
  let failure = null as { error: unknown } | null;
  let filling: Promise<void> | null = null;
  const fill = (): Promise<void> =>
    (filling ??= (async () => {
      while (!exhausted && running < concurrency && pending.length < buffered) {
        let next: IteratorResult<T>;
        try {
          next = await iterator.next();
        } catch (error) {
          failure = { error };
          exhausted = true;
          break;
        }
        if (next.done) {
          exhausted = true;
          break;
        }
        running++;
        const promise = map(next.value).finally(() => {
          running--;
          void fill();
        });
        promise.catch(() => undefined); // surfaced when its turn comes; never an unhandled rejection
        pending.push(promise);
      }
    })().finally(() => {
      filling = null;
      // A slot freed while this pass was finishing is taken now.
      if (!exhausted && running < concurrency && pending.length < buffered) void fill();
    }));
  await fill();
  while (pending.length) {
    const result = await pending.shift()!;
    await fill();
    yield result;
  }
  if (failure) throw failure.error;
}
