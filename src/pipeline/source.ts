import { join } from 'node:path';
import type { Limits } from '../core/limits.js';
import { collectPaths, walkReaches, type CollectOptions } from '../extract/collect-paths.js';
import type { ExtractedDocument } from '../extract/extract-document.js';
import type { FetchedDocument, FetchRecord } from '../extract/fetch-document.js';
import type { DocumentOrigin } from './plan.js';
import { startDocumentReader } from './reader/reader.js';

/** One document to judge: where to read it, how the manifest names it (default: the same), and what was read already. */
export interface SourceItem {
  path: string;
  shown?: string;
  /** A directory walk found it (a file that is not text is then skipped). */
  walked?: boolean;
  /** Read and extracted already (by the reading thread, or fetched). */
  document?: ExtractedDocument;
  fetch?: FetchRecord;
  /** Fetched or given as bytes: no file on disk, so no detached signature beside it. */
  inMemory?: boolean;
}

export interface DocumentSource {
  items: Iterable<SourceItem> | AsyncIterable<SourceItem>;
  /** Stops any reading thread; safe at any time, twice, or after the items ended. */
  close(): Promise<void>;
}

/** The documents of a plan in order; the walk starts at once, so it overlaps loading the keys. */
export function openSource(origin: DocumentOrigin, limits: Limits, readerAfter: number | null): DocumentSource {
  if (origin.kind === 'files') return { items: origin.files.map((file) => ({ path: join(origin.root, file), shown: file })), close: () => Promise.resolve() };
  const source = walkSource(origin.paths, origin.collect, limits, readerAfter);
  const given = origin.given ?? new Map<string, ExtractedDocument>();
  return origin.pages.size || given.size ? { ...source, items: withGiven(source.items, origin.pages, given) } : source;
}

/** Does the walk reach `count` documents? One that fails says no: the run's own walk reports the failure in its turn. */
function reaches(paths: string[], collect: CollectOptions, count: number): boolean {
  try {
    return walkReaches(paths, collect, count);
  } catch {
    return false;
  }
}

/**
 * The documents of a walk: a walk that reaches `readerAfter` documents is read by the reading
 * thread from its first document, started now, before the keys are loaded (synchronous work on
 * this thread that an asynchronous walk would wait behind), so that its start and its first
 * reads overlap them. A shorter walk, or one run from the sources, stays on this thread.
 */
function walkSource(paths: string[], collect: CollectOptions, limits: Limits, readerAfter: number | null): DocumentSource {
  const reader = readerAfter !== null && reaches(paths, collect, readerAfter) ? startDocumentReader(paths, collect, limits) : null;
  if (reader) return { items: reader.documents, close: () => reader.close() };
  return { items: collectPaths(paths, collect), close: () => Promise.resolve() };
}

/** https:// paths and documents given as bytes (stdin's `-`) meet the walk as names: each is handed over as what was fetched or read for it. */
async function* withGiven(items: DocumentSource['items'], pages: Map<string, FetchedDocument>, given: Map<string, ExtractedDocument>): AsyncGenerator<SourceItem> {
  for await (const item of items) {
    const page = pages.get(item.path);
    const document = given.get(item.path);
    yield page ? { path: item.path, document: page.document, fetch: page.record, inMemory: true } : document ? { path: item.path, document, inMemory: true } : item;
  }
}
