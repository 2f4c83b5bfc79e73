import { enums, SignaturePacket, type AnyKeyPacket, type PublicKey } from 'openpgp';
import { preparedKeyFor, verifyKeySignature } from './fast-verify.js';

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

/** openpgp.js's mark, found on a fresh packet (its constructor sets it to null); null if it is gone. */
const VERIFIED: symbol | null = Object.getOwnPropertySymbols(new SignaturePacket()).find((symbol) => symbol.description === 'verified') ?? null;

type Marks = Record<symbol, boolean | null | undefined>;

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
  const own = key as unknown as { directSignatures: SignaturePacket[]; revocationSignatures: SignaturePacket[] };
  const found: KeySignature[] = [];
  const add = (signatures: SignaturePacket[], type: enums.signature, data: object, issuer: AnyKeyPacket = primary) => {
    for (const signature of signatures) found.push({ signature, type, data, issuer });
  };
  add(own.directSignatures, enums.signature.key, { key: primary });
  add(own.revocationSignatures, enums.signature.keyRevocation, { key: primary });
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

async function markValid(key: PublicKey, mark: symbol): Promise<void> {
  await Promise.all(
    keySignatures(key).map(async ({ signature, type, data, issuer }) => {
      const marks = signature as unknown as Marks;
      if (marks[mark] === true) return;
      const prepared = preparedKeyFor(issuer);
      if (!prepared) return;
      try {
        if ((await verifyKeySignature(signature, type, data, prepared)) === true) marks[mark] = true;
      } catch {
        // not marked: openpgp.js checks it itself
      }
    }),
  );
}

/** Per key object: the check under way, or null once it is done. */
const checked = new WeakMap<object, Promise<void> | null>();

/**
 * Checks the mathematics of the key's own signatures with node:crypto, once per key object:
 * a promise to wait for before openpgp.js judges the key, or null when there is nothing to wait for.
 */
export function checkKeySignatures(key: PublicKey): Promise<void> | null {
  if (!VERIFIED) return null;
  let pending = checked.get(key);
  if (pending === undefined) {
    pending = markValid(key, VERIFIED).finally(() => checked.set(key, null));
    checked.set(key, pending);
  }
  return pending;
}

/** Whether openpgp.js holds the signature's mathematics as checked (for tests). */
export function markedVerified(signature: SignaturePacket): boolean {
  return VERIFIED !== null && (signature as unknown as Marks)[VERIFIED] === true;
}
