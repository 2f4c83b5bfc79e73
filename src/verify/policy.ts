import { directSignaturesOf, enums, certificateExpirationTime, signingKeyAt, subkeyExpirationTime, verifySignaturePacket, type PublicKey, type SignaturePacket, type Subkey } from '../openpgp/index.js';
import type { ParsedSignature } from '../cleartext/parse-block.js';
import type { Reason, SignatureReasonCode, WarningCode } from '../core/reasons.js';
import { publicKeyAlgorithmName } from '../cleartext/algorithm-names.js';
import { memoFor, type TimeClassMemo } from './key-facts.js';
import { expiryFrom, ignoringUserIDRevocations, judgeAlone, primaryExpiryAt, primarySelfSignatures, subkeyBindings } from './key-history.js';

/** The rules a signature is judged by; `now` is a parameter so tests are deterministic. */
export interface Policy {
  now: Date;
  /** Signatures dated up to this far in the future are accepted (clocks differ). */
  clockSkewMs: number;
  minRSABits: number;
  /** Verify with prepared node:crypto keys where that gives openpgp.js's exact verdict (off: openpgp.js always). */
  fastPath: boolean;
}

export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;

export function createPolicy(now = new Date(), fastPath = true): Policy {
  return { now, clockSkewMs: DEFAULT_CLOCK_SKEW_MS, minRSABits: 2048, fastPath };
}

export interface PolicyJudgement {
  failure: Reason<SignatureReasonCode> | null;
  warnings: WarningCode[];
}

type KeyPart = PublicKey | Subkey;

const WEAK_HASHES: Record<number, string> = {
  [enums.hash.md5]: 'MD5 has practical collisions since 2004',
  [enums.hash.sha1]: 'SHA-1 has practical chosen-prefix collisions (SHA-1 is a Shambles, 2020)',
  [enums.hash.ripemd]: 'RIPEMD-160 is a 160-bit hash retired with SHA-1 by current policies',
};

const EDDSA = new Set<number>([enums.publicKey.eddsaLegacy, enums.publicKey.ed25519, enums.publicKey.ed448]);
const HASH_BITS: Record<number, number> = {
  [enums.hash.sha224]: 224,
  [enums.hash.sha256]: 256,
  [enums.hash.sha384]: 384,
  [enums.hash.sha512]: 512,
  [enums.hash.sha3_256]: 256,
  [enums.hash.sha3_512]: 512,
};
const RSA = new Set<number>([enums.publicKey.rsaEncryptSign, enums.publicKey.rsaSign, enums.publicKey.rsaEncrypt]);
const WEAK_ALGORITHMS: Record<number, string> = {
  [enums.publicKey.dsa]: 'DSA is deprecated (RFC 9580) and fails with a weak random number at signing time',
  [enums.publicKey.elgamal]: 'ElGamal signatures are deprecated and insecure',
};

const SOFT_REVOCATIONS = new Set<number>([enums.reasonForRevocation.keySuperseded, enums.reasonForRevocation.keyRetired, enums.reasonForRevocation.userIDInvalid]);
const REVOCATION_WORDS = new Map<number, string>([
  [enums.reasonForRevocation.noReason, 'no reason given'],
  [enums.reasonForRevocation.keySuperseded, 'key superseded'],
  [enums.reasonForRevocation.keyCompromised, 'key compromised'],
  [enums.reasonForRevocation.keyRetired, 'key retired'],
  [enums.reasonForRevocation.userIDInvalid, 'user ID no longer valid'],
]);

const fail = (code: SignatureReasonCode, message: string): PolicyJudgement => ({ failure: { code, message }, warnings: [] });
const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');

/** A key's size and curve. */
type AlgorithmInfo = { bits?: number; curve?: string };

/** What a run remembers for the policy (verify/verification-memory.ts), one entry per key object or key part. */
export interface PolicyMemory {
  /** openpgp.js computes a key's size and curve anew on every call; a key packet never changes. */
  readonly algorithmInfos: WeakMap<object, AlgorithmInfo>;
  /** Facts about a key part whatever the signature's date: one promise for all of them. */
  readonly facts: WeakMap<object, Promise<KeyPartFacts>>;
  /** The time-bound ones, per stretch of time (key-facts.ts). */
  readonly capability: WeakMap<object, TimeClassMemo<boolean>>;
  readonly expiry: WeakMap<object, TimeClassMemo<{ expiry: Date; of: string } | null>>;
}

