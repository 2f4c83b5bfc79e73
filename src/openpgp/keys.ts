import type { KeyID, PublicKey, SignaturePacket, Subkey, User } from 'openpgp';
import { LOW_LEVEL_STRICT } from './config.js';

/*
 * What pledge reads from and asks of openpgp.js keys beyond their typed surface: the
 * direct-key signatures (typed private), a deep clone, and the key checks that take a
 * configuration, called with pledge's. test/openpgp/contract.test.ts asserts the untyped ones.
 */

/** The key's direct-key signatures (openpgp.js keeps them on the key; its typings omit them). */
export function directSignaturesOf(key: PublicKey): SignaturePacket[] {
  return (key as unknown as { directSignatures: SignaturePacket[] }).directSignatures;
}

export function setDirectSignatures(key: PublicKey, signatures: SignaturePacket[]): void {
  (key as unknown as { directSignatures: SignaturePacket[] }).directSignatures = signatures;
}

/** A deep copy: new packet lists and signature objects, so that changing it leaves `key` as it was. */
export function deepClone(key: PublicKey): PublicKey {
  return (key as unknown as { clone(deep: boolean): PublicKey }).clone(true);
}

/** openpgp.js's expiry of the key as a whole (its primary user's self-signature), with pledge's configuration. */
export function certificateExpirationTime(key: PublicKey): Promise<Date | number | null> {
  return key.getExpirationTime(undefined, LOW_LEVEL_STRICT);
}

/** openpgp.js's expiry of a subkey by its binding signature, with no date check. */
export function subkeyExpirationTime(subkey: Subkey): Promise<Date | number | null> {
  return subkey.getExpirationTime(null as unknown as Date, LOW_LEVEL_STRICT);
}

/** openpgp.js's choice of signing key for `keyID` at `at` (rejects when none is valid then). */
export function signingKeyAt(key: PublicKey, keyID: KeyID, at: Date): Promise<PublicKey | Subkey> {
  return key.getSigningKey(keyID, at, undefined, LOW_LEVEL_STRICT);
}

/** openpgp.js's check of a user ID's self-certification at `at` (rejects when none is valid then). */
export function verifyUserAt(user: User, at: Date): Promise<unknown> {
  return user.verify(at, LOW_LEVEL_STRICT);
}
