import {
  cleartextLiteralPacket,
  cleartextMessageWith,
  detachedLiteralPacket,
  detachedMessageWith,
  enums,
  fingerprintOf,
  keyIDOf,
  mathematicsView,
  messageWith,
  STRICT_CONFIG,
  verify,
  verifySignaturePacket,
  verifyUserAt,
  type PublicKey,
  type Subkey,
} from '../openpgp/index.js';
import type { ParsedSignature } from '../cleartext/parse-block.js';
import { vouchedBy, type KeyCandidate } from '../discovery/key-source.js';
import { SIGNATURE_STATUS_FOR, type Reason, type SignatureReasonCode, type SignatureStatus, type WarningCode } from '../core/reasons.js';
import { hasNoUserID, judgePolicy, type Policy } from './policy.js';
import { fastVerify, fastVerifyData, preparedKeyFor } from './fast-verify.js';
import { checkKeySignatures } from './key-signatures.js';
import { memoFor } from './key-facts.js';
import { VerificationMemory } from './verification-memory.js';
import { dropFutureRevocations, ignoringUserIDRevocations, judgeAlone } from './key-history.js';
import { publicKeyAlgorithmName } from '../cleartext/algorithm-names.js';

/** The verdict on one signature. */
export interface SignatureCheck {
  status: SignatureStatus;
  reason: Reason<SignatureReasonCode> | null;
  warnings: WarningCode[];
  /** The key the verdict is about: the one that verified, or that failed the policy. */
  candidate: KeyCandidate | null;
  signingKeyFingerprint: string | null;
  primaryKeyFingerprint: string | null;
  userIDs: string[];
  /** Who judged the key's validity: openpgp.js, or pledge for a key with no user ID. */
  keyEvaluation: 'openpgp' | 'pledge-no-user-id' | null;
}

export type SigningKey = PublicKey | Subkey;

/** The primary key or subkey a signature names as its issuer, if the candidate has it. */
export function findSigningKey(key: PublicKey, signature: ParsedSignature): SigningKey | null {
  const all: SigningKey[] = [key, ...key.subkeys];
  if (signature.issuerFingerprint) {
    return all.find((k) => fingerprintOf(k) === signature.issuerFingerprint) ?? null;
  }
  return all.find((k) => keyIDOf(k) === signature.issuerKeyID) ?? null;
}

function fastVerifyWith(signedText: string, signature: ParsedSignature, signingKey: SigningKey, memory: VerificationMemory): Promise<boolean | 'unsupported'> | 'unsupported' {
  // The fast path hashes a cleartext text; a message's literal data goes to openpgp.js.
  if (signature.literal) return 'unsupported';
  const prepared = preparedKeyFor(signingKey.keyPacket, memory.preparedKeys);
  if (!prepared) return 'unsupported';
  return signature.signedData ? fastVerifyData(signature.signedData, signature.packet, prepared) : fastVerify(signedText, signature.packet, prepared);
}

/**
 * The literal data a signature is checked over: an inline message's own, a detached signature's
 * file octets, or the cleartext octets openpgp.js's cleartext verify hashes (C-23: CRLF, whatever
 * the signature type).
 */
function signedLiteral(signedText: string, signature: ParsedSignature) {
  if (signature.literal) return signature.literal;
  return signature.signedData ? detachedLiteralPacket(signature.signedData) : cleartextLiteralPacket(signedText);
}

/**
 * openpgp.js's words when the signature does not verify with this key; any other error means it
 * could not check. Besides the mathematics failing: a signature naming another public-key
 * algorithm than its key's, which openpgp.js refuses before any mathematics. No genuine
 * signature by this key names another algorithm, GnuPG says BAD signature, and the fast path
 * (fast-verify.ts) says false for it: one alteration, one verdict, whatever the signature type.
 */
const MATHEMATICS_FAILED = new Set(['Signed digest did not match', 'Signature verification failed', 'Public key algorithm used to sign signature does not match issuer key algorithm.']);

/**
 * Does the mathematics hold, whatever the policy says? Asked only after the policy said no.
 * A string when it could not be checked (issue 12: an unsupported curve, a library error), which
 * is no evidence that anything was altered.
 */