function algorithmInfoOf(packet: KeyPart['keyPacket'], algorithmInfos: PolicyMemory['algorithmInfos']): AlgorithmInfo {
  let info = algorithmInfos.get(packet);
  if (!info) {
    info = packet.getAlgorithmInfo();
    algorithmInfos.set(packet, info);
  }
  return info;
}

function weakKey(part: KeyPart, policy: Policy, role: string, memory: PolicyMemory): PolicyJudgement | null {
  const packet = part.keyPacket;
  if (packet.version < 4) return fail('legacy-format', `the ${role} is a v${packet.version} key (PGP 2.x): its key ID and fingerprint can be forged`);
  const weak = WEAK_ALGORITHMS[packet.algorithm];
  if (weak) return fail('weak-key-algorithm', `the ${role} is ${publicKeyAlgorithmName(packet.algorithm)}: ${weak}`);
  const info = algorithmInfoOf(packet, memory.algorithmInfos);
  if (RSA.has(packet.algorithm) && (info.bits ?? 0) < policy.minRSABits) {
    return fail('weak-key-size', `the ${role} is RSA-${info.bits}: RSA keys under ${policy.minRSABits} bits can be factored with enough resources`);
  }
  if (info.curve === 'secp256k1') return fail('weak-key-algorithm', `the ${role} uses curve secp256k1, which OpenPGP does not standardise`);
  return null;
}

interface Revocation {
  created: Date;
  hard: boolean;
  reason: string;
  of: string;
}

/** Revocation signatures that really come from the key; the reason decides hard or soft (RFC 9580 §5.2.3.31). */
async function validRevocations(key: PublicKey, signingKey: KeyPart): Promise<Revocation[]> {
  const targets: { signatures: SignaturePacket[]; type: enums.signature; data: object; of: string }[] = [{ signatures: key.revocationSignatures, type: enums.signature.keyRevocation, data: { key: key.keyPacket }, of: 'key' }];
  if (signingKey !== key) {
    targets.push({
      signatures: (signingKey as Subkey).revocationSignatures,
      type: enums.signature.subkeyRevocation,
      data: { key: key.keyPacket, bind: signingKey.keyPacket },
      of: 'signing subkey',
    });
  }
  const revocations: Revocation[] = [];
  for (const target of targets) {
    for (const revocation of target.signatures) {
      try {
        await verifySignaturePacket(revocation, key.keyPacket, target.type, target.data, null, false);
      } catch {
        continue; // not made by this key: anyone can append packets to a key
      }
      const flag = revocation.reasonForRevocationFlag;
      revocations.push({
        created: revocation.created ?? new Date(0),
        hard: flag === null || !SOFT_REVOCATIONS.has(flag),
        reason: flag === null ? 'no reason subpacket' : (REVOCATION_WORDS.get(flag) ?? `reason ${flag}`),
        of: target.of,
      });
    }
  }
  return revocations;
}

/**
 * P-02: the newest self-signatures that bind the key (user ID certifications; for a subkey its
 * binding and back-signature) hashed with SHA-1. GnuPG and openpgp.js accept them; Sequoia has
 * rejected them since 2023-02-01. pledge verifies but warns.
 */
function bindsWithSha1(key: PublicKey, signingKey: KeyPart): boolean {
  const newest = (signatures: SignaturePacket[]) => [...signatures].sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0))[0];
  const binding: (SignaturePacket | null | undefined)[] = key.users.map((user) => newest(user.selfCertifications));
  if (signingKey !== key) {
    const subkeyBinding = newest((signingKey as Subkey).bindingSignatures);
    binding.push(subkeyBinding, subkeyBinding?.embeddedSignature);
  }
  return binding.some((signature) => signature?.hashAlgorithm === enums.hash.sha1);
}

