import type { Finding } from '../core/reasons.js';
import type { ManifestDocument, ManifestSigner } from '../report/manifest.js';
import type { RepositoryConfig, Severity } from './load-config.js';
import { applyThreshold, isAllowed, requirementOf } from '../verify/threshold.js';

/** What a committed manifest already says: who signed which file, and with which signatures. */
export interface KnownSignatures {
  signers: ManifestSigner[];
  documents: ManifestDocument[];
}

function add(document: ManifestDocument, finding: Finding | null): void {
  if (!finding) return;
  document.findings ??= [];
  document.findings.push(finding);
}

function finding(severity: Severity | undefined, fallback: 'error' | 'warning', code: Finding['code'], message: string, line?: number): Finding | null {
  const level = severity ?? fallback;
  return level === 'off' ? null : { code, severity: level, message, ...(line ? { line } : {}) };
}

/**
 * Checks across the whole repository: one key signing two signer files, one signature copied
 * into two files, too few verified signatures, signers not on the allowed list. Files already
 * in the committed manifest count too, so a pull request that adds one file is checked against
 * every file before it.
 */
export function checkRepository(
  documents: ManifestDocument[],
  config: RepositoryConfig,
  known: KnownSignatures | null,
  allowedSigners: Set<string> | null,
): void {
  const signerOf = new Map<string, string>();
  const signatureIn = new Map<string, string>();
  for (const document of known?.documents ?? []) {
    for (const signature of document.blocks.flatMap((block) => block.signatures)) {
      if (signature.status !== 'verified') continue;
      if (signature.primaryKeyFingerprint && !signerOf.has(signature.primaryKeyFingerprint)) signerOf.set(signature.primaryKeyFingerprint, document.path);
      if (signature.signatureSha256 && !signatureIn.has(signature.signatureSha256)) signatureIn.set(signature.signatureSha256, document.path);
    }
  }
  for (const signer of known?.signers ?? []) if (!signerOf.has(signer.primaryKeyFingerprint)) signerOf.set(signer.primaryKeyFingerprint, signer.documents[0] ?? '');

  const requirement = requirementOf(config.minSignatures, allowedSigners);
  for (const document of documents) {
    for (const block of document.blocks) {
      for (const signature of block.signatures) {
        if (signature.status !== 'verified' || !signature.primaryKeyFingerprint) continue;
        const fingerprint = signature.primaryKeyFingerprint;
        // A copied signature is also a repeated signer; one annotation says it best.
        const firstCopy = signatureIn.get(signature.signatureSha256);
        const firstSigner = signerOf.get(fingerprint);
        if (firstCopy !== undefined && firstCopy !== document.path) {
          add(document, finding(config.replayedSignature, 'error', 'replayed-signature', `this exact signature already appears in ${firstCopy}: it was copied, not made for this file`, block.startLine));
        } else if (firstSigner !== undefined && firstSigner !== document.path) {
          add(document, finding(config.duplicateSigner, 'error', 'duplicate-signer', `key ${fingerprint} already signed ${firstSigner}; one signer, one file`, block.startLine));
        }
        if (firstCopy === undefined) signatureIn.set(signature.signatureSha256, document.path);
        if (firstSigner === undefined) signerOf.set(fingerprint, document.path);
        // A repository's own rule: a key off its list fails the file (verify --signer only leaves it uncounted).
        if (!isAllowed(signature, requirement)) {
          add(document, finding('error', 'error', 'signer-not-allowed', `key ${fingerprint} is not in the allowed signers list`, block.startLine));
        }
      }
    }
    // minSignatures and allowedSigners are the threshold `verify --min-signatures --signer-file` applies.
    applyThreshold(document, requirement);
  }
}
