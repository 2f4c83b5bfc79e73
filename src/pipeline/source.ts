import { join } from 'node:path';
import type { Limits } from '../core/limits.js';
import { collectPaths, type CollectedPath, type CollectOptions } from '../extract/collect-paths.js';
import type { ExtractedDocument } from '../extract/extract-document.js';
import type { FetchedDocument, FetchRecord } from '../extract/fetch-document.js';
import type { DocumentOrigin } from './plan.js';
import { startDocumentReader, type DocumentReader } from './reader/reader.js';

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
  if (origin.kind === 'files') return { items: origin.files.map((file) => ({ path: join(origin.root, file), shown: file })), close: async () => undefined };
  const source = walkSource(origin.paths, origin.collect, limits, readerAfter);
  const given = origin.given ?? new Map<string, ExtractedDocument>();
  return origin.pages.size || given.size ? { ...source, items: withGiven(source.items, origin.pages, given) } : source;
}

/**
 * The walk on the main thread; once it has found `readerAfter` documents, the reading thread
 * starts and takes the rest of the same walk (it passes over those already found). A short
 * run never starts it.
 */
function walkSource(paths: string[], collect: CollectOptions, limits: Limits, readerAfter: number | null): DocumentSource {
  const walk = collectPaths(paths, collect);
  const head: CollectedPath[] = [];
  let reader: DocumentReader | null = null;
  let closed = false;
  const primed = (async () => {
    if (readerAfter === null) return;
    while (head.length < readerAfter) {
      const next = await walk.next();
      if (next.done) return;
      head.push(next.value);
    }
    if (closed) return;
    reader = startDocumentReader(paths, collect, limits, head.length);
    if (reader) await walk.return(undefined);
  })();
  // The walk's own failure (a directory that cannot be read) is raised in its turn, after the documents before it.
  let failure: { error: unknown } | null = null;
  const ready = primed.catch((error: unknown) => void (failure = { error }));
  let position = 0;
  let rest: AsyncIterator<SourceItem> | null = null;
  // A plain iterator rather than an async generator: each ready document costs no extra await.
  const next = async (): Promise<IteratorResult<SourceItem>> => {
    if (!rest) {
      await ready;
      if (position < head.length) return { done: false, value: head[position++]! };
      if (failure) throw failure.error;
      rest = reader ? reader.documents[Symbol.asyncIterator]() : walk;
    }
    return rest.next();
  };
  return {
    items: { [Symbol.asyncIterator]: () => ({ next }) },
    async close() {
      closed = true;
      await ready;
      await (reader as DocumentReader | null)?.close();
    },
  };
}

/** https:// paths and documents given as bytes (stdin's `-`) meet the walk as names: each is handed over as what was fetched or read for it. */
async function* withGiven(items: DocumentSource['items'], pages: Map<string, FetchedDocument>, given: Map<string, ExtractedDocument>): AsyncGenerator<SourceItem> {
  for await (const item of items) {
    const page = pages.get(item.path);
    const document = given.get(item.path);
    yield page ? { path: item.path, document: page.document, fetch: page.record, inMemory: true } : document ? { path: item.path, document, inMemory: true } : item;
  }
}
