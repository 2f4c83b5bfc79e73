import type { PublicKey } from 'openpgp';

/** What a source is asked for. Fingerprints and key IDs are upper-case hex. */
export type KeyQuery =
  | { kind: 'fingerprint'; fingerprint: string }
  | { kind: 'keyID'; keyID: string }
  | { kind: 'email'; email: string }
  | { kind: 'keybase'; username: string }
  | { kind: 'github'; username: string };

/** A key some source returned, and where it came from. Not trusted until verification. */
export interface KeyCandidate {
  key: PublicKey;
  /** e.g. "keyring:keys/alice.asc", "keybase:alice", "vks", "cache". */
  source: string;
  url?: string;
}

export type KeyLookup =
  | { outcome: 'found'; candidates: KeyCandidate[] }
  | { outcome: 'not-found' }
  | { outcome: 'error'; code: string; message: string };

/** Every key source answers the same question the same way, so a new source is one file. */
export interface KeySource {
  readonly name: string;
  supports(query: KeyQuery): boolean;
  lookup(query: KeyQuery): Promise<KeyLookup>;
}
