import { sourceOfSigningPart } from '../discovery/keyring.js';
import type { ParsedSignature } from '../cleartext/parse-block.js';
import type { WarningCode } from '../core/reasons.js';
import { textWarnings } from '../core/text-warnings.js';
import type { KeyDiscovery } from '../discovery/discover-keys.js';
import { hintQueries } from '../discovery/hints.js';
import { checkIdentity } from '../repo/identity.js';
import type { RepositoryConfig } from '../repo/load-config.js';
import { checkStatement } from '../repo/statement.js';
import type { ManifestSignature } from '../report/manifest.js';
import type { Verifier } from '../verify/verifier.js';
import type { SignatureCheck } from '../verify/verify-signature.js';
import { CertificateHashes } from './certificate-hash.js';
import { claimsOf, type DocumentContext, type SignatureJudge } from './describe-document.js';

/**
 * A repository's own rules, applied only to signatures that verified: the signature proves who
 * signed; these say whether what they signed, and who they say they are, is what the
 * repository asks for (sigstore-js keeps the same split between verify and policy).
 */
async function applyRepositoryRules(check: SignatureCheck, signedText: string, document: DocumentContext, rules: RepositoryConfig, discovery: KeyDiscovery): Promise<SignatureCheck> {
  if (check.status !== 'verified') return check;
  if (rules.statement) {
    const mismatch = checkStatement(signedText, rules.statement, document.frontMatter);
    if (mismatch) return { ...check, status: 'statement-mismatch', reason: mismatch };
  }
  if (rules.identity) {
    const identity = await checkIdentity(
      document.frontMatter,
      rules.identity,
      { primaryKeyFingerprint: check.primaryKeyFingerprint!, signingKeyFingerprint: check.signingKeyFingerprint! },
      (query) => discovery.keysClaimedBy(query),
    );
    if (identity.outcome === 'unbacked') return { ...check, status: 'identity-mismatch', reason: identity.reason };
    if (identity.outcome === 'unavailable') {
      return { ...check, status: 'key-unavailable', reason: { code: 'key-unavailable', message: identity.message, ...(identity.offline ? { detail: 'offline-no-server-asked' as const } : {}) } };
    }
  }
  return check;
}

// S-06: `name` is what a signers repository's files say of their signer: a claim like any other.
const CLAIM_FIELDS = ['author', 'name', 'signer', 'signed_by', 'signedBy'];

/** D-01: the page says who signed; only the key can. A name no user ID carries earns a warning. */
function claimMismatch(frontMatter: Record<string, unknown> | null, userIDs: string[]): boolean {
  const claims = CLAIM_FIELDS.map((field) => frontMatter?.[field]).filter((value): value is string => typeof value === 'string' && value.trim() !== '');
  const held = userIDs.map((userID) => userID.toLowerCase());
  return claims.some((claim) => !held.some((userID) => userID.includes(claim.trim().toLowerCase())));
}

/** A user ID's warnings, worked out once per user ID and run (a batch meets the same few again and again). */
class UserIDWarnings {
  private readonly known = new Map<string, WarningCode[]>();

  of(userID: string): WarningCode[] {
    let warnings = this.known.get(userID);
    if (!warnings) {
      warnings = textWarnings(userID);
      if (this.known.size < 10_000) this.known.set(userID, warnings);
    }
    return warnings;
  }
}

/** What a verified signature should also say: about its text, its user IDs and the page's claims. */
function verifiedWarnings(check: SignatureCheck, fromText: WarningCode[], document: DocumentContext, userIDWarnings: UserIDWarnings): WarningCode[] {
  const warnings = new Set<WarningCode>([...check.warnings, ...fromText]);
  for (const userID of check.userIDs) for (const warning of userIDWarnings.of(userID)) warnings.add(warning);
  if (claimMismatch(document.frontMatter, check.userIDs)) warnings.add('claim-mismatch');
  return [...warnings];
}

/**
 * Signature → manifest entry: find candidate keys, verify under the verifier's policy, then the
 * repository's rules. Made once per run, with the run's verifier.
 */
export function judgeWith(discovery: KeyDiscovery, verifier: Verifier, rules: RepositoryConfig | null = null): SignatureJudge<ManifestSignature> {
  const userIDWarnings = new UserIDWarnings();
  const certificates = new CertificateHashes();
  return async (signedText: string, signature: ParsedSignature, fromText, document) => {
    const hints = hintQueries(document.frontMatter, signature.packet.signersUserID, signature);
    // one document cannot send pledge looking for more than a few dozen keys.
    document.issuers.add(signature.issuerFingerprint ?? signature.issuerKeyID);
    const network = document.issuers.size <= document.limits.maxKeysPerDocument;
    const found = await discovery.candidatesFor(signature, hints, {
      network,
      why: `not searched: the document names more than ${document.limits.maxKeysPerDocument} distinct keys (raise it with --max-keys-per-document)`,
    });
    let check = await verifier.check(signedText, signature, found.candidates, found);
    if (rules) check = await applyRepositoryRules(check, signedText, document, rules, discovery);
    // Listed field by field, not spread: a batch builds one of these per signature, and spreads
    // make slower objects. The order is the manifest's.
    const claims = claimsOf(signature);
    const entry: ManifestSignature = {
      issuerKeyID: claims.issuerKeyID,
      issuerFingerprint: claims.issuerFingerprint,
      created: claims.created,
      hashAlgorithm: claims.hashAlgorithm,
      publicKeyAlgorithm: claims.publicKeyAlgorithm,
      signatureSha256: claims.signatureSha256,
      status: check.status,
      signingKeyFingerprint: check.signingKeyFingerprint,
      primaryKeyFingerprint: check.primaryKeyFingerprint,
      userIDs: check.userIDs,
      keySource: check.candidate ? sourceOfSigningPart(check.candidate, check.signingKeyFingerprint) : null,
      // What the text looks like matters only once it is proven signed.
      warnings: check.status === 'verified' ? verifiedWarnings(check, fromText, document, userIDWarnings) : check.warnings,
      reason: check.reason,
      keyEvaluation: check.keyEvaluation,
    };
    if (check.candidate) entry.certificateSha256 = certificates.of(check.candidate.key);
    if (check.candidate?.keybase) entry.keybase = check.candidate.keybase;
    return entry;
  };
}
