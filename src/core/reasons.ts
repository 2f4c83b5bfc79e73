/**
 * Every outcome pledge reports carries a typed reason with a stable string code.
 * Codes are public API (manifest, exit codes, CI annotations): add, never rename.
 */

/** Why a block could not be read as a cleartext-signed message. */
export type BlockErrorCode =
  | 'malformed-armor' // armor lines missing, out of order, or an unescaped armor line in the text
  | 'armor-header' // a cleartext header other than "Hash:" (RFC 9580 §7.1: decline to validate)
  | 'hash-header' // a Hash: header that names an unknown algorithm or not the signature's
  | 'split-block' // a renderer split the block (fence closed, quote ended, prefix changed)
  | 'bad-line-ending' // a lone CR inside the block: what is shown differs from what is hashed
  | 'markup-in-block' // HTML markup inside the block that pledge will not strip
  | 'encoded-line-break' // HTML: a character reference (&#10;, &NewLine;) decodes to a line break inside the block
  | 'hidden-block' // the block, or part of it, sits in an HTML comment: no renderer shows what is verified
  | 'disguised-armor' // a line that is an armor line but for non-ASCII spaces around it: renderers show armor pledge would not read
  | 'not-preformatted' // HTML: armor outside <pre>, <code> and <textarea>, where a browser joins the block's lines: reported, not read
  | 'unsupported-format' // an inline message or detached signature where a cleartext block was expected
  | 'no-signature' // the signature armor holds no usable text signature
  | 'malformed-packet' // the signature packets do not parse
  | 'input-too-large' // a limit was exceeded before parsing
  | 'compression-bomb'; // an inline message's compressed data inflates past the size limits: refused before it is read

/**
 * Why a detached signature file met in a walk verifies nothing (pipeline/detached-documents.ts):
 * reported on the signature file itself, never skipped.
 */
export type PairingErrorCode =
  | 'orphan-signature' // no document beside it has a name its own name extends (X for X.sig)
  | 'ambiguous-signature'; // the document its name points to is itself a signature file (X.sig.NAME beside X.sig)

/** Why a signature is not `verified`, or what a `verified` one should warn about. */
export type SignatureReasonCode =
  | 'key-not-found'
  | 'key-unavailable'
  | 'key-mismatch'
  | 'signature-mismatch'
  | 'signature-invalid'
  | 'signature-in-future'
  | 'signature-before-key'
  | 'key-expired'
  | 'key-revoked'
  | 'key-not-signing-capable'
  | 'weak-hash'
  | 'weak-key-algorithm'
  | 'weak-key-size'
  | 'legacy-format'
  | 'statement-mismatch'
  | 'identity-mismatch'
  | 'key-changed'
  | 'unsupported'; // the mathematics could not be checked (an algorithm, curve or library error): not evidence of tampering

export type SignatureStatus = 'verified' | 'bad-signature' | 'no-public-key' | 'expired-key' | 'revoked-key' | 'weak-algorithm' | 'key-unavailable' | 'statement-mismatch' | 'identity-mismatch' | 'unsupported';

/** Warnings never change a status; they tell the reader what to weigh. */
export type WarningCode =
  | 'key-expired-since'
  | 'key-revoked-since'
  | 'weak-binding-sha1'
  | 'binding-newer-than-signature' // every surviving self-signature is newer than the signature (issue 12)
  | 'confusable-text'
  | 'control-characters'
  | 'claim-mismatch'
  | 'unverified-claim';

/** Failed = the evidence says no. Indeterminate = pledge could not check (try again). */
export type OutcomeClass = 'failed' | 'indeterminate';

export const SIGNATURE_STATUS_FOR: Record<SignatureReasonCode, SignatureStatus> = {
  'key-not-found': 'no-public-key',
  'key-unavailable': 'key-unavailable',
  'key-mismatch': 'no-public-key',
  'signature-mismatch': 'bad-signature',
  'signature-invalid': 'bad-signature',
  'signature-in-future': 'bad-signature',
  'signature-before-key': 'bad-signature',
  'key-expired': 'expired-key',
  'key-revoked': 'revoked-key',
  'key-not-signing-capable': 'bad-signature',
  'weak-hash': 'weak-algorithm',
  'weak-key-algorithm': 'weak-algorithm',
  'weak-key-size': 'weak-algorithm',
  'legacy-format': 'weak-algorithm',
  'statement-mismatch': 'statement-mismatch',
  'identity-mismatch': 'identity-mismatch',
  'key-changed': 'identity-mismatch',
  unsupported: 'unsupported',
};

export const OUTCOME_CLASS_FOR: Record<SignatureStatus, OutcomeClass | null> = {
  verified: null,
  'bad-signature': 'failed',
  'no-public-key': 'failed',
  'expired-key': 'failed',
  'revoked-key': 'failed',
  'weak-algorithm': 'failed',
  'key-unavailable': 'indeterminate',
  'statement-mismatch': 'failed',
  'identity-mismatch': 'failed',
  unsupported: 'indeterminate',
};

/** Repository-wide findings about a document (signers-repository mode). */
export type FindingCode = 'duplicate-signer' | 'replayed-signature' | 'modified-signer-file' | 'deleted-signer-file' | 'protected-file-changed' | 'unmatched-signer-file' | 'too-few-signatures' | 'signer-not-allowed';

export interface Finding {
  code: FindingCode;
  severity: 'error' | 'warning';
  message: string;
  /** 1-based line the finding is about, when there is one. */
  line?: number;
}

/**
 * What a code alone does not say, where the advice differs (stable strings, like codes).
 * offline-no-server-asked: --offline (or no HTTP client) asked no server, so nothing "could not be reached".
 * encrypted-message: an unsupported-format block is an encrypted OpenPGP message (pledge verifies, never decrypts).
 */
export type ReasonDetail = 'offline-no-server-asked' | 'encrypted-message';

export interface Reason<C extends string = string> {
  code: C;
  message: string;
  detail?: ReasonDetail;
}

/** Thrown only when a run cannot go on (bad usage, unreadable option file). */
export class PledgeError extends Error {
  override readonly name = 'PledgeError';
  constructor(
    readonly code: 'usage' | 'input' | 'interrupted' | 'internal',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
