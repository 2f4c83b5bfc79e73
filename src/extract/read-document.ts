import { close, closeSync, constants, fstat, fstatSync, open, openSync, read, readSync, type Stats } from 'node:fs';
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
  /** `skipped`: a file a directory walk met that is not text (an image, a font, an archive): counted, never an error. */
  | { ok: false; path: string; reason: Reason<'io-error' | 'binary' | 'not-utf8' | 'input-too-large'>; skipped?: true };

/**
 * Names that are never text documents: a walk skips them without opening them (a Hugo
 * content/ folder holds its images beside its posts). A file named on the command line is read
 * whatever its name.
 */
const NOT_TEXT_EXTENSIONS = new Set(
  ('png jpg jpeg gif webp avif heic ico bmp tif tiff psd svgz ' + 'woff woff2 ttf otf eot ' + 'zip gz tgz bz2 xz 7z rar zst tar jar apk ' + 'pdf mp3 mp4 m4a m4v ogg oga ogv opus wav flac webm mov avi mkv ' + 'wasm exe dll so dylib class pyc o a')
    .split(' ')
    .map((extension) => `.${extension}`),
);

export function isNotTextByName(path: string): boolean {
  return NOT_TEXT_EXTENSIONS.has(extname(path).toLowerCase());
}

/** How binary formats begin, to name what a file is; most also hold NUL bytes or invalid UTF-8. */
const MAGIC_NUMBERS: [string, (number | string)[]][] = [
  ['a PNG image', [0x89, 'PNG\r\n']],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', ['GIF8']],
  ['a PDF document', ['%PDF-']],
  ['a ZIP archive', ['PK', 0x03, 0x04]],
  ['a gzip archive', [0x1f, 0x8b]],
  ['an xz archive', [0xfd, '7zXZ', 0x00]],
  ['a 7-Zip archive', ['7z', 0xbc, 0xaf, 0x27, 0x1c]],
  ['a Zstandard archive', [0x28, 0xb5, 0x2f, 0xfd]],
  ['a WOFF font', ['wOFF']],
  ['a WOFF2 font', ['wOF2']],
  ['a WebAssembly module', [0x00, 'asm']],
  ['an ELF executable', [0x7f, 'ELF']],
];

const MAGIC_BYTES = MAGIC_NUMBERS.map(([name, parts]) => [name, Buffer.concat(parts.map((part) => (typeof part === 'number' ? Buffer.from([part]) : Buffer.from(part, 'latin1'))))] as const);

/** What a file's first bytes say it is ("a PNG image"), or null for no known binary format. */
export function binaryFormatOf(bytes: Uint8Array): string | null {
  for (const [name, magic] of MAGIC_BYTES) if (bytes.length >= magic.length && magic.every((byte, index) => bytes[index] === byte)) return name;
  return null;
}

/** The first bytes every cleartext-signed block starts with: a file holding them is never skipped. */
const ARMOR_HEADER = Buffer.from('-----BEGIN PGP SIGNED MESSAGE-----', 'latin1');
/** ARMOR_HEADER with each octet as an encoding spells that ASCII character. */
const spelled = (ascii: (octet: number) => number[]) => Buffer.from([...ARMOR_HEADER].flatMap(ascii));

/**
 * Unicode text in another encoding than UTF-8, known by its byte order mark (Windows editors
 * save "Unicode" as UTF-16), each with the armor header as it spells it, to look for a block
 * in it. UTF-32 first: its little-endian mark begins with UTF-16's.
 */
const OTHER_UNICODE: { name: string; mark: number[]; armor: Buffer }[] = [
  { name: 'UTF-32 (little-endian)', mark: [0xff, 0xfe, 0x00, 0x00], armor: spelled((octet) => [octet, 0, 0, 0]) },
  { name: 'UTF-32 (big-endian)', mark: [0x00, 0x00, 0xfe, 0xff], armor: spelled((octet) => [0, 0, 0, octet]) },
  { name: 'UTF-16 (little-endian)', mark: [0xff, 0xfe], armor: spelled((octet) => [octet, 0]) },
  { name: 'UTF-16 (big-endian)', mark: [0xfe, 0xff], armor: spelled((octet) => [0, octet]) },
];

const otherUnicodeOf = (bytes: Uint8Array) => OTHER_UNICODE.find(({ mark }) => bytes.length >= mark.length && mark.every((octet, index) => bytes[index] === octet)) ?? null;

/**
 * A walk skips a file that is not text; but one that holds a signed block's armor is judged
 * whatever else it holds (a Latin-1 or UTF-16 statement fails as not-utf8, it is never silently
 * passed over).
 */
function skippedInWalk(result: DocumentReadResult, bytes: Uint8Array): DocumentReadResult {
  if (result.ok || (result.reason.code !== 'binary' && result.reason.code !== 'not-utf8')) return result;
  const armor = otherUnicodeOf(bytes)?.armor ?? ARMOR_HEADER;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(armor) ? result : { ...result, skipped: true };
}

/** Named and not read: what a walk reports for an image or archive. */
function skippedByName(path: string): DocumentReadResult {
  return { ok: false, path, reason: { code: 'binary', message: `not read: a ${extname(path).toLowerCase()} file is not a text document` }, skipped: true };
}

