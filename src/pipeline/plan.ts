import type { Limits } from '../core/limits.js';
import type { CollectOptions } from '../extract/collect-paths.js';
import type { ExtractedDocument } from '../extract/extract-document.js';
import type { FetchedDocument } from '../extract/fetch-document.js';
import type { LookupRecord } from '../discovery/discover-keys.js';
import type { SignatureJudge } from './describe-document.js';
import type { WorkerSetup } from './pool/protocol.js';

/**
 * What a run is, decided before it starts (runner.ts carries it out): where the documents come
 * from, how each is judged and how the work is spread over threads. Every command, format and
 * mode builds one; none sequences the steps itself.
 */
export interface RunPlan<S> {
  origin: DocumentOrigin;
  judging: () => Promise<Judging<S>>;
  execution: Execution;
  limits: Limits;
  /** --signed-only: a document with no signed block is passed over (verdict skipped). */
  signedOnly?: boolean;
  /** Stops the run between documents (Ctrl-C). */
  signal?: AbortSignal;
}

/** Paths named by the user, walked (pages given as https:// already fetched, documents given as bytes already read), or files a repository's globs chose. */
export type DocumentOrigin = { kind: 'paths'; paths: string[]; collect: CollectOptions; pages: Map<string, FetchedDocument>; given?: Map<string, ExtractedDocument>; signatureFiles?: string[] } | { kind: 'files'; root: string; files: string[] };

/** How each document's signatures are judged (plain, repository rules, claims only), and what asking for keys recorded. */
export interface Judging<S> {
  judge: SignatureJudge<S>;
  lookups(): LookupRecord[];
  close(): Promise<void>;
}

export interface Execution {
  /** Documents in flight at once. */
  concurrency: number;
  /** The reading thread reads a walk that reaches this many documents, from its first; null: never. */
  readerAfter: number | null;
  /** Worker threads verifying on local keys, once the run is known to reach `after` documents; null: none. */
  pool: { workers: number; after: number; setup: () => WorkerSetup } | null;
}

/** Documents in flight at once: enough to overlap file reads and key fetches, few enough to bound memory. */
export const DOCUMENT_CONCURRENCY = 100;

/** Runs of fewer documents stay on the main thread: below this, worker threads cost more than they give (measured). */
export const WORKERS_AFTER = 20_000;

/**
 * A walk that reaches this many documents (counted before the run starts, pipeline/source.ts)
 * is read by the reading thread: one or a few named files never pay for a thread's start-up
 * (loading its modules took longer than the single read it saved, issue 15); a run that fills
 * the documents in flight does.
 */
export const READER_AFTER = DOCUMENT_CONCURRENCY;

/** Everything on the main thread, one document at a time (a repository: lookups and findings in file order). */
export const MAIN_THREAD_IN_ORDER: Execution = { concurrency: 1, readerAfter: null, pool: null };

/** What a caller asks of the threads; `chooseExecution` decides from it and what is known up front. */
export interface ExecutionRequest {
  /** Worker threads verifying documents on local keys (default 1: no workers). */
  workers?: number;
  /** Documents the main thread verifies before workers start (default WORKERS_AFTER). */
  workersAfter?: number;
  /** The reading thread may walk and read (default false; needs the built script, so runs from sources leave it off). */
  readerThread?: boolean;
}

export function chooseExecution(request: ExecutionRequest, setup: () => WorkerSetup): Execution {
  const workers = (request.workers ?? 1) > 1 ? request.workers! : 0;
  return {
    concurrency: DOCUMENT_CONCURRENCY,
    // The pool reads its own documents: with workers, the reading thread would only compete.
    readerAfter: request.readerThread && workers === 0 ? READER_AFTER : null,
    pool: workers > 0 ? { workers, after: request.workersAfter ?? WORKERS_AFTER, setup } : null,
  };
}
