import { hash } from 'node:crypto';
import type { PublicKey } from '../openpgp/index.js';

/**
 * SHA-256 of the certificate as pledge read and used it (its OpenPGP packets, binary, in
 * openpgp.js's canonical order: primary key, revocations, direct-key signatures, user IDs with
 * their signatures, subkeys with theirs), after revocations from other sources were merged in.
 * The same packets give the same hash on any machine, so a later run can prove it judged by the
 * same key; a new revocation, expiry, subkey or re-export changes it.
 */
export function certificateSha256(key: PublicKey): string {
  return hash('sha256', key.write(), 'hex');
}

/** certificateSha256 worked out once per key object, for one run (a batch asks once per signature). */
export class CertificateHashes {
  private readonly hashes = new WeakMap<PublicKey, string>();

  of(key: PublicKey): string {
    let value = this.hashes.get(key);
    if (!value) {
      value = certificateSha256(key);
      this.hashes.set(key, value);
    }
    return value;
  }
}