async function mathematicsHold(signedText: string, signature: ParsedSignature, signingKey: SigningKey, memory: VerificationMemory): Promise<boolean | string> {
  const fast = await fastVerifyWith(signedText, signature, signingKey, memory);
  if (fast !== 'unsupported') return fast;
  const literal = signedLiteral(signedText, signature);
  try {
    await verifySignaturePacket(
      mathematicsView(signature.packet),
      signingKey.keyPacket,
      signature.packet.signatureType ?? enums.signature.text,
      literal,
      null, // no time checks: the policy judged time already
      true,
      'math-only',
    );
    return true;
  } catch (error) {
    const message = (error as Error).message;
    return MATHEMATICS_FAILED.has(message) ? false : message;
  }
}

/** The verdict when the mathematics could not be checked. */
function unchecked(signature: ParsedSignature, signingKey: SigningKey, why: string, identity: Partial<SignatureCheck>): SignatureCheck {
  const curve = (signingKey.keyPacket.getAlgorithmInfo() as { curve?: string }).curve;
  const what = `${publicKeyAlgorithmName(signingKey.keyPacket.algorithm)}${curve ? ` on curve ${curve}` : ''} with ${signature.hashAlgorithm}`;
  return failure('unsupported', `pledge could not check the mathematics of this signature (${what}): ${why}`, identity);
}

/** openpgp.js's own verdict on this one signature with this one key: the last word on "verified". */
async function openpgpVerifies(signedText: string, signature: ParsedSignature, key: PublicKey, signingKey: SigningKey, date: Date, keyJudged: boolean): Promise<true | string> {
  if (keyJudged || hasNoUserID(key)) {
    // openpgp.js cannot judge a key with no user ID; pledge judged the key, openpgp.js the signature,
    // over the octets its cleartext verify hashes (C-23: CRLF, whatever the signature type).
    try {
      await verifySignaturePacket(signature.packet, signingKey.keyPacket, signature.packet.signatureType ?? enums.signature.text, signedLiteral(signedText, signature), date, true);
      return true;
    } catch (error) {
      return (error as Error).message;
    }
  }
  // Each form verified as what it is: an inline message's literal data, a detached signature's file octets, a cleartext text; this one signature.
  const inline = signature.literal ? messageWith(signature.literal, signature.packet) : null;
  const detached = signature.signedData ? detachedMessageWith(signature.signedData, signature.packet) : null;
  return judgeAlone(key, () =>
    ignoringUserIDRevocations(key, async () => {
      try {
        const options = { verificationKeys: [key], date, config: STRICT_CONFIG, expectSigned: false as const };
        const result = inline
          ? await verify({ ...options, message: inline })
          : detached
            ? await verify({ ...options, message: detached.message, signature: detached.signature, format: 'binary' })
            : await verify({ ...options, message: cleartextMessageWith(signedText, [signature.packet]) });
        const [only] = result.signatures;
        if (!only) return 'openpgp.js found no signature';
        await only.verified;
        return true as const;
      } catch (error) {
        return (error as Error).message;
      }
    }),
  );
}

/** The user IDs a key certifies at `at`, memoised per stretch of time when the fast path is on. */
function verifiedUserIDs(key: PublicKey, at: Date, policy: Policy, memory: VerificationMemory): Promise<string[]> {
  return policy.fastPath ? memoFor(memory.userIDs, key, key).get(at, () => certifiedUserIDs(key, at)) : certifiedUserIDs(key, at);
}

function certifiedUserIDs(key: PublicKey, at: Date): Promise<string[]> {
  return judgeAlone(key, () => userIDsAt(key, at));
}

async function userIDsAt(key: PublicKey, at: Date): Promise<string[]> {
  const userIDs: string[] = [];
  for (const user of key.users) {
    if (!user.userID) continue;
    try {
      await verifyUserAt(user, at);
      userIDs.push(user.userID.userID);
    } catch {
      // A user ID without a valid self-signature is nobody's claim: leave it out.
    }
  }
  return userIDs;
}

function verdict(status: SignatureStatus, reason: Reason<SignatureReasonCode> | null, fields: Partial<SignatureCheck> = {}): SignatureCheck {
  // Field by field, not spread: one of these is made per signature of a batch.
  return {
    status,
    reason,
    warnings: fields.warnings ?? [],
    candidate: fields.candidate ?? null,
    signingKeyFingerprint: fields.signingKeyFingerprint ?? null,
    primaryKeyFingerprint: fields.primaryKeyFingerprint ?? null,
    userIDs: fields.userIDs ?? [],
    keyEvaluation: fields.keyEvaluation ?? null,
  };
}

