import { deepClone, fingerprintOf, keyIDOf, setDirectSignatures, type PublicKey } from '../openpgp/index.js';
import { mergeProvenance, provenanceOf, type KeyCandidate } from './key-source.js';

const upper = (hex: string) => hex.toUpperCase();

/** `key` with the revocation signatures of another copy of it added (nothing else; each is checked by update()). */
export async function mergeRevocations(key: PublicKey, copy: PublicKey): Promise<PublicKey> {
  const revocations = deepClone(copy);
  revocations.users = [];
  setDirectSignatures(revocations, []);
  revocations.subkeys = revocations.subkeys.filter((subkey) => key.subkeys.some((own) => own.getFingerprint() === subkey.getFingerprint()));
  for (const subkey of revocations.subkeys) subkey.bindingSignatures = [];
  return (await deepClone(key).update(revocations)) as PublicKey;
}

function push(map: Map<string, KeyCandidate[]>, id: string, entry: KeyCandidate): void {
  const list = map.get(id) ?? [];
  if (!list.includes(entry)) list.push(entry);
  map.set(id, list);
}

/**
 * Keys held for one run. Certificates are identified by their primary fingerprint only: copies
 * of one certificate from several sources are merged (a revocation any source published
 * applies), while two certificates that share a subkey stay apart. Anyone can publish a
 * certificate that claims someone else's key as its subkey (threat catalogue K-05, K-06), so a
 * fingerprint or key ID may lead to several certificates, and each is tried on its own.
 */
export class Keyring {
  private readonly byPrimary = new Map<string, KeyCandidate>();
  private readonly byFingerprint = new Map<string, KeyCandidate[]>();
  private readonly byKeyID = new Map<string, KeyCandidate[]>();

  async add(candidate: KeyCandidate): Promise<void> {
    const primary = fingerprintOf(candidate.key);
    const known = this.byPrimary.get(primary);
    if (known) {
      // Each user ID and subkey keeps the sources that supplied it (K-18): the merged copy is not one source's word.
      known.provenance = mergeProvenance(provenanceOf(known), provenanceOf(candidate));
      known.key = (await known.key.update(candidate.key)) as PublicKey;
      this.index(known);
      return;
    }
    const entry = { ...candidate, provenance: provenanceOf(candidate) };
    this.byPrimary.set(primary, entry);
    this.index(entry);
  }

  private index(entry: KeyCandidate): void {
    for (const key of [entry.key, ...entry.key.subkeys]) {
      push(this.byFingerprint, fingerprintOf(key), entry);
      push(this.byKeyID, keyIDOf(key), entry);
    }
  }

  /**
   * Candidates for a signature: by full fingerprint when the signature names one (a key ID
   * collision cannot then be offered), else every certificate with a key or subkey of that key ID.
   */
  candidatesFor(issuer: { issuerFingerprint: string | null; issuerKeyID: string }): KeyCandidate[] {
    const list = issuer.issuerFingerprint ? this.byFingerprint.get(upper(issuer.issuerFingerprint)) : this.byKeyID.get(upper(issuer.issuerKeyID));
    return [...(list ?? [])];
  }
}

/**
 * The source to record for a signature: that of the part that made it (K-18). A subkey only
 * an HKP server supplied is that server's word, even merged into a keys.openpgp.org copy.
 */
export function sourceOfSigningPart(candidate: KeyCandidate, signingKeyFingerprint: string | null): string {
  if (!signingKeyFingerprint || signingKeyFingerprint === fingerprintOf(candidate.key)) return candidate.source;
  const sources = candidate.provenance?.subkeys[upper(signingKeyFingerprint)];
  return !sources?.length || sources.includes(candidate.source) ? candidate.source : sources[0]!;
}
