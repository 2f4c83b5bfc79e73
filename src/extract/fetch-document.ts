/**
 * `pledge verify https://…`: the page fetched through pledge's one guarded HTTP client (the same
 * deadline, size cap, address guard and same-origin redirects as key discovery), then read as
 * its Content-Type says. What was fetched is recorded, so the verdict can be reproduced from a
 * saved copy of the body (its SHA-256).
 */
import { hash } from 'node:crypto';
import type { Limits } from '../core/limits.js';
import { PledgeError } from '../core/reasons.js';
import { extractDocument, type ExtractedDocument } from './extract-document.js';
import { decodeDocument, type DocumentKind, type DocumentReadResult } from './read-document.js';

/** What the manifest records of a fetched document (`document.fetch`). */
export interface FetchRecord {
  url: string;
  finalUrl: string;
  status: number | null;
  contentType: string | null;
  bodySha256: string | null;
  bytes: number | null;
  fetchedAt: string;
}

/**
 * The part of discovery/http-client.ts's HttpClient used here, by shape: extract sits before
 * discovery in the layers, so the pipeline hands the guarded client in (pipeline/fetch-pages.ts).
 */
export interface PageClient {
  get(url: string, options: { accept: string }): Promise<{ ok: true; url: string; status: number; headers: Record<string, string>; body: Uint8Array } | { ok: false; url: string; code: string; message: string; status?: number }>;
}

export interface FetchedDocument {
  record: FetchRecord;
  document: ExtractedDocument;
}

/** A command-line path that names a URL rather than a file. */
export function isDocumentUrl(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

/** Only https: a page read over plain http could have been changed on the way. */
export function checkDocumentUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PledgeError('usage', `${url}: not a valid URL`);
  }
  if (parsed.protocol !== 'https:') throw new PledgeError('usage', `${url}: only https:// pages are fetched`);
}

const KINDS: Record<string, DocumentKind> = {
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
};

/** The document kind its Content-Type names, or null when it is none pledge reads. */
export function kindOfContentType(contentType: string | null): DocumentKind | null {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return KINDS[mime] ?? null;
}

function unreadable(code: string, message: string): ExtractedDocument {
  return { ok: false, reason: { code, message } };
}

/** Fetches one page and reads it; network failures become an unreadable document, never a throw. */
export async function fetchDocument(url: string, http: PageClient, limits: Limits, now: () => Date = () => new Date()): Promise<FetchedDocument> {
  checkDocumentUrl(url);
  const fetchedAt = now().toISOString();
  const result = await http.get(url, { accept: 'text/html, text/markdown;q=0.9, text/plain;q=0.8' });
  const base = { url, finalUrl: result.url, fetchedAt };
  if (!result.ok) {
    const record: FetchRecord = { ...base, status: result.status ?? null, contentType: null, bodySha256: null, bytes: null };
    const document =
      result.code === 'response-too-large'
        ? unreadable('input-too-large', `the page is over the limit of ${limits.maxDocumentBytes} bytes (raise it with --max-document-bytes)`)
        : unreadable('fetch-failed', `could not fetch ${url}: ${result.message}`);
    return { record, document };
  }
  const contentType = result.headers['content-type'] ?? null;
  const record: FetchRecord = { ...base, status: result.status, contentType, bodySha256: hash('sha256', result.body, 'hex'), bytes: result.body.length };
  const kind = kindOfContentType(contentType);
  if (!kind) return { record, document: unreadable('unsupported-content-type', `the page is ${contentType ?? 'of no Content-Type'}: pledge reads text/html, text/markdown and text/plain`) };
  const read: DocumentReadResult = decodeDocument(url, result.body);
  return { record, document: extractDocument(read.ok ? { ok: true, document: { ...read.document, kind } } : read, limits) };
}
