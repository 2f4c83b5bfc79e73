/**
 * A point in time that work must end by. Lookups share one (the sources asked for one key);
 * file-system checks race one, so a call that never settles cannot hold a run.
 */
export class Deadline {
  private readonly at: number;

  constructor(readonly ms: number) {
    this.at = performance.now() + ms;
  }

  /** Milliseconds left, never below 0. */
  remaining(): number {
    return Math.max(0, this.at - performance.now());
  }

  /** Fires when the deadline passes (already aborted if it has). */
  signal(): AbortSignal {
    const left = this.remaining();
    return left > 0 ? AbortSignal.timeout(Math.ceil(left)) : AbortSignal.abort(new DOMException('deadline passed', 'TimeoutError'));
  }
}

/**
 * `work`'s outcome, unless `ms` pass first: then `late()` is thrown and the work is left to end
 * on its own. For calls that have no signal of their own (node:fs), so they cannot hang a run.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
