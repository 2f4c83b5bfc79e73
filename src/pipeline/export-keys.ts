import { PublicKey } from '../openpgp/index.js';
import type { KeyCache } from '../discovery/key-cache.js';
import type { KeyCandidate } from '../discovery/key-source.js';
import type { Keyring } from '../discovery/keyring.js';
import type { Manifest } from '../report/manifest.js';
import { certificateSha256 } from './certificate-hash.js';

/** One key a manifest used: its primary fingerprint, the certificate hash it recorded, the subkeys that signed. */
export interface UsedKey {
  fingerprint: string;
  certificateSha256: string | null;
  signingKeys: Set<string>;
}

export type ExportedKey =
  | { fingerprint: string; outcome: 'exported'; armored: string; binary: Uint8Array }
  | { fingerprint: string; outcome: 'not-found' | 'changed'; message: string };

/** Every primary key a verified signature of the manifest used. */
export function usedKeys(manifest: Manifest): UsedKey[] {
  const keys = new Map<string, UsedKey>();
  for (const document of manifest.documents) {
    for (const signature of document.blocks.flatMap((block) => block.signatures)) {
      if (signature.status !== 'verified' || !signature.primaryKeyFingerprint) continue;
      const key = keys.get(signature.primaryKeyFingerprint) ?? { fingerprint: signature.primaryKeyFingerprint, certificateSha256: signature.certificateSha256 ?? null, signingKeys: new Set() };
      if (signature.signingKeyFingerprint) key.signingKeys.add(signature.signingKeyFingerprint);
      keys.set(key.fingerprint, key);
    }
  }
  return [...keys.values()].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
}

/**
 * The packets that made the verdict: the primary key with its own revocations and direct-key
 * signatures, each user ID with its self-signatures and revocations (third-party
 * certifications dropped), and the subkeys that signed, with their bindings. Every
 * self-signature is kept, not only the newest: expiry is judged at the signature's time.
 */
export function minimalCertificate(key: PublicKey, signingKeys: Set<string>): PublicKey {
  // A new certificate over the same packets: the key pledge judged by is left untouched.
  const copy = new PublicKey(key.toPacketList());
  for (const user of copy.users) user.otherCertifications = [];
  copy.users = copy.users.filter((user) => user.userID !== null);
  copy.subkeys = copy.subkeys.filter((subkey) => signingKeys.has(subkey.getFingerprint().toUpperCase()));
  return copy;
}

/**
 * Finds each key a manifest used, in the given keyring and the cache, and exports it minimal,
 * only when it is the certificate the manifest recorded (same SHA-256): another one is
 * reported `changed`, never silently pinned. `minimal: false` keeps the certificate whole, so
 * it still has the recorded certificateSha256 (evidence bundles).
 */
export async function exportManifestKeys(manifest: Manifest, keyring: Keyring, cache: KeyCache | null, now: Date, minimal = true): Promise<ExportedKey[]> {
  const out: ExportedKey[] = [];
  for (const used of usedKeys(manifest)) {
    const issuer = { issuerFingerprint: used.fingerprint, issuerKeyID: used.fingerprint.slice(-16) };
    const candidates: KeyCandidate[] = [...keyring.candidatesFor(issuer), ...((await cache?.get(used.fingerprint, now)) ?? []).map((entry) => entry.candidate)]
      .filter((candidate) => candidate.key.getFingerprint().toUpperCase() === used.fingerprint);
    const same = candidates.find((candidate) => used.certificateSha256 === null || certificateSha256(candidate.key) === used.certificateSha256);
    if (same) {
      const key = minimal ? minimalCertificate(same.key, used.signingKeys) : same.key;
      out.push({ fingerprint: used.fingerprint, outcome: 'exported', armored: key.armor(), binary: key.write() });
    }
    else if (candidates.length) out.push({ fingerprint: used.fingerprint, outcome: 'changed', message: `the certificate found now (SHA-256 ${certificateSha256(candidates[0]!.key)}) is not the one the manifest recorded (${used.certificateSha256})` });
    else out.push({ fingerprint: used.fingerprint, outcome: 'not-found', message: 'not in the keyrings given, the repository keys or the cache' });
  }
  return out;
}
