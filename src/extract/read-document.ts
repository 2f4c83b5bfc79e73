import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import type { Limits } from '../core/limits.js';
import type { Reason } from '../core/reasons.js';

export type DocumentKind = 'text' | 'markdown' | 'html';

/** A document as read from disk: decoded UTF-8 with the BOM removed, original line endings kept. */
export interface DocumentText {
  path: string;
  kind: DocumentKind;
  text: string;
  hadBom: boolean;
}

export type DocumentReadResult =
  | { ok: true; document: DocumentText }
  | { ok: false; path: string; reason: Reason<'io-error' | 'binary' | 'not-utf8' | 'input-too-large'> };

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown', '.mdown', '.mkd', '.mdx']);
const HTML_EXTENSIONS = new Set(['.html', '.htm', '.xhtml']);

export function kindOf(path: string, text: string): DocumentKind {
  const extension = extname(path).toLowerCase();
  if (MARKDOWN_EXTENSIONS.has(extension)) return 'markdown';
  if (HTML_EXTENSIONS.has(extension)) return 'html';
  if (/^\s*<(!doctype html|html)[\s>]/i.test(text.slice(0, 512))) return 'html';
  return 'text';
}

/** Decodes bytes as a document; pure, so tests and stdin share it. */
export function decodeDocument(path: string, bytes: Uint8Array): DocumentReadResult {
  if (bytes.subarray(0, 8192).includes(0)) {
    return { ok: false, path, reason: { code: 'binary', message: 'the file holds NUL bytes: it is binary, not a document' } };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ok: false, path, reason: { code: 'not-utf8', message: 'the file is not valid UTF-8 (cleartext signatures are over UTF-8 text)' } };
  }
  const hadBom = text.startsWith('\uFEFF');
  if (hadBom) text = text.slice(1);
  return { ok: true, document: { path, kind: kindOf(path, text), text, hadBom } };
}

/**
 * One open, one fstat, one read: the size limit is checked on the open file, before reading.
 * Synchronous on purpose: a local read is far cheaper than a thread-pool round trip, and
 * batches of 100,000 small files are bound by exactly that overhead.
 */
export async function readDocument(path: string, limits: Limits): Promise<DocumentReadResult> {
  let descriptor: number | null = null;
  try {
    descriptor = openSync(path, 'r');
    const info = fstatSync(descriptor);
    if (!info.isFile()) {
      return { ok: false, path, reason: { code: 'io-error', message: 'not a regular file' } };
    }
    if (info.size > limits.maxDocumentBytes) {
      return {
        ok: false,
        path,
        reason: {
          code: 'input-too-large',
          message: `the file is ${info.size} bytes, over the limit of ${limits.maxDocumentBytes} (raise it with --max-document-bytes)`,
        },
      };
    }
    const bytes = Buffer.alloc(info.size);
    const bytesRead = readSync(descriptor, bytes, 0, info.size, 0);
    return decodeDocument(path, bytes.subarray(0, bytesRead));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'not a regular file' : String((error as Error).message);
    return { ok: false, path, reason: { code: 'io-error', message } };
  } finally {
    if (descriptor !== null) closeSync(descriptor);
  }
}