function failure(code: SignatureReasonCode, message: string, fields: Partial<SignatureCheck> = {}): SignatureCheck {
  return verdict(SIGNATURE_STATUS_FOR[code], { code, message }, fields);
}

/**
 * The mathematics failed. Matched by full fingerprint, that means the text or signature was
 * changed. Matched only by 64-bit key ID, the key may merely share the ID (threat catalogue K-04):
 * it is no evidence about the text, and the key is not named.
 */
function mismatch(signature: ParsedSignature, identity: Partial<SignatureCheck>): SignatureCheck {
  if (!signature.issuerFingerprint) {
    return failure('key-mismatch', `the only key found with key ID ${signature.issuerKeyID} does not verify this signature: it merely shares the 64-bit key ID, or the text was changed`);
  }
  return failure('signature-mismatch', 'the signature does not match the signed text and this key (text or signature altered)', identity);
}

/**
 * The user IDs to show, as far as a source that supplied each vouches for it (K-18: per user ID,
 * never per certificate). Vouched ones are shown; if none is, the rest are shown marked unverified-claim.
 */
function vouched(candidate: KeyCandidate, userIDs: string[], warnings: WarningCode[]): { userIDs: string[]; warnings: WarningCode[] } {
  const supplied = candidate.provenance?.userIDs;
  const fallback = [candidate.origin ?? candidate.source];
  const vouchedFor = (userID: string) =>
    (supplied?.[userID] ?? fallback).some((source) => {
      const vouches = vouchedBy(source);
      if (vouches === 'all') return true;
      if (vouches === 'none') return false;
      const email = vouches.email.toLowerCase();
      return userID.toLowerCase().endsWith(`<${email}>`) || userID.toLowerCase() === email;
    });
  const shown = userIDs.filter(vouchedFor);
  if (shown.length) return { userIDs: shown, warnings };
  // A WKD source vouches for one address only: its other user IDs are dropped, not shown marked.
  const unvouching = userIDs.filter((userID) => (supplied?.[userID] ?? fallback).some((source) => vouchedBy(source) === 'none'));
  return { userIDs: unvouching, warnings: unvouching.length ? [...warnings, 'unverified-claim'] : warnings };
}