async function expiryOf(key: PublicKey, signingKey: KeyPart): Promise<Date | null> {
  const expiries: (Date | number | null)[] = [await judgeAlone(key, () => certificateExpirationTime(key))];
  if (signingKey !== key) expiries.push(await subkeyExpirationTime(signingKey as Subkey));
  return earliestDate(expiries);
}

/** What the policy needs of a key part whatever the signature's date. */
export interface KeyPartFacts {
  revocations: Revocation[];
  expiry: Date | null;
  bindsWithSha1: boolean;
}

async function factsOf(key: PublicKey, signingKey: KeyPart): Promise<KeyPartFacts> {
  return { revocations: await validRevocations(key, signingKey), expiry: await expiryOf(key, signingKey), bindsWithSha1: bindsWithSha1(key, signingKey) };
}

function once<V>(cache: WeakMap<object, Promise<V>>, part: object, compute: () => Promise<V>, enabled: boolean): Promise<V> {
  if (!enabled) return compute();
  let value = cache.get(part);
  if (!value) {
    value = compute();
    cache.set(part, value);
  }
  return value;
}

function earliestDate(dates: (Date | number | null)[]): Date | null {
  const finite = dates.filter((date): date is Date => date instanceof Date);
  return finite.length ? new Date(Math.min(...finite.map((date) => date.getTime()))) : null;
}

/**
 * pledge's policy, judged at the signature's creation time like Sequoia and openpgp.js:
 * weak algorithms, impossible dates, revocations (hard ones at all times, soft ones from their
 * date), expiry and signing capability. Pure apart from openpgp.js's key checks.
 */
export async function judgePolicy(signature: ParsedSignature, key: PublicKey, signingKey: KeyPart, policy: Policy, memory: PolicyMemory): Promise<PolicyJudgement> {
  const warnings: WarningCode[] = [];
  const created = signature.created;
  if (signature.packet.version < 4) return fail('legacy-format', `a v${signature.packet.version} signature (PGP 2.x)`);
  const weakHash = signature.packet.hashAlgorithm === null ? undefined : WEAK_HASHES[signature.packet.hashAlgorithm];
  if (weakHash) return fail('weak-hash', `the data signature uses ${signature.hashAlgorithm}: ${weakHash}`);
  // A hash pledge does not know cannot be computed: the signature is unchecked, neither weak nor forged.
  if (signature.packet.hashAlgorithm !== null && HASH_BITS[signature.packet.hashAlgorithm] === undefined) {
    return fail('unsupported', `the data signature names hash algorithm ${signature.packet.hashAlgorithm}, which pledge does not know, so it could not be checked`);
  }
  if (EDDSA.has(signingKey.keyPacket.algorithm) && signature.packet.hashAlgorithm !== null && (HASH_BITS[signature.packet.hashAlgorithm] ?? 0) < 256) {
    return fail('weak-hash', `the data signature uses ${signature.hashAlgorithm} with EdDSA, which needs a hash of at least 256 bits (RFC 9580)`);
  }
  const weak = weakKey(signingKey, policy, signingKey === key ? 'key' : 'signing subkey', memory) ?? (signingKey === key ? null : weakKey(key, policy, 'primary key', memory));
  if (weak) return weak;

  if (created.getTime() > policy.now.getTime() + policy.clockSkewMs) {
    return fail('signature-in-future', `the signature is dated ${iso(created)}, in the future`);
  }
  const keyCreated = signingKey.getCreationTime();
  if (created < keyCreated) {
    return fail('signature-before-key', `the signature is dated ${iso(created)}, before its key was created (${iso(keyCreated)})`);
  }

  const facts = await once(memory.facts, signingKey, () => factsOf(key, signingKey), policy.fastPath);
  for (const revocation of facts.revocations) {
    if (revocation.hard) {
      return fail('key-revoked', `the ${revocation.of} was revoked on ${iso(revocation.created)} (${revocation.reason}); such a revocation covers every signature`);
    }
    if (revocation.created <= created) {
      return fail('key-revoked', `the ${revocation.of} was revoked on ${iso(revocation.created)} (${revocation.reason}), before this signature`);
    }
    if (!warnings.includes('key-revoked-since')) warnings.push('key-revoked-since');
  }

  const expiry = facts.expiry;
  if (expiry && expiry <= created) {
    return fail('key-expired', `the key expired on ${iso(expiry)}, before this signature was made (${iso(created)})`);
  }
  // K-19: the self-signatures in force when it signed may say it had expired, though a newer one extends it.
  const inForce = (at: Date) => (policy.fastPath ? memoFor(memory.expiry, key, signingKey).get(at, () => expiryInForce(key, signingKey, at)) : expiryInForce(key, signingKey, at));
  const lapse = await inForce(created);
  if (lapse && lapse.expiry <= created) {
    return fail('key-expired', `the ${lapse.of} expired on ${iso(lapse.expiry)} by the self-signature in force when this signature was made (${iso(created)})`);
  }
  if (hasNoUserID(key)) {
    // openpgp.js reads no expiry for a key without a user ID: its newest direct-key signature is read as `expiry` is for others.
    const current = await inForce(policy.now);
    if (current && current.expiry <= created) {
      return fail('key-expired', `the ${current.of} expired on ${iso(current.expiry)}, before this signature was made (${iso(created)})`);
    }
    if (current && current.expiry <= policy.now && !(expiry && expiry <= policy.now)) warnings.push('key-expired-since');
  }
  if (expiry && expiry <= policy.now) warnings.push('key-expired-since');

  if (facts.bindsWithSha1) warnings.push('weak-binding-sha1');

  const capable = policy.fastPath ? memoFor(memory.capability, key, signingKey).get(created, () => mayHaveSigned(key, signingKey, signature, created)) : mayHaveSigned(key, signingKey, signature, created);
  let may = await capable;
  if (!may) {
    // Issue 12: older than every surviving self-signature; see bindingNewerAllows.
    const later = await bindingNewerAllows(key, signingKey, signature, created);
    if (later === 'expired') return fail('key-expired', `a surviving self-signature says the ${signingKey === key ? 'key' : 'signing subkey'} had expired before this signature was made (${iso(created)})`);
    if (later === 'allowed') {
      may = true;
      warnings.push('binding-newer-than-signature');
    }
  }
  if (!may) {
    return fail(
      'key-not-signing-capable',
      signingKey === key
        ? 'the key was not valid for signing when this signature was made (no valid self-signature with the sign flag)'
        : 'the signing subkey is not validly bound for signing (a signing subkey needs a binding signature with a back-signature)',
    );
  }
  return { failure: null, warnings };
}

