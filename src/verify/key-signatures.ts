import { directSignaturesOf, enums, markedVerified, markVerified, VERIFIED_MARK_FOUND, type AnyKeyPacket, type PublicKey, type SignaturePacket } from '../openpgp/index.js';
import { preparedKeyFor, verifyKeySignature, type PreparedKeys } from './fast-verify.js';

/*
 * A key's own signatures (self-certifications, direct-key signatures, subkey bindings and their
 * back-signatures, revocations) have their mathematics checked by openpgp.js through WebCrypto,
 * at a fixed cost of some 300 µs of this thread each, the first time a key is judged: in a
 * batch over 200 signers, ~600 such checks while everything is still cold.
 *
 * openpgp.js remembers a successful check on the packet ("cryptographic validity is cached
 * after one successful verification", SignaturePacket.verify) under a private symbol. pledge
 * makes the same check first with node:crypto, hashing exactly what openpgp.js hashes (its
 * own `toHash`, with the data openpgp.js passes for that place in the key), and sets that mark
 * only where the mathematics hold. Everything else stays openpgp.js's to judge: dates, flags,
 * revocations, expiry, policy. Where node:crypto says no or cannot tell, nothing is marked and
 * openpgp.js checks as it always did.
 */

/** One signature of a key, with what openpgp.js verifies it against there. */
interface KeySignature {
  signature: SignaturePacket;
  type: enums.signature;
  data: object;
  issuer: AnyKeyPacket;
}

/** Every own signature of the key, with the type and data openpgp.js uses for it (openpgp.js key/user/subkey code). */
export function keySignatures(key: PublicKey): KeySignature[] {
  const primary = key.keyPacket;
  const found: KeySignature[] = [];
  const add = (signatures: SignaturePacket[], type: enums.signature, data: object, issuer: AnyKeyPacket = primary) => {
    for (const signature of signatures) found.push({ signature, type, data, issuer });
  };
  add(directSignaturesOf(key), enums.signature.key, { key: primary });
  add(key.revocationSignatures, enums.signature.keyRevocation, { key: primary });
  for (const user of key.users) {
    // A user attribute (photo) is never judged by pledge: left alone.
    if (!user.userID) continue;
    const data = { userID: user.userID, userAttribute: user.userAttribute, key: primary };
    add(user.selfCertifications, enums.signature.certGeneric, data);
    add(user.revocationSignatures, enums.signature.certRevocation, data);
  }
  for (const subkey of key.subkeys) {
    const data = { key: primary, bind: subkey.keyPacket };
    add(subkey.bindingSignatures, enums.signature.subkeyBinding, data);
    const backSignatures = subkey.bindingSignatures.map((binding) => binding.embeddedSignature).filter((embedded): embedded is SignaturePacket => !!embedded);
    add(backSignatures, enums.signature.keyBinding, data, subkey.keyPacket);
    add(subkey.revocationSignatures, enums.signature.subkeyRevocation, data);
  }
  return found;
}

async function markValid(key: PublicKey, preparedKeys: PreparedKeys): Promise<void> {
  await Promise.all(
    keySignatures(key).map(async ({ signature, type, data, issuer }) => {
      if (markedVerified(signature)) return;
      const prepared = preparedKeyFor(issuer, preparedKeys);
      if (!prepared) return;
      try {
        if ((await verifyKeySignature(signature, type, data, prepared)) === true) markVerified(signature);
      } catch {
        // not marked: openpgp.js checks it itself
      }
    }),
  );
}

/** What a run remembers for these checks (verify/verification-memory.ts). */
export interface KeyCheckMemory {
  /** Per key object: the check under way, or null once it is done. */
  readonly keyChecks: WeakMap<object, Promise<void> | null>;
  readonly preparedKeys: PreparedKeys;
}

/**
 * Checks the mathematics of the key's own signatures with node:crypto, once per key object and
 * run: a promise to wait for before openpgp.js judges the key, or null when there is nothing to wait for.
 */
export function checkKeySignatures(key: PublicKey, memory: KeyCheckMemory): Promise<void> | null {
  if (!VERIFIED_MARK_FOUND) return null;
  const checked = memory.keyChecks;
  let pending = checked.get(key);
  if (pending === undefined) {
    pending = markValid(key, memory.preparedKeys).finally(() => checked.set(key, null));
    checked.set(key, pending);
  }
  return pending;
}