/** How much of an oversized file a walk reads to tell an image from a text too large to read. */
const SNIFF_BYTES = 8192;

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
  // Text, but not what a cleartext signature is over: said as such, not as binary for its NUL bytes.
  const unicode = otherUnicodeOf(bytes);
  if (unicode) return { ok: false, path, reason: { code: 'not-utf8', message: `the file is ${unicode.name} text, not UTF-8 (cleartext signatures are over UTF-8 text: save it as UTF-8)` } };
  const format = binaryFormatOf(bytes);
  if (format) return { ok: false, path, reason: { code: 'binary', message: `the file is ${format}, not a text document` } };
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) {
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
 * The bytes read as a document; `refused`, when only the first bytes of an oversized file were
 * read: it stays refused unless they show it is not text. A walk skips what is not text.
 */
function judged(path: string, bytes: Uint8Array, refused: DocumentReadResult | null, walked: boolean): DocumentReadResult {
  if (!walked) return decodeDocument(path, bytes);
  if (!refused) return skippedInWalk(decodeDocument(path, bytes), bytes);
  if (otherUnicodeOf(bytes)) return skippedInWalk(decodeDocument(path, bytes), bytes);
  // Only a prefix: its UTF-8 may be cut mid-character, so only a format or NUL bytes tell.
  const format = binaryFormatOf(bytes) ?? (bytes.includes(0) ? 'binary (it holds NUL bytes)' : null);
  if (!format) return refused;
  return skippedInWalk({ ok: false, path, reason: { code: 'binary', message: `the file is ${format}, not a text document` } }, bytes);
}

const ioError = (path: string, error: unknown): DocumentReadResult => {
  const code = (error as NodeJS.ErrnoException).code;
  const message = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'not a regular file' : String((error as Error).message);
  return { ok: false, path, reason: { code: 'io-error', message } };
};

/** Why an open file is not read at all, judged on its fstat before reading: null when it may be. */
function refusal(path: string, info: Stats, limits: Limits): DocumentReadResult | null {
  if (!info.isFile()) return { ok: false, path, reason: { code: 'io-error', message: 'not a regular file' } };
  return tooLarge(path, info.size, limits, 'file');
}

function tooLarge(path: string, size: number, limits: Limits, what: 'file' | 'document'): DocumentReadResult | null {
  if (size <= limits.maxDocumentBytes) return null;
  return {
    ok: false,
    path,
    reason: {
      code: 'input-too-large',
      message: `the ${what} is ${size} bytes, over the limit of ${limits.maxDocumentBytes} (raise it with --max-document-bytes)`,
    },
  };
}

/** Bytes handed over whole (stdin, a library caller's text): the size limit holds as for a file. */
export function decodeGivenDocument(path: string, bytes: Uint8Array, limits: Limits): DocumentReadResult {
  return tooLarge(path, bytes.length, limits, 'document') ?? decodeDocument(path, bytes);
}

/**
 * Opened without blocking: a FIFO named as a document would otherwise hold the open until some
 * writer came (fstat then refuses it as not a regular file). No effect on a regular file.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** A callback of node:fs as a promise: one thread-pool round trip, without FileHandle's extra machinery. */
const call = <T>(start: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void) => new Promise<T>((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));

/**
 * One open, one fstat, one read, one close: the size limit is checked on the open file, before
 * reading. Each runs on libuv's thread pool, so in a batch the system calls overlap the parsing
 * of other documents on this thread.
 */
export async function readDocument(path: string, limits: Limits, walked = false): Promise<DocumentReadResult> {
  if (walked && isNotTextByName(path)) return skippedByName(path);
  let descriptor: number;
  try {
    descriptor = await call<number>((done) => open(path, OPEN_FLAGS, done));
  } catch (error) {
    return ioError(path, error);
  }
  try {
    const info = await call<Stats>((done) => fstat(descriptor, done));
    const refused = refusal(path, info, limits);
    // Too large to read whole: a walk still reads its first bytes, so a video is skipped, not an error.
    const sniff = refused !== null && walked && info.isFile();
    if (refused && !sniff) return refused;
    const length = sniff ? Math.min(SNIFF_BYTES, info.size) : info.size;
    const bytes = Buffer.allocUnsafe(length);
    const bytesRead = length === 0 ? 0 : await call<number>((done) => read(descriptor, bytes, 0, length, 0, done));
    return judged(path, bytes.subarray(0, bytesRead), refused, walked);
  } catch (error) {
    return ioError(path, error);
  } finally {
    close(descriptor, () => undefined); // nothing waits on it; a failed close loses nothing read
  }
}

/** The same, blocking: for a thread that does nothing but read (pipeline/reader/worker.ts). */
export function readDocumentSync(path: string, limits: Limits, walked = false): DocumentReadResult {
  if (walked && isNotTextByName(path)) return skippedByName(path);
  let descriptor: number | null = null;
  try {
    descriptor = openSync(path, OPEN_FLAGS);
    const info = fstatSync(descriptor);
    const refused = refusal(path, info, limits);
    const sniff = refused !== null && walked && info.isFile();
    if (refused && !sniff) return refused;
    const length = sniff ? Math.min(SNIFF_BYTES, info.size) : info.size;
    const bytes = Buffer.allocUnsafe(length);
    const bytesRead = length === 0 ? 0 : readSync(descriptor, bytes, 0, length, 0);
    return judged(path, bytes.subarray(0, bytesRead), refused, walked);
  } catch (error) {
    return ioError(path, error);
  } finally {
    if (descriptor !== null) closeSync(descriptor);
  }
}
