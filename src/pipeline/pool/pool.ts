import type { Worker } from 'node:worker_threads';
import type { ManifestDocument } from '../../report/manifest.js';
import { startThread } from '../threads.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './protocol.js';

interface Waiting {
  resolve: (document: ManifestDocument | null) => void;
  reject: (error: Error) => void;
  worker: number;
}

/**
 * Worker threads that each read, parse and verify whole documents on local keys, so a batch
 * uses every core. A document whose key is not local comes back unjudged (null) and the main
 * thread, which alone asks the network, verifies it: one discovery, one cache, one request per
 * key, whatever the number of workers. A failure in a worker (an error it replies, or its
 * death) rejects the documents it held, which the runner reports as internal errors on them;
 * once every worker is dead, each further document is rejected at once: the run never waits
 * on a thread that will not answer.
 */
export class VerifyPool {
  private readonly waiting = new Map<number, Waiting>();
  private readonly load: number[];
  private readonly alive: boolean[];
  private lastFailure = '';
  private nextID = 0;

  private constructor(private readonly workers: Worker[]) {
    this.load = workers.map(() => 0);
    this.alive = workers.map(() => true);
    workers.forEach((worker, index) => {
      worker.on('message', (reply: WorkerReply) => this.settle(index, reply));
      worker.on('error', (error) => this.abandon(index, error.message));
      worker.on('exit', (code) => this.abandon(index, `exit code ${code}`));
    });
  }

  /** `count` workers running `script` (the built pool/worker.js); null where it is not built. */
  static start(count: number, setup: WorkerSetup, script = new URL('./worker.js', import.meta.url)): VerifyPool | null {
    const workers: Worker[] = [];
    for (let n = 0; n < count; n++) {
      const worker = startThread(script, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 48 } });
      if (!worker) return null; // the script is missing: the first start already says so
      workers.push(worker);
    }
    return new VerifyPool(workers);
  }

  /** The judged document, or null when the main thread must judge it. Rejects on a worker's failure. */
  run(path: string, walked = false): Promise<ManifestDocument | null> {
    let worker = -1;
    for (let n = 0; n < this.workers.length; n++) if (this.alive[n] && (worker < 0 || this.load[n]! < this.load[worker]!)) worker = n;
    if (worker < 0) return Promise.reject(new Error(`every thread verifying documents has stopped (${this.lastFailure})`));
    const id = this.nextID++;
    this.load[worker]!++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, worker });
      this.workers[worker]!.postMessage({ id, path, walked } satisfies WorkerRequest);
    });
  }

  private settle(worker: number, reply: WorkerReply): void {
    const entry = this.waiting.get(reply.id);
    if (!entry) return;
    this.waiting.delete(reply.id);
    this.load[worker]!--;
    if ('error' in reply) entry.reject(new Error(reply.error));
    else entry.resolve('document' in reply ? (reply.document as ManifestDocument) : null);
  }

  private abandon(worker: number, why: string): void {
    if (!this.alive[worker]) return;
    this.alive[worker] = false;
    this.lastFailure = why;
    for (const [id, entry] of this.waiting) {
      if (entry.worker !== worker) continue;
      this.waiting.delete(id);
      entry.reject(new Error(`the thread verifying it stopped (${why})`));
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
