import { Worker } from 'node:worker_threads';
import type { ManifestDocument } from '../report/manifest.js';
import type { WorkerReply, WorkerSetup } from './verify-worker.js';

/**
 * Worker threads that each read, parse and verify whole documents on local keys, so a batch
 * uses every core. A document whose key is not local comes back unjudged (null) and the main
 * thread, which alone asks the network, verifies it: one discovery, one cache, one request per
 * key, whatever the number of workers.
 */
export class VerifyPool {
  private readonly waiting = new Map<number, { resolve: (document: ManifestDocument | null) => void; worker: number }>();
  private readonly load: number[];
  private nextID = 0;

  private constructor(private readonly workers: Worker[]) {
    this.load = workers.map(() => 0);
    workers.forEach((worker, index) => {
      worker.on('message', (reply: WorkerReply) => this.settle(index, reply));
      // A worker that dies hands its documents back: the main thread verifies them itself.
      worker.on('error', () => this.abandon(index));
      worker.on('exit', () => this.abandon(index));
    });
  }

  static start(count: number, setup: WorkerSetup): VerifyPool {
    const url = new URL('./verify-worker.js', import.meta.url);
    return new VerifyPool(Array.from({ length: count }, () => new Worker(url, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 48 } })));
  }

  /** The judged document, or null when the main thread must judge it. */
  run(path: string, walked = false): Promise<ManifestDocument | null> {
    const worker = this.load.indexOf(Math.min(...this.load));
    const id = this.nextID++;
    this.load[worker]!++;
    return new Promise((resolve) => {
      this.waiting.set(id, { resolve, worker });
      this.workers[worker]!.postMessage({ id, path, walked });
    });
  }

  private settle(worker: number, reply: WorkerReply): void {
    const entry = this.waiting.get(reply.id);
    if (!entry) return;
    this.waiting.delete(reply.id);
    this.load[worker]!--;
    entry.resolve('document' in reply ? (reply.document as ManifestDocument) : null);
  }

  private abandon(worker: number): void {
    this.load[worker] = Number.POSITIVE_INFINITY;
    for (const [id, entry] of this.waiting) {
      if (entry.worker !== worker) continue;
      this.waiting.delete(id);
      entry.resolve(null);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
