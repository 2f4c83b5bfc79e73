import { OUTCOME_CLASS_FOR, type BlockErrorCode, type Finding, type Reason, type SignatureReasonCode, type SignatureStatus, type WarningCode } from '../core/reasons.js';
import type { Rendering } from '../extract/find-blocks.js';
import type { LookupRecord } from '../discovery/discover-keys.js';
import type { KeybaseClaim } from '../discovery/key-source.js';
import type { FetchRecord } from '../extract/fetch-document.js';
import type { ThresholdRecord } from '../verify/threshold.js';

/** Version 1 of the manifest; `schema/manifest-v1.schema.json` documents it. Add fields, never rename. */
export const MANIFEST_VERSION = 1;

/** What a signature packet says of itself: nothing here is checked. */
export interface SignatureClaims {
  issuerKeyID: string;
  issuerFingerprint: string | null;
  created: string;
  hashAlgorithm: string;
  publicKeyAlgorithm: string;
  /**
   * The signature's identity (pipeline/describe-document.ts `signatureIdentity`): SHA-256 of its
   * hashed part and digest prefix, so the same signature copied into two files has the same one,
   * however its unhashed subpackets or its value were re-dressed.
   */
  signatureSha256: string;
  /** A detached signature's file, as walked or given (issue 14); absent for a cleartext block's. */
  signatureFile?: string;
}

export interface ManifestSignature extends SignatureClaims {
  status: SignatureStatus;
  signingKeyFingerprint: string | null;
  primaryKeyFingerprint: string | null;
  userIDs: string[];
  keySource: string | null;
  warnings: WarningCode[];
  reason: Reason<SignatureReasonCode> | null;
  /** Who judged the key's validity: openpgp.js, or pledge itself for a key with no user ID. */
  keyEvaluation: 'openpgp' | 'pledge-no-user-id' | null;
  /** What Keybase says about the account holding the key: the server's claim. */
  keybase?: KeybaseClaim;
  /** SHA-256 of the certificate as pledge read it (from keySource): a later run proves it used the same key. */
  certificateSha256?: string;
}

export interface ManifestBlock<S = ManifestSignature> {
  /**
   * How the signatures are carried (issue 14): a cleartext-signed block, a detached signature
   * file (its lines are the signature file's), or an inline-signed message.
   */
  form: BlockForm;
  startLine: number;
  endLine: number;
  status: 'ok' | 'malformed';
  error: Reason<BlockErrorCode> | null;
  rendering: Rendering[];
  signedText: string | null;
  signedTextSha256: string | null;
  hashAlgorithm: string | null;
  signatures: S[];
  /** A detached block's signature file, as walked or given. */
  signatureFile?: string;
}

export type BlockForm = 'cleartext' | 'detached' | 'inline';

export type DocumentStatus = 'signed' | 'not-signed' | 'unreadable';

/** The document as a whole, so a consumer never has to work it out from the signatures. */
export type DocumentVerdict = 'verified' | 'failed' | 'could-not-check' | 'not-signed' | 'skipped';

export interface ManifestDocument<S = ManifestSignature> {
  path: string;
  status: DocumentStatus;
  error: Reason | null;
  blocks: ManifestBlock<S>[];
  /** Repository-wide checks (signers-repository mode); absent otherwise. */
  findings?: Finding[];
  /** A document named by an https:// URL: what was fetched, to reproduce the verdict from a saved copy. */
  fetch?: FetchRecord;
  /** The detached signature files of this document (issue 14), as walked or given. */
  detachedSignatures?: string[];
  /** SHA-256 of the octets its detached signatures sign: the file exactly as read. */
  signedDataSha256?: string;
  /** Set as the document is counted (ManifestTotals.add), after every check has had its say. */
  verdict?: DocumentVerdict;
  /** A signer requirement (--min-signatures, --signer, a repository's minSignatures/allowedSigners) and how it was met. */
  threshold?: ThresholdRecord;
}

export interface ManifestSigner {
  primaryKeyFingerprint: string;
  userIDs: string[];
  documents: string[];
}

export interface ManifestSummary {
  documents: number;
  blocks: number;
  signatures: number;
  verified: number;
  failed: number;
  malformedBlocks: number;
  unsignedDocuments: number;
  unreadableDocuments: number;
  /** Repository findings of severity error, by code. */
  findings: Partial<Record<Finding['code'], number>>;
  /** Files a directory walk met that are not text (images, fonts, archives); present when any. */
  skippedDocuments?: number;
  /** Documents without a signed block that --signed-only passed over; present when any. */
  passedOverDocuments?: number;
}

export interface Manifest {
  manifestVersion: typeof MANIFEST_VERSION;
  generator: { name: 'pledge'; version: string };
  /** The run passed: what exit code 0 means. */
  ok: boolean;
  summary: ManifestSummary;
  documents: ManifestDocument[];
  signers: ManifestSigner[];
  /** Every network request of the run: which hosts learnt what was being checked. */
  lookups: LookupRecord[];
}

