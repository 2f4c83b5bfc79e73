import { hash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Limits } from '../core/limits.js';
import { PledgeError, type PairingErrorCode, type Reason } from '../core/reasons.js';
import { textWarnings } from '../core/text-warnings.js';
import { MAX_SIGNATURE_FILE_BYTES, readSignatureFile, signatureEncodingOf } from '../cleartext/detached-signature.js';
import { toPosixPath } from '../extract/collect-paths.js';
import type { ExtractedDocument } from '../extract/extract-document.js';
import { isDocumentUrl } from '../extract/fetch-document.js';
import { readFrontMatter } from '../extract/front-matter.js';
import { kindOf } from '../extract/read-document.js';
import { DirectoryNames } from '../extract/pair-signatures.js';
import type { ManifestBlock, ManifestDocument } from '../report/manifest.js';
import { describeDocument, type DocumentContext, type SignatureJudge } from './describe-document.js';

/*
 * Detached signatures (issue 14) beside the documents they sign. A signature file is shown as
 * blocks of its document (form 'detached'), so every step that reads blocks[].signatures (the
 * signer list, replay detection, thresholds, reporters) treats it as any other signature; its
 * own walk entry disappears into the document's. One that signs nothing is reported by itself.
 */

const sha256 = (data: Uint8Array) => hash('sha256', data, 'hex');

