import { close, closeSync, fstat, fstatSync, open, openSync, read, readSync, type Stats } from 'node:fs';
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

const ioError = (path: string, error: unknown): DocumentReadResult => {
  const code = (error as NodeJS.ErrnoException).code;
  const message = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'not a regular file' : String((error as Error).message);
  return { ok: false, path, reason: { code: 'io-error', message } };
};

/** Why an open file is not read at all, judged on its fstat before reading: null when it may be. */
function refusal(path: string, info: Stats, limits: Limits): DocumentReadResult | null {
  if (!info.isFile()) return { ok: false, path, reason: { code: 'io-error', message: 'not a regular file' } };
  if (info.size <= limits.maxDocumentBytes) return null;
  return {
    ok: false,
    path,
    reason: {
      code: 'input-too-large',
      message: `the file is ${info.size} bytes, over the limit of ${limits.maxDocumentBytes} (raise it with --max-document-bytes)`,
    },
  };
}

/** A callback of node:fs as a promise: one thread-pool round trip, without FileHandle's extra machinery. */
const call = <T>(start: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));

/**
 * One open, one fstat, one read, one close: the size limit is checked on the open file, before
 * reading. Each runs on libuv's thread pool, so in a batch the system calls overlap the parsing
 * of other documents on this thread.
 */
export async function readDocument(path: string, limits: Limits): Promise<DocumentReadResult> {
  let descriptor: number;
  try {
    descriptor = await call<number>((done) => open(path, 'r', done));
  } catch (error) {
    return ioError(path, error);
  }
  try {
    const info = await call<Stats>((done) => fstat(descriptor, done));
    const refused = refusal(path, info, limits);
    if (refused) return refused;
    const bytes = Buffer.allocUnsafe(info.size);
    const bytesRead = info.size === 0 ? 0 : await call<number>((done) => read(descriptor, bytes, 0, info.size, 0, done));
    return decodeDocument(path, bytes.subarray(0, bytesRead));
  } catch (error) {
    return ioError(path, error);
  } finally {
    close(descriptor, () => undefined); // nothing waits on it; a failed close loses nothing read
  }
}

/** The same, blocking: for a thread that does nothing but read (pipeline/read-worker.ts). */
export function readDocumentSync(path: string, limits: Limits): DocumentReadResult {
  let descriptor: number | null = null;
  try {
    descriptor = openSync(path, 'r');
    const info = fstatSync(descriptor);
    const refused = refusal(path, info, limits);
    if (refused) return refused;
    const bytes = Buffer.allocUnsafe(info.size);
    const bytesRead = info.size === 0 ? 0 : readSync(descriptor, bytes, 0, info.size, 0);
    return decodeDocument(path, bytes.subarray(0, bytesRead));
  } catch (error) {
    return ioError(path, error);
  } finally {
    if (descriptor !== null) closeSync(descriptor);
  }
}
