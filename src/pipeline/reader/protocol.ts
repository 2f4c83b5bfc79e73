import type { Limits } from '../../core/limits.js';
import type { PledgeError } from '../../core/reasons.js';
import type { CollectOptions } from '../../extract/collect-paths.js';
import type { ExtractedDocument } from '../../extract/extract-document.js';

/*
 * What the main thread (reader.ts) and the reading thread (worker.ts) say to each other: the
 * one module both import, so neither end imports the other.
 */

/** What the reading thread is started with. */
export interface ReaderSetup {
  paths: string[];
  collect: CollectOptions;
  limits: Limits;
  /** Documents, and KiB of block text, it may read ahead of those the main thread has taken. */
  window: number;
  windowKiB: number;
  /** Two Int32 counted by both threads: documents and KiB read but not yet taken (IN_FLIGHT). */
  inFlight: SharedArrayBuffer;
  /** Documents per message. */
  batch: number;
}

export interface ReadItem {
  path: string;
  /** A directory walk found it (a detached signature met in a walk is its document's, issue 14). */
  walked: boolean;
  document: ExtractedDocument;
}

export type ReaderMessage = { kind: 'documents'; documents: ReadItem[] } | { kind: 'done' } | { kind: 'error'; code: PledgeError['code'] | null; message: string };

/** Where the two threads count what is in flight (Atomics, no messages): documents, then KiB. */
export const IN_FLIGHT = { documents: 0, kib: 1 } as const;

/** What a handed-over document weighs, in KiB: its blocks' text, and a little for the rest. */
export function weightOf(item: ReadItem): number {
  let chars = 0;
  if (item.document.ok) for (const block of item.document.blocks) chars += block.armored.length;
  return 1 + Math.ceil(chars / 1024);
}