/** At most `limit` bytes of a file, and whether it holds more; null when it cannot be read or is no regular file. */
async function readAtMost(path: string, limit: number): Promise<{ bytes: Uint8Array; whole: boolean } | null> {
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    // Without blocking: a FIFO would otherwise hold the open until a writer came (read-document.ts does the same).
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const info = await handle.stat();
    if (!info.isFile()) return null;
    const length = Math.min(info.size, limit);
    const bytes = Buffer.allocUnsafe(length);
    const { bytesRead } = length ? await handle.read(bytes, 0, length, 0) : { bytesRead: 0 };
    return { bytes: bytes.subarray(0, bytesRead), whole: info.size <= limit };
  } catch {
    return null;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** The signed data as `gpgv SIG DOC` reads it: the file's octets, no BOM removed, no line ending changed. */
async function signedData(path: string, limits: Limits): Promise<{ ok: true; data: Uint8Array } | { ok: false; reason: Reason }> {
  const read = await readAtMost(path, limits.maxDocumentBytes);
  if (!read) return { ok: false, reason: { code: 'io-error', message: 'the signed file cannot be read' } };
  if (!read.whole) return { ok: false, reason: { code: 'input-too-large', message: `the signed file is over the limit of ${limits.maxDocumentBytes} bytes (raise it with --max-document-bytes)` } };
  return { ok: true, data: read.bytes };
}

/** The data as text for the text checks and statement rules, when it is UTF-8 text; '' for binary data (it has no text to show). */
function textOf(data: Uint8Array): string | null {
  if (data.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return null;
  }
}

/** One signature file's block: its signatures judged over `data`, each naming the file. */
async function signatureFileBlock<S>(file: string, shownFile: string, data: Uint8Array, text: string | null, limits: Limits, judge: SignatureJudge<S>, context: DocumentContext): Promise<ManifestBlock<S>> {
  const read = await readAtMost(file, MAX_SIGNATURE_FILE_BYTES);
  const parsed = read?.whole ? await readSignatureFile(read.bytes, limits) : null;
  const entry = (error: ManifestBlock<S>['error'], lines: number, signatures: S[], hashAlgorithm: string | null): ManifestBlock<S> => ({
    startLine: 1,
    endLine: lines,
    status: error ? 'malformed' : 'ok',
    error,
    rendering: [],
    signedText: null,
    signedTextSha256: null,
    hashAlgorithm,
    signatures,
    form: 'detached',
    signatureFile: shownFile,
  });
  if (!parsed) return entry({ code: 'malformed-packet', message: `${shownFile} can no longer be read as a signature file (changed or removed during the run)` }, 1, [], null);
  if (!parsed.ok) return entry(parsed.error, 1, [], null);
  // CRLF is a text signature's line ending, not a control character in what it says.
  const warnings = text === null ? [] : textWarnings(text.replaceAll('\r\n', '\n'));
  const signatures: S[] = [];
  // Each on its own, in turn: one good signature never vouches for another.
  for (const signature of parsed.signatures) {
    const judged = await judge(text ?? '', { ...signature, signedData: data }, warnings, context);
    signatures.push({ ...judged, signatureFile: shownFile });
  }
  return entry(null, parsed.lines, signatures, parsed.signatures[0]!.hashAlgorithm);
}

/**
 * The document with its detached signatures added: `files` are where to read them, `shownFiles`
 * how the manifest names them. A document a walk skipped as not text (a release archive) is
 * judged by its signatures all the same, within the document size limit.
 */
async function withSignatures<S>(document: ManifestDocument<S>, file: string, files: string[], shownFiles: string[], limits: Limits, judge: SignatureJudge<S>): Promise<ManifestDocument<S>> {
  const read = await signedData(file, limits);
  const listed = { detachedSignatures: shownFiles };
  if (!read.ok) return { ...document, status: 'unreadable', error: read.reason, ...listed };
  const text = textOf(read.data);
  // A Markdown post's front matter says where to look for its signers' keys, as for its cleartext blocks.
  const frontMatter = text !== null && kindOf(file, text) === 'markdown' ? readFrontMatter(text.replace(/^\uFEFF/, ''), limits) : null;
  const context: DocumentContext = { frontMatter: frontMatter?.ok ? frontMatter.data : null, issuers: new Set(), limits };
  const blocks = [...document.blocks];
  for (let index = 0; index < files.length; index++) blocks.push(await signatureFileBlock(files[index]!, shownFiles[index]!, read.data, text, limits, judge, context));
  const { verdict: _skipped, ...rest } = document;
  return { ...rest, status: 'signed', error: null, blocks, ...listed, signedDataSha256: sha256(read.data) };
}

/** A signature file that verifies nothing, reported by itself so it is never silently passed over. */
function unpaired<S>(path: string, code: PairingErrorCode, message: string): ManifestDocument<S> {
  return { path: toPosixPath(path), status: 'unreadable', error: { code, message }, blocks: [] };
}

/** How the manifest names a sibling of the file it shows as `shownPath`. */
const sibling = (shownPath: string, name: string) => join(dirname(shownPath), name);

/**
 * The pairing of one run: the directory listings and content checks it made, each made once
 * (a document and each of its signatures ask about the same few files).
 */
export class DetachedPairing {
  private readonly listings = new Map<string, Promise<DirectoryNames>>();
  private readonly recognised = new Map<string, Promise<boolean>>();

  /** One directory's names; hidden entries are not documents to a walk (extract/collect-paths.ts), nor partners here. */
  private namesIn(directory: string): Promise<DirectoryNames> {
    let names = this.listings.get(directory);
    if (!names) {
      names = readdir(directory, { withFileTypes: true })
        .then((entries) => new DirectoryNames(entries.filter((entry) => !entry.name.startsWith('.') && !entry.isDirectory()).map((entry) => entry.name)))
        .catch(() => new DirectoryNames([]));
      // A walk goes directory by directory: the last few listings are all it asks about.
      if (this.listings.size >= 16) this.listings.delete(this.listings.keys().next().value!);
      this.listings.set(directory, names);
    }
    return names;
  }

  /** Is the file a detached signature, by its content alone? */
  private isSignatureFile(path: string): Promise<boolean> {
    let answer = this.recognised.get(path);
    if (!answer) {
      answer = readAtMost(path, MAX_SIGNATURE_FILE_BYTES).then((read) => !!read?.whole && signatureEncodingOf(read.bytes) !== null);
      if (this.recognised.size >= 4096) this.recognised.delete(this.recognised.keys().next().value!);
      this.recognised.set(path, answer);
    }
    return answer;
  }

  /** What to do with a file that is itself a detached signature: null when its document's entry holds it. */
  private async describeSignatureFile<S>(file: string, shownPath: string, limits: Limits, judge: SignatureJudge<S>, walked: boolean): Promise<ManifestDocument<S> | null> {
    const names = await this.namesIn(dirname(file));
    const name = basename(file);
    const partner = names.partnerOf(name);
    if (partner === null) {
      return unpaired(shownPath, 'orphan-signature', `a detached signature with no document beside it: it would sign a file whose name its own extends at a dot (X for ${name} = X.sig, X.asc, X.sig.NAME or X.NAME)`);
    }
    if (await this.isSignatureFile(join(dirname(file), partner))) {
      return unpaired(shownPath, 'ambiguous-signature', `a detached signature whose name points to ${partner}, itself a signature file: does it sign ${partner}, or the document ${partner} signs? Rename it (X.sig.NAME beside X.sig is ambiguous)`);
    }
    // A walk meets the document too; named alone, as `gpg --verify X.sig` takes it, it is checked over its document.
    if (walked) return null;
    return this.describe(join(dirname(file), partner), sibling(shownPath, partner), limits, judge, undefined, false, [file]);
  }

  /**
   * describeDocument, with detached signatures: a document gains the signature files its name
   * pairs with (extract/pair-signatures.ts) or, given `signatureFiles` (`--signature FILE`),
   * those alone; a signature file paired with a document gives null (that document's entry holds
   * it). Recognition is by content: a file named like a signature that is not one is a document.
   */
  async describe<S>(
    file: string,
    shownPath: string,
    limits: Limits,
    judge: SignatureJudge<S>,
    extracted?: ExtractedDocument,
    walked = false,
    signatureFiles?: string[],
  ): Promise<ManifestDocument<S> | null> {
    const document = await describeDocument(file, shownPath, limits, judge, extracted, walked);
    if (signatureFiles) return signatureFiles.length ? withSignatures(document, file, signatureFiles, signatureFiles.map(toPosixPath), limits, judge) : document;
    // A file with a readable cleartext block is a document, whatever its name (a lone signature armor is read as an unsupported block).
    if (document.blocks.some((block) => block.status === 'ok')) return this.withPaired(document, file, shownPath, limits, judge);
    if (await this.isSignatureFile(file)) return this.describeSignatureFile(file, shownPath, limits, judge, walked);
    return this.withPaired(document, file, shownPath, limits, judge);
  }

  /** The document with the signature files its name pairs with, if any. */
  private async withPaired<S>(document: ManifestDocument<S>, file: string, shownPath: string, limits: Limits, judge: SignatureJudge<S>): Promise<ManifestDocument<S>> {
    const names = await this.namesIn(dirname(file));
    const candidates = names.signaturesOf(basename(file));
    if (candidates.length === 0) return document;
    const found: string[] = [];
    for (const name of candidates) if (await this.isSignatureFile(join(dirname(file), name))) found.push(name);
    if (found.length === 0) return document;
    return withSignatures(
      document,
      file,
      found.map((name) => join(dirname(file), name)),
      found.map((name) => toPosixPath(sibling(shownPath, name))),
      limits,
      judge,
    );
  }

  /**
   * The documents to verify for these paths: a path that is a detached signature paired by name
   * stands for its document (a pull request that changes only `X.sig` re-verifies `X`), each
   * document once, in order.
   */
  async documentsOf(paths: string[], root: string): Promise<string[]> {
    const documents = new Set<string>();
    for (const path of paths) {
      const file = join(root, path);
      const partner = (await this.isSignatureFile(file)) ? (await this.namesIn(dirname(file))).partnerOf(basename(file)) : null;
      // An orphan or an ambiguous signature file stands for itself, to be reported as such.
      const signsDocument = partner !== null && !(await this.isSignatureFile(join(dirname(file), partner)));
      documents.add(signsDocument ? toPosixPath(sibling(path, partner)) : path);
    }
    return [...documents];
  }
}

/**
 * The documents and detached signatures of a command line: `--signature FILE` (repeatable) for
 * the one document given, or `SIG DOC` where the first file is a detached signature by its
 * content, as `gpg --verify SIG DOC` takes them. Anything else is left as it was.
 */
export async function detachedArguments(paths: string[], signatures: string[]): Promise<{ paths: string[]; signatureFiles?: string[] }> {
  if (signatures.length) {
    if (paths.length !== 1) throw new PledgeError('usage', `--signature needs exactly one document, the one it signs (got ${paths.length})`);
    if (isDocumentUrl(paths[0]!)) throw new PledgeError('usage', '--signature needs a local document: a fetched page is read as a web page, not as the octets a signature signs');
    for (const file of signatures) {
      const read = await readAtMost(file, MAX_SIGNATURE_FILE_BYTES);
      if (!read) throw new PledgeError('usage', `--signature ${file}: no such file`);
      if (!read.whole || !signatureEncodingOf(read.bytes)) throw new PledgeError('usage', `--signature ${file}: not a detached signature (an armored BEGIN PGP SIGNATURE block, or binary signature packets)`);
    }
    return { paths, signatureFiles: signatures };
  }
  if (paths.length !== 2) return { paths };
  const [first, second] = paths as [string, string];
  if (isDocumentUrl(first) || isDocumentUrl(second)) return { paths };
  const read = await readAtMost(first, MAX_SIGNATURE_FILE_BYTES);
  const isDirectory = await stat(second).then((info) => info.isDirectory(), () => false);
  return read?.whole && signatureEncodingOf(read.bytes) && !isDirectory ? { paths: [second], signatureFiles: [first] } : { paths };
}
