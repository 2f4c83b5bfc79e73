import type { Limits } from '../../core/limits.js';
import { PledgeError } from '../../core/reasons.js';
import type { CollectOptions } from '../../extract/collect-paths.js';
import { startThread } from '../threads.js';
import { IN_FLIGHT, weightOf, type ReaderMessage, type ReaderSetup, type ReadItem } from './protocol.js';

export type { ReadItem } from './protocol.js';

/**
 * Read-ahead: at most this many documents and this much block text waiting for the main thread
 * (a larger window only gave the collector more to copy; the bytes bound it for large documents),
 * handed over this many to a message.
 */
const WINDOW = 256;
const WINDOW_KIB = 16 * 1024;
const BATCH = 32;

export interface DocumentReader {
  /** The documents in walk order, each read (or refused) as readDocument would, and extracted. */
  documents: AsyncIterable<ReadItem>;
  /** Stops the thread; safe to call at any time, twice, or after the walk ended. */
  close(): Promise<void>;
  /** Read but not yet taken: documents and KiB (what bounds the memory it holds). */
  inFlight(): { documents: number; kib: number };
}

/**
 * Walks and reads the documents of a run on a worker thread (reader/worker.ts), handing them
 * over in walk order, at most WINDOW documents and WINDOW_KIB of text ahead of what has been
 * taken (always at least one). Starts at once, so the reads overlap the main thread's own work. Null
 * where the worker script is not built (run from the TypeScript sources): the caller reads in-thread.
 */
export function startDocumentReader(paths: string[], collect: CollectOptions, limits: Limits): DocumentReader | null {
  const inFlight = new Int32Array(new SharedArrayBuffer(8));
  const setup: ReaderSetup = { paths, collect, limits, window: WINDOW, windowKiB: WINDOW_KIB, batch: BATCH, inFlight: inFlight.buffer };
  // Its heap holds one batch, the document being read (a few 2 MB documents at worst) and the
  // listing of the directory being walked: 100,000 names in one directory take some 15 MB.
  const worker = startThread(new URL('./worker.js', import.meta.url), { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 128 } });
  if (!worker) return null;
  const batches: ReadItem[][] = [];
  let finished = false;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: ReaderMessage) => {
    if (message.kind === 'documents') batches.push(message.documents);
    else if (message.kind === 'done') finished = true;
    else failure = message.code ? new PledgeError(message.code, message.message) : new Error(message.message);
    notify();
  });
  worker.on('error', (error) => {
    failure ??= error;
    notify();
  });
  worker.on('exit', (code) => {
    if (!finished) failure ??= new Error(`the thread reading the documents stopped (exit code ${code})`);
    notify();
  });
  let closed = false;

  // A plain iterator rather than an async generator: a batch of 10,000 small documents pays
  // for every await, and a ready document needs none.
  let current: ReadItem[] = [];
  let position = 0;
  const next = async (): Promise<IteratorResult<ReadItem>> => {
    for (;;) {
      if (position < current.length) return { done: false, value: current[position++]! };
      if (current.length) {
        let kib = 0;
        for (const item of current) kib += weightOf(item);
        Atomics.sub(inFlight, IN_FLIGHT.kib, kib);
        Atomics.sub(inFlight, IN_FLIGHT.documents, current.length);
        Atomics.notify(inFlight, IN_FLIGHT.documents);
        current = [];
        position = 0;
      }
      const batch = batches.shift();
      if (batch) {
        current = batch;
        continue;
      }
      if (failure) throw failure;
      if (finished) return { done: true, value: undefined };
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };

  return {
    documents: { [Symbol.asyncIterator]: () => ({ next }) },
    inFlight: () => ({ documents: Atomics.load(inFlight, IN_FLIGHT.documents), kib: Atomics.load(inFlight, IN_FLIGHT.kib) }),
    async close() {
      if (closed) return;
      closed = true;
      finished = true; // an exit we asked for is no failure
      // Wake a thread waiting for room, so that nothing blocks its termination.
      Atomics.store(inFlight, IN_FLIGHT.documents, -(2 ** 30));
      Atomics.notify(inFlight, IN_FLIGHT.documents);
      await worker.terminate();
    },
  };
}