/** Was this key (or subkey) bound and allowed to sign at `at`? openpgp.js decides when it can. */
async function mayHaveSigned(key: PublicKey, signingKey: KeyPart, signature: ParsedSignature, at: Date): Promise<boolean> {
  if (hasNoUserID(key)) return userIDLessKeyMayHaveSigned(key, signingKey, at);
  return judgeAlone(key, () =>
    ignoringUserIDRevocations(key, async () => {
      try {
        const usable = await signingKeyAt(key, signature.packet.issuerKeyID, at);
        return usable.getFingerprint() === signingKey.getFingerprint();
      } catch {
        return false;
      }
    }),
  );
}

/**
 * A signature older than every surviving self-signature of its key (or binding of its subkey):
 * exported keys often keep only the newest one. A self-signature is made by the primary key, so
 * only the key's owner can have made the newer one; the signature is accepted, with the warning
 * binding-newer-than-signature, when the key could sign by the oldest surviving self-signatures
 * and none of them says it had expired by then (revocations and creation dates are judged before).
 * 'no' when a self-signature was in force at signing time (it decided) or the flags forbid signing.
 */
async function bindingNewerAllows(key: PublicKey, signingKey: KeyPart, signature: ParsedSignature, created: Date): Promise<'allowed' | 'expired' | 'no'> {
  if (hasNoUserID(key)) return 'no';
  const parts = [await primarySelfSignatures(key)];
  if (signingKey !== key) parts.push(await subkeyBindings(key, signingKey as Subkey));
  let earliestInForce = 0;
  let newerOnly = false;
  for (const selfSignatures of parts) {
    const dated = selfSignatures.filter(({ signature: s }) => s.created);
    if (!dated.length) return 'no';
    if (dated.some(({ signature: s }) => s.created! <= created)) continue; // one was in force: judged as usual
    newerOnly = true;
    if (dated.some(({ expiry }) => expiry && expiry <= created)) return 'expired';
    earliestInForce = Math.max(earliestInForce, Math.min(...dated.map(({ signature: s }) => s.created!.getTime())));
  }
  if (!newerOnly) return 'no';
  return (await mayHaveSigned(key, signingKey, signature, new Date(earliestInForce))) ? 'allowed' : 'no';
}