/** One candidate key: policy first, then the mathematics, then openpgp.js's own check. */
async function checkWithCandidate(signedText: string, signature: ParsedSignature, candidate: KeyCandidate, policy: Policy, memory: VerificationMemory): Promise<SignatureCheck | null> {
  const signingKey = findSigningKey(candidate.key, signature);
  if (!signingKey) return null;
  dropFutureRevocations(candidate.key, new Date(policy.now.getTime() + policy.clockSkewMs), memory.pruned);
  const identity = {
    candidate,
    signingKeyFingerprint: fingerprintOf(signingKey),
    primaryKeyFingerprint: fingerprintOf(candidate.key),
    keyEvaluation: hasNoUserID(candidate.key) ? ('pledge-no-user-id' as const) : ('openpgp' as const),
  };
  if (policy.fastPath) {
    const keyChecked = checkKeySignatures(candidate.key, memory);
    if (keyChecked) await keyChecked;
  }
  const judged = await judgePolicy(signature, candidate.key, signingKey, policy, memory);
  if (judged.failure) {
    // Weak algorithms are refused whatever the mathematics says (openpgp.js may not even be able
    // to check them); an expired or revoked key is named only for a signature it really made.
    const weak = SIGNATURE_STATUS_FOR[judged.failure.code] === 'weak-algorithm';
    const math = weak ? true : await mathematicsHold(signedText, signature, signingKey, memory);
    if (typeof math === 'string') return unchecked(signature, signingKey, math, identity);
    if (!math) return mismatch(signature, identity);
    return verdict(SIGNATURE_STATUS_FOR[judged.failure.code], judged.failure, {
      ...identity,
      ...vouched(candidate, await verifiedUserIDs(candidate.key, signature.created, policy, memory), []),
    });
  }
  // The fast path answers only where it gives exactly openpgp.js's verdict; else openpgp.js decides.
  const fast = policy.fastPath ? await fastVerifyWith(signedText, signature, signingKey, memory) : 'unsupported';
  if (fast === false) return mismatch(signature, identity);
  const checkDate = new Date(policy.now.getTime() + policy.clockSkewMs);
  const openpgp = fast === true ? true : await openpgpVerifies(signedText, signature, candidate.key, signingKey, checkDate, judged.warnings.includes('binding-newer-than-signature'));
  if (openpgp !== true) {
    const math = await mathematicsHold(signedText, signature, signingKey, memory);
    if (typeof math === 'string') return unchecked(signature, signingKey, math, identity);
    return math ? failure('signature-invalid', `openpgp.js rejects the signature: ${openpgp}`, identity) : mismatch(signature, identity);
  }
  if (candidate.accountChanged) {
    const { account, previous, since } = candidate.accountChanged;
    return failure(
      'key-changed',
      `${account} served ${previous.join(', ')} before (first seen ${since}) and now serves only other keys: the name changed hands, or its owner replaced the key. Check, then pin the key with --keyring or clear the cache (pledge keys clear)`,
      identity,
    );
  }
  // Older than every surviving self-signature: the names are those the key certifies now.
  const namesAt = judged.warnings.includes('binding-newer-than-signature') ? policy.now : signature.created;
  const shown = vouched(candidate, await verifiedUserIDs(candidate.key, namesAt, policy, memory), judged.warnings);
  return verdict('verified', null, {
    candidate,
    signingKeyFingerprint: identity.signingKeyFingerprint,
    primaryKeyFingerprint: identity.primaryKeyFingerprint,
    keyEvaluation: identity.keyEvaluation,
    userIDs: shown.userIDs,
    warnings: shown.warnings,
  });
}

/** What the key search found besides candidates: a source down, keys that did not match, an offline run. */
export interface SearchOutcome {
  unavailable: string | null;
  mismatched?: string;
  offline?: boolean;
}

/** Failures where the mathematics held say more than a mismatch, so they are reported first. */
const FAILURE_RANK: Record<SignatureStatus, number> = {
  verified: 0,
  'revoked-key': 1,
  'expired-key': 2,
  'weak-algorithm': 3,
  'bad-signature': 4,
  'key-unavailable': 5,
  'no-public-key': 6,
  'statement-mismatch': 7,
  'identity-mismatch': 8,
  unsupported: 4, // as bad-signature: neither says anything about the key
};

/**
 * Checks one signature against each candidate key alone (openpgp.js would take the first key
 * with a matching key ID, threat catalogue K-05); the first that verifies wins. `memory`: what the
 * run has learnt about the keys (a Verifier passes its own; alone, the call learns for itself).
 */
export async function checkSignature(signedText: string, signature: ParsedSignature, candidates: KeyCandidate[], policy: Policy, search: SearchOutcome = { unavailable: null }, memory = new VerificationMemory()): Promise<SignatureCheck> {
  let best: SignatureCheck | null = null;
  for (const candidate of candidates) {
    const check = await checkWithCandidate(signedText, signature, candidate, policy, memory);
    if (!check) continue;
    if (check.status === 'verified') return check;
    if (!best || FAILURE_RANK[check.status] < FAILURE_RANK[best.status]) best = check;
  }
  if (best) return best;
  if (!signature.issuerFingerprint && !/[1-9a-f]/i.test(signature.issuerKeyID)) {
    return failure('key-not-found', 'the signature names no issuer (it has no issuer key ID or issuer fingerprint subpacket), so no key can be looked up for it');
  }
  const wanted = signature.issuerFingerprint ? `fingerprint ${signature.issuerFingerprint}` : `key ID ${signature.issuerKeyID}`;
  if (search.unavailable) return failure('key-unavailable', `no public key with ${wanted} was found, and a source could not be reached (${search.unavailable})`);
  if (search.mismatched) return failure('key-mismatch', `no public key with ${wanted} was found: ${search.mismatched}`);
  const notFound = failure('key-not-found', `no public key with ${wanted} was found`);
  return search.offline ? { ...notFound, reason: { ...notFound.reason!, detail: 'offline-no-server-asked' } } : notFound;
}
