import type { PublicKey } from 'openpgp';
import type { KeyCandidate } from '../discovery/key-source.js';

const upper = (hex: string) => hex.toUpperCase();

/**
 * Keys held for one run, indexed by the fingerprint and key ID of the primary key and of
 * every subkey. Copies of one key from several sources are merged, so a revocation any
 * source published applies.
 */
export class Keyring {
  private readonly byFingerprint = new Map<string, KeyCandidate>();
  private readonly byKeyID = new Map<string, KeyCandidate[]>();

  async add(candidate: KeyCandidate): Promise<void> {
    const fingerprint = upper(candidate.key.getFingerprint());
    const known = this.byFingerprint.get(fingerprint);
    if (known) {
      known.key = (await known.key.update(candidate.key)) as PublicKey;
      this.index(known);
      return;
    }
    this.index({ ...candidate });
  }

  private index(entry: KeyCandidate): void {
    const fingerprint = upper(entry.key.getFingerprint());
    this.byFingerprint.set(fingerprint, entry);
    for (const key of [entry.key, ...entry.key.subkeys]) {
      const subFingerprint = upper(key.getFingerprint());
      if (subFingerprint !== fingerprint) this.byFingerprint.set(subFingerprint, entry);
      const keyID = upper(key.getKeyID().toHex());
      const list = this.byKeyID.get(keyID) ?? [];
      if (!list.includes(entry)) list.push(entry);
      this.byKeyID.set(keyID, list);
    }
  }

  /**
   * Candidates for a signature: by full fingerprint when the signature names one (a key ID
   * collision cannot then be offered), else every key whose primary key or subkey has the key ID.
   */
  candidatesFor(issuer: { issuerFingerprint: string | null; issuerKeyID: string }): KeyCandidate[] {
    if (issuer.issuerFingerprint) {
      const entry = this.byFingerprint.get(upper(issuer.issuerFingerprint));
      return entry ? [entry] : [];
    }
    return [...(this.byKeyID.get(upper(issuer.issuerKeyID)) ?? [])];
  }

  get size(): number {
    return new Set(this.byFingerprint.values()).size;
  }

  all(): KeyCandidate[] {
    return [...new Set(this.byFingerprint.values())];
  }
}
