import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

let started = 0;

/**
 * How many worker_threads this process has started (the reading thread and the pool's
 * workers): a debug counter, so a test can hold that a short run starts none (issue 15).
 */
export function threadsStarted(): number {
  return started;
}

/**
 * Starts a built thread script, or returns null where it is not built (run from the
 * TypeScript sources, as tests do): the caller then does the work on the main thread.
 */
export function startThread(script: URL, options: WorkerOptions): Worker | null {
  if (!existsSync(fileURLToPath(script))) return null;
  started++;
  return new Worker(script, options);
}