/**
 * Builds the summary and the signer list one document at a time, so a run over 100,000
 * documents never holds them all: the documents themselves can be written out as they come.
 */
export class ManifestTotals {
  readonly summary: ManifestSummary = {
    documents: 0,
    blocks: 0,
    signatures: 0,
    verified: 0,
    failed: 0,
    malformedBlocks: 0,
    unsignedDocuments: 0,
    unreadableDocuments: 0,
    findings: {},
  };
  /** Not in the manifest's summary, but what the exit code turns on. */
  readonly outcomes = { failed: 0, indeterminate: 0, errorFindings: 0, internal: 0 };
  private readonly signers = new Map<string, ManifestSigner>();

  add(document: ManifestDocument): void {
    const summary = this.summary;
    const errors = document.findings?.filter((finding) => finding.severity === 'error') ?? [];
    this.outcomes.errorFindings += errors.length;
    for (const finding of errors) summary.findings[finding.code] = (summary.findings[finding.code] ?? 0) + 1;
    document.verdict = documentVerdict(document);
    summary.documents++;
    if (document.verdict === 'skipped') {
      // Neither judged nor an error: counted apart, so they never change the exit code.
      const field = document.status === 'not-signed' ? 'passedOverDocuments' : 'skippedDocuments';
      summary[field] = (summary[field] ?? 0) + 1;
      return;
    }
    if (document.status === 'not-signed') summary.unsignedDocuments++;
    if (document.status === 'unreadable') summary.unreadableDocuments++;
    if (document.error?.code === 'internal-error') this.outcomes.internal++;
    for (const block of document.blocks) {
      summary.blocks++;
      if (block.status === 'malformed') summary.malformedBlocks++;
      for (const signature of block.signatures) {
        summary.signatures++;
        if (signature.status !== 'verified') {
          summary.failed++;
          this.outcomes[OUTCOME_CLASS_FOR[signature.status] ?? 'failed']++;
          continue;
        }
        summary.verified++;
        // Signers are keys with at least one verified signature, in order of first appearance,
        // from documents no repository check failed (a duplicate or replay lists nobody).
        if (!signature.primaryKeyFingerprint || errors.length) continue;
        const signer = this.signers.get(signature.primaryKeyFingerprint) ?? { primaryKeyFingerprint: signature.primaryKeyFingerprint, userIDs: [], documents: [] };
        // A user ID only the key itself claims (HKP, a URL) never names a signer.
        if (!signature.warnings.includes('unverified-claim')) for (const userID of signature.userIDs) if (!signer.userIDs.includes(userID)) signer.userIDs.push(userID);
        // A document's signatures arrive together, so comparing with the last path is enough.
        if (signer.documents.at(-1) !== document.path) signer.documents.push(document.path);
        this.signers.set(signature.primaryKeyFingerprint, signer);
      }
    }
  }

  signerList(): ManifestSigner[] {
    return [...this.signers.values()];
  }

  /** The run passed: something verified, and nothing failed, could not be read or checked. */
  get ok(): boolean {
    const { summary, outcomes } = this;
    return summary.verified > 0 && !summary.malformedBlocks && !summary.unsignedDocuments && !summary.unreadableDocuments && !outcomes.failed && !outcomes.indeterminate && !outcomes.errorFindings && !outcomes.internal;
  }
}

/** failed > could-not-check > verified: the evidence against a document outranks what could not be checked. */
export function documentVerdict(document: ManifestDocument): DocumentVerdict {
  // Set only where the document was read: a walk's non-text file, --signed-only's unsigned page.
  if (document.verdict === 'skipped') return 'skipped';
  // A finding outranks "not signed": a deleted or protected file carries no block, and fails by its finding.
  if (document.status === 'unreadable' || document.findings?.some((finding) => finding.severity === 'error')) return 'failed';
  if (document.status === 'not-signed') return 'not-signed';
  let verified = 0;
  let unchecked = 0;
  for (const block of document.blocks) {
    if (block.status === 'malformed') return 'failed';
    for (const signature of block.signatures) {
      if (signature.status === 'verified') verified++;
      else if (OUTCOME_CLASS_FOR[signature.status] === 'indeterminate') unchecked++;
      else return 'failed';
    }
  }
  return unchecked ? 'could-not-check' : verified ? 'verified' : 'failed';
}

export function manifestHead(version: string): Pick<Manifest, 'manifestVersion' | 'generator'> {
  return { manifestVersion: MANIFEST_VERSION, generator: { name: 'pledge', version } };
}

export function buildManifest(documents: ManifestDocument[], version: string, lookups: LookupRecord[] = []): Manifest {
  const totals = new ManifestTotals();
  for (const document of documents) totals.add(document);
  return { ...manifestHead(version), documents, ok: totals.ok, summary: totals.summary, signers: totals.signerList(), lookups };
}
