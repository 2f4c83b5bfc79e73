import { hash } from 'node:crypto';
import type { PublicKey } from 'openpgp';

const hashes = new WeakMap<PublicKey, string>();

/**
 * SHA-256 of the certificate as pledge read and used it (its OpenPGP packets, binary, in
 * openpgp.js's canonical order: primary key, revocations, direct-key signatures, user IDs with
 * their signatures, subkeys with theirs), after revocations from other sources were merged in.
 * The same packets give the same hash on any machine, so a later run can prove it judged by the
 * same key; a new revocation, expiry, subkey or re-export changes it. Worked out once per key.
 */
export function certificateSha256(key: PublicKey): string {
  let value = hashes.get(key);
  if (!value) {
    value = hash('sha256', key.write(), 'hex');
    hashes.set(key, value);
  }
  return value;
}