/**
 * keys.openpgp.org strips user IDs it has not verified, and openpgp.js refuses a v4 key with
 * none ("Could not find primary user"). For such keys pledge checks the binding itself: a
 * signing subkey needs a valid binding signature with the sign flag and a valid back-signature
 * at signing time; a primary key may sign unless a direct-key signature says otherwise.
 */
export function hasNoUserID(key: PublicKey): boolean {
  return key.keyPacket.version < 6 && key.users.every((user) => !user.userID);
}

async function latestValid(signatures: SignaturePacket[], verifyOne: (signature: SignaturePacket) => Promise<unknown>, at: Date) {
  const sorted = signatures.filter((s) => s.created && s.created <= at).sort((a, b) => b.created!.getTime() - a.created!.getTime());
  for (const signature of sorted) {
    try {
      await verifyOne(signature);
      return signature;
    } catch {
      // an invalid self-signature is ignored (RFC 9580 §5.2.5)
    }
  }
  return null;
}

/**
 * The expiry that the self-signatures in force at `at` give (K-19): for a key with no user ID its
 * direct-key signature (openpgp.js reads none), and for a subkey its binding. Newer ones that
 * extend the key do not undo a lapse. Keys with a user ID: their primary expiry is openpgp.js's.
 */
async function expiryInForce(key: PublicKey, signingKey: KeyPart, at: Date): Promise<{ expiry: Date; of: string } | null> {
  const primary = key.keyPacket;
  const found: { expiry: Date; of: string }[] = [];
  if (hasNoUserID(key)) {
    const direct = await latestValid(directSignaturesOf(key), (s) => verifySignaturePacket(s, primary, enums.signature.key, { key: primary }, at, false), at);
    const expiry = expiryFrom(direct, key.getCreationTime());
    if (expiry) found.push({ expiry, of: 'key' });
  } else {
    const expiry = await primaryExpiryAt(key, at);
    if (expiry) found.push({ expiry, of: 'key' });
  }
  if (signingKey !== key) {
    const bind = { key: primary, bind: signingKey.keyPacket };
    const binding = await latestValid((signingKey as Subkey).bindingSignatures, (s) => verifySignaturePacket(s, primary, enums.signature.subkeyBinding, bind, at, false), at);
    const expiry = expiryFrom(binding, signingKey.getCreationTime());
    if (expiry) found.push({ expiry, of: 'signing subkey' });
  }
  return found.sort((a, b) => a.expiry.getTime() - b.expiry.getTime())[0] ?? null;
}

async function userIDLessKeyMayHaveSigned(key: PublicKey, signingKey: KeyPart, at: Date): Promise<boolean> {
  const primary = key.keyPacket;
  const signFlag = (signature: SignaturePacket | null) => ((signature?.keyFlags?.[0] ?? 0) & enums.keyFlags.signData) !== 0;
  if (signingKey === key) {
    const direct = await latestValid(directSignaturesOf(key), (s) => verifySignaturePacket(s, primary, enums.signature.key, { key: primary }, at, false), at);
    return !direct?.keyFlags || signFlag(direct);
  }
  const bind = { key: primary, bind: signingKey.keyPacket };
  const binding = await latestValid((signingKey as Subkey).bindingSignatures, (s) => verifySignaturePacket(s, primary, enums.signature.subkeyBinding, bind, at, false), at);
  if (!binding || !signFlag(binding) || !binding.embeddedSignature) return false;
  try {
    await verifySignaturePacket(binding.embeddedSignature, signingKey.keyPacket, enums.signature.keyBinding, bind, at, false);
    return true;
  } catch {
    return false;
  }
}
