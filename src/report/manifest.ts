import type { BlockErrorCode, Finding, Reason, SignatureReasonCode, SignatureStatus, WarningCode } from '../core/reasons.js';
import type { Rendering } from '../extract/find-blocks.js';
import type { LookupRecord } from '../discovery/discover-keys.js';
import type { KeybaseClaim } from '../discovery/key-source.js';

/** Version 1 of the manifest; `schema/manifest-v1.schema.json` documents it. Add fields, never rename. */
export const MANIFEST_VERSION = 1;

/** What a signature packet says of itself: nothing here is checked. */
export interface SignatureClaims {
  issuerKeyID: string;
  issuerFingerprint: string | null;
  created: string;
  hashAlgorithm: string;
  publicKeyAlgorithm: string;
  /** SHA-256 of the signature packet: the same signature copied into two files has the same one. */
  signatureSha256: string;
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
}

export interface ManifestBlock<S = ManifestSignature> {
  startLine: number;
  endLine: number;
  status: 'ok' | 'malformed';
  error: Reason<BlockErrorCode> | null;
  rendering: Rendering[];
  signedText: string | null;
  signedTextSha256: string | null;
  hashAlgorithm: string | null;
  signatures: S[];
}

export type DocumentStatus = 'signed' | 'not-signed' | 'unreadable';

export interface ManifestDocument<S = ManifestSignature> {
  path: string;
  status: DocumentStatus;
  error: Reason | null;
  blocks: ManifestBlock<S>[];
  /** Repository-wide checks (signers-repository mode); absent otherwise. */
  findings?: Finding[];
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
}

export interface Manifest {
  manifestVersion: typeof MANIFEST_VERSION;
  generator: { name: 'pledge'; version: string };
  summary: ManifestSummary;
  documents: ManifestDocument[];
  signers: ManifestSigner[];
  /** Every network request of the run: which hosts learnt what was being checked. */
  lookups: LookupRecord[];
}

export function summarise(documents: ManifestDocument[]): ManifestSummary {
  const blocks = documents.flatMap((document) => document.blocks);
  const signatures = blocks.flatMap((block) => block.signatures);
  const verified = signatures.filter((signature) => signature.status === 'verified').length;
  return {
    documents: documents.length,
    blocks: blocks.length,
    signatures: signatures.length,
    verified,
    failed: signatures.length - verified,
    malformedBlocks: blocks.filter((block) => block.status === 'malformed').length,
    unsignedDocuments: documents.filter((document) => document.status === 'not-signed').length,
    unreadableDocuments: documents.filter((document) => document.status === 'unreadable').length,
  };
}

/** Keys with at least one verified signature, in order of first appearance. */
export function listSigners(documents: ManifestDocument[]): ManifestSigner[] {
  const signers = new Map<string, ManifestSigner>();
  for (const document of documents) {
    for (const signature of document.blocks.flatMap((block) => block.signatures)) {
      if (signature.status !== 'verified' || !signature.primaryKeyFingerprint) continue;
      const signer = signers.get(signature.primaryKeyFingerprint) ?? {
        primaryKeyFingerprint: signature.primaryKeyFingerprint,
        userIDs: [],
        documents: [],
      };
      for (const userID of signature.userIDs) if (!signer.userIDs.includes(userID)) signer.userIDs.push(userID);
      if (!signer.documents.includes(document.path)) signer.documents.push(document.path);
      signers.set(signature.primaryKeyFingerprint, signer);
    }
  }
  return [...signers.values()];
}

export function buildManifest(documents: ManifestDocument[], version: string, lookups: LookupRecord[] = []): Manifest {
  return {
    manifestVersion: MANIFEST_VERSION,
    generator: { name: 'pledge', version },
    summary: summarise(documents),
    documents,
    signers: listSigners(documents),
    lookups,
  };
}
