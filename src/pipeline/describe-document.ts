import { hash } from 'node:crypto';
import type { Limits } from '../core/limits.js';
import type { WarningCode } from '../core/reasons.js';
import { textWarnings } from '../core/text-warnings.js';
import { parseBlock, type ParsedSignature } from '../cleartext/parse-block.js';
import { parseInlineMessage } from '../cleartext/inline-message.js';
import { wireBytesOf } from '../cleartext/fast-parse.js';
import { signatureInternals } from '../openpgp/index.js';
import { toPosixPath } from '../extract/collect-paths.js';
import { extractDocument, type ExtractedDocument } from '../extract/extract-document.js';
import type { ArmoredBlock } from '../extract/find-blocks.js';
import { readDocument } from '../extract/read-document.js';
import type { ManifestBlock, ManifestDocument, SignatureClaims } from '../report/manifest.js';

// crypto.hash: one call, no Hash object (a batch hashes two things per signature).
const sha256 = (data: string | Uint8Array) => hash('sha256', data, 'hex');

/**
 * What identifies a signature across files (C-24): what the signer hashed (version, type,
 * algorithms, hashed subpackets; the salt of a v6 signature) and the left 16 bits of the digest
 * they signed. Not the unhashed subpackets, which anyone may add, move or drop; not the framing
 * or the armor; and not the signature value either: ECDSA's (r, s) verifies as (r, n − s) too,
 * so a copy could be dressed in a new value. A v3 signature (never verified) keeps its wire bytes.
 */
export function signatureIdentity(packet: ParsedSignature['packet']): string {
  const { signatureData, signedHashValue, salt } = signatureInternals(packet);
  if (!(signatureData instanceof Uint8Array) || !(signedHashValue instanceof Uint8Array)) return sha256(wireBytesOf(packet));
  const saltPart = salt instanceof Uint8Array ? [Uint8Array.of(salt.length), salt] : [];
  return sha256(Buffer.concat([signatureData, ...saltPart, signedHashValue]));
}

/** What a signature packet says of itself: nothing checked. */
export function claimsOf(signature: ParsedSignature): SignatureClaims {
  return {
    issuerKeyID: signature.issuerKeyID,
    issuerFingerprint: signature.issuerFingerprint,
    created: signature.created.toISOString().replace('.000Z', 'Z'),
    hashAlgorithm: signature.hashAlgorithm,
    publicKeyAlgorithm: signature.publicKeyAlgorithm,
    signatureSha256: signatureIdentity(signature.packet),
  };
}

/** What a judge may know of the document a signature came from. */
export interface DocumentContext {
  frontMatter: Record<string, unknown> | null;
  /** Distinct issuers this document has named so far (a per-document cap on key searches). */
  issuers: Set<string>;
  limits: Limits;
}

/** Turns one parsed signature into its manifest entry; `warnings` are the signed text's own. */
export type SignatureJudge<S> = (signedText: string, signature: ParsedSignature, warnings: WarningCode[], document: DocumentContext) => Promise<S>;

/** A block's manifest entry, field by field in the manifest's order (no spreads: one per block of a batch). */
function blockEntry<S>(block: ArmoredBlock, error: ManifestBlock<S>['error'], parsed: { signedText: string; hashAlgorithm: string; signatures: S[] } | null): ManifestBlock<S> {
  return {
    form: block.form,
    startLine: block.startLine,
    endLine: block.endLine,
    status: parsed ? 'ok' : 'malformed',
    error,
    rendering: block.rendering,
    signedText: parsed ? parsed.signedText : null,
    signedTextSha256: parsed ? sha256(parsed.signedText) : null,
    hashAlgorithm: parsed ? parsed.hashAlgorithm : null,
    signatures: parsed ? parsed.signatures : [],
  };
}

async function describeBlock<S>(block: ArmoredBlock, limits: Limits, judge: SignatureJudge<S>, document: DocumentContext): Promise<ManifestBlock<S>> {
  if (block.error) return blockEntry<S>(block, block.error, null);
  const parsed = block.form === 'inline' ? await parseInlineMessage(block.armored, limits) : await parseBlock(block.armored, limits);
  if (!parsed.ok) return blockEntry<S>(block, parsed.error, null);
  const { signedText, signatures } = parsed.block;
  const warnings = textWarnings(signedText);
  const judged: S[] = [];
  // Each signature on its own, awaited in turn: one good signature never vouches for another.
  for (const signature of signatures) judged.push(await judge(signedText, signature, warnings, document));
  return blockEntry(block, null, { signedText, hashAlgorithm: signatures[0]!.hashAlgorithm, signatures: judged });
}

/**
 * document → blocks → cleartext → judged signatures. `file` is where to read it, `shownPath`
 * how the manifest names it; `extracted`, the document as a reading thread already read and
 * extracted it; `walked`, a directory walk found it (a file that is not text is then skipped).
 */
export async function describeDocument<S>(file: string, shownPath: string, limits: Limits, judge: SignatureJudge<S>, extracted?: ExtractedDocument, walked = false): Promise<ManifestDocument<S>> {
  const path = toPosixPath(shownPath);
  const document = extracted ?? extractDocument(await readDocument(file, limits, walked), limits);
  if (!document.ok) return { path, status: 'unreadable', error: document.reason, blocks: [], ...(document.skipped ? { verdict: 'skipped' as const } : {}) };
  const blocks: ManifestBlock<S>[] = [];
  const context: DocumentContext = { frontMatter: document.frontMatter, issuers: new Set(), limits };
  for (const block of document.blocks) blocks.push(await describeBlock(block, limits, judge, context));
  return { path, status: blocks.length ? 'signed' : 'not-signed', error: null, blocks };
}
