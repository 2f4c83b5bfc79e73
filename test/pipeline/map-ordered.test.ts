import { describe, expect, it } from 'vitest';
import { mapOrdered } from '../../src/pipeline/map-ordered.js';

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('mapOrdered', () => {
  it('yields results in input order while later items finish first, never more than `concurrency` at once', async () => {
    let running = 0;
    let most = 0;
    const results = await collect(
      mapOrdered([5, 1, 4, 0, 3, 2, 0, 1], 3, async (ms) => {
        most = Math.max(most, ++running);
        await delay(ms);
        running--;
        return ms * 10;
      }),
    );
    expect(results).toEqual([50, 10, 40, 0, 30, 20, 0, 10]);
    expect(most).toBe(3);
  });

  it('raises a failing source once, after the results that came before it (it used to retry the source forever)', async () => {
    let pulls = 0;
    async function* source(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      pulls++;
      throw new Error('the walk could not read a folder');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const result of mapOrdered(source(), 4, async (n) => n * 2)) seen.push(result);
      })(),
    ).rejects.toThrow('the walk could not read a folder');
    expect(seen).toEqual([2, 4]);
    expect(pulls).toBe(1);
  });

  it('raises a failing call in its turn', async () => {
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const result of mapOrdered([1, 2, 3], 2, async (n) => (n === 2 ? Promise.reject(new Error('two')) : n))) seen.push(result);
      })(),
    ).rejects.toThrow('two');
    expect(seen).toEqual([1]);
  });
});
