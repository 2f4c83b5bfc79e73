import type { PublicKey, Subkey } from 'openpgp';

type KeyPart = PublicKey | Subkey;

const fingerprints = new WeakMap<object, string>();
const keyIDs = new WeakMap<object, string>();

/**
 * A key's or subkey's fingerprint and key ID as pledge writes them (upper-case hex), computed
 * once per key packet: openpgp.js re-encodes the hex on every call, and a batch asks thousands
 * of times for the same few keys.
 */
export function fingerprintOf(key: KeyPart): string {
  let fingerprint = fingerprints.get(key.keyPacket);
  if (fingerprint === undefined) {
    fingerprint = key.getFingerprint().toUpperCase();
    fingerprints.set(key.keyPacket, fingerprint);
  }
  return fingerprint;
}

export function keyIDOf(key: KeyPart): string {
  let keyID = keyIDs.get(key.keyPacket);
  if (keyID === undefined) {
    keyID = key.getKeyID().toHex().toUpperCase();
    keyIDs.set(key.keyPacket, keyID);
  }
  return keyID;
}
