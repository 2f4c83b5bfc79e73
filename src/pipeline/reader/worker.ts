import { parentPort, workerData } from 'node:worker_threads';
import { PledgeError } from '../../core/reasons.js';
import { collectPathsSync } from '../../extract/collect-paths.js';
import { extractDocument, type ExtractedDocument } from '../../extract/extract-document.js';
import { readDocumentSync } from '../../extract/read-document.js';
import { IN_FLIGHT, weightOf, type ReaderMessage, type ReaderSetup, type ReadItem } from './protocol.js';

/*
 * The first steps of a batch, on a thread of their own: the walk, the reads and the extraction
 * of blocks (document → blocks), so that the main thread only parses, looks keys up and
 * verifies. Blocking reads here cost it nothing, and they start while it still loads the keys.
 */
const setup = workerData as ReaderSetup;
const port = parentPort!;
const inFlight = new Int32Array(setup.inFlight);

/** One document read and cut into blocks; a bug met on it is reported on it, as the main thread would (runner.ts `guarded`). */
function extracted(path: string, walked: boolean): ExtractedDocument {
  try {
    return extractDocument(readDocumentSync(path, setup.limits, walked), setup.limits);
  } catch (error) {
    return { ok: false, reason: { code: 'internal-error', message: `pledge failed on this document (a bug): ${(error as Error)?.message ?? error}` } };
  }
}

function readAll(): void {
  let batch: ReadItem[] = [];
  const flush = () => {
    if (batch.length) port.postMessage({ kind: 'documents', documents: batch } satisfies ReaderMessage);
    batch = [];
  };
  for (const { path, walked } of collectPathsSync(setup.paths, setup.collect)) {
    for (;;) {
      const documents = Atomics.load(inFlight, IN_FLIGHT.documents);
      if (documents <= 0 || (documents < setup.window && Atomics.load(inFlight, IN_FLIGHT.kib) < setup.windowKiB)) break;
      flush();
      // Blocking is all this thread has left to do until the main thread takes more.
      Atomics.wait(inFlight, IN_FLIGHT.documents, documents);
    }
    const item: ReadItem = { path, walked, document: extracted(path, walked) };
    Atomics.add(inFlight, IN_FLIGHT.kib, weightOf(item));
    Atomics.add(inFlight, IN_FLIGHT.documents, 1);
    batch.push(item);
    if (batch.length >= setup.batch) flush();
  }
  flush();
  port.postMessage({ kind: 'done' } satisfies ReaderMessage);
}

try {
  readAll();
} catch (error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  port.postMessage({ kind: 'error', code: error instanceof PledgeError ? error.code : null, message } satisfies ReaderMessage);
}
