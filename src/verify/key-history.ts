import { clearRevokedMark, directSignaturesOf, enums, keyExpirationSeconds, verifySignaturePacket, type PublicKey, type SignaturePacket, type Subkey } from '../openpgp/index.js';
import { keySignatures } from './key-signatures.js';

/*
 * Issue 12: a key judged as it stood when it signed, whatever was judged before.
 *
 * openpgp.js remembers on a self-signature that it was revoked (`signature.revoked`) once it has
 * judged it at a date after the revocation, and reads that mark at every later date: a user ID
 * revoked in 2022 would then make a 2021 signature fail, but only if a 2023 one was judged first.
 * Every openpgp.js judgement of a key therefore runs alone (one at a time per key) from a state
 * with those marks cleared, so no verdict depends on the order of earlier ones.
 */

const queues = new WeakMap<object, Promise<unknown>>();

/** Runs `judge` on `key` after any other judgement of it, with openpgp.js's revocation marks cleared. */
export function judgeAlone<T>(key: PublicKey, judge: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(
    () => {
      for (const { signature } of keySignatures(key)) clearRevokedMark(signature);
      return judge();
    },
    () => judge(),
  );
  queues.set(key, next.catch(() => undefined));
  return next;
}

/**
 * `judge` with the key's user-ID revocations out of sight: revoking a user ID withdraws a name,
 * not the key (RFC 9580 §5.2.1.13), so it never decides whether the key could sign. Call inside judgeAlone.
 */
export async function ignoringUserIDRevocations<T>(key: PublicKey, judge: () => Promise<T>): Promise<T> {
  const saved = key.users.map((user) => user.revocationSignatures);
  for (const user of key.users) user.revocationSignatures = [];
  try {
    return await judge();
  } finally {
    key.users.forEach((user, index) => (user.revocationSignatures = saved[index]!));
  }
}

/**
 * A revocation dated after now is not in force (nor is any signature from the future): it is
 * dropped from the key once per key object and run (`pruned`: the keys done), so that neither
 * pledge nor openpgp.js reads it.
 */
export function dropFutureRevocations(key: PublicKey, notAfter: Date, pruned: WeakSet<object>): void {
  if (pruned.has(key)) return;
  pruned.add(key);
  const keep = (signatures: SignaturePacket[]) => signatures.filter((s) => !s.created || s.created.getTime() <= notAfter.getTime());
  key.revocationSignatures = keep(key.revocationSignatures);
  for (const user of key.users) user.revocationSignatures = keep(user.revocationSignatures);
  for (const subkey of key.subkeys) subkey.revocationSignatures = keep(subkey.revocationSignatures);
}

export interface SelfSignature {
  signature: SignaturePacket;
  /** When the key part it binds expires by it (keyExpirationTime), or null: never. */
  expiry: Date | null;
}

/** A self-signature's key expiration time subpacket (seconds after `created`) as a date; none or 0: never. */
export function expiryFrom(signature: SignaturePacket | null, created: Date): Date | null {
  const seconds = keyExpirationSeconds(signature);
  return seconds ? new Date(created.getTime() + seconds * 1000) : null;
}

async function valid(signatures: SignaturePacket[], verify: (signature: SignaturePacket) => Promise<unknown>, created: Date): Promise<SelfSignature[]> {
  const found: SelfSignature[] = [];
  for (const signature of signatures) {
    try {
      await verify(signature);
      found.push({ signature, expiry: expiryFrom(signature, created) });
    } catch {
      // not the owner's, or broken: ignored (RFC 9580 §5.2.5)
    }
  }
  return found;
}

/** The valid self-signatures of the primary key: user-ID certifications and direct-key signatures. */
export function primarySelfSignatures(key: PublicKey): Promise<SelfSignature[]> {
  const primary = key.keyPacket;
  const created = key.getCreationTime();
  const all = [valid(directSignaturesOf(key), (s) => verifySignaturePacket(s, primary, enums.signature.key, { key: primary }, null, false), created)];
  for (const user of key.users) {
    if (!user.userID) continue;
    const data = { userID: user.userID, userAttribute: user.userAttribute, key: primary };
    all.push(valid(user.selfCertifications, (s) => verifySignaturePacket(s, primary, enums.signature.certGeneric, data, null, false), created));
  }
  return Promise.all(all).then((lists) => lists.flat());
}

/** The valid binding signatures of a subkey. */
export function subkeyBindings(key: PublicKey, subkey: Subkey): Promise<SelfSignature[]> {
  const primary = key.keyPacket;
  const bind = { key: primary, bind: subkey.keyPacket };
  return valid(subkey.bindingSignatures, (s) => verifySignaturePacket(s, primary, enums.signature.subkeyBinding, bind, null, false), subkey.getCreationTime());
}

/** The primary key's expiry by its self-certifications in force at `at` (K-19 for keys with user IDs): the newest one made by then. */
export async function primaryExpiryAt(key: PublicKey, at: Date): Promise<Date | null> {
  const inForce = (await primarySelfSignatures(key))
    .filter(({ signature }) => signature.created && signature.created <= at && signature.signatureType !== enums.signature.key)
    .sort((a, b) => b.signature.created!.getTime() - a.signature.created!.getTime());
  const primaryFlagged = inForce.find(({ signature }) => signature.isPrimaryUserID);
  return (primaryFlagged ?? inForce[0])?.expiry ?? null;
}
