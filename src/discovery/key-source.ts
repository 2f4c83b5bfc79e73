import type { PublicKey } from '../openpgp/index.js';
import type { HttpClient } from './http-client.js';
import type { KeyLimits } from '../core/limits.js';

/** What a source is asked for. Fingerprints and key IDs are upper-case hex. */
export type KeyQuery =
  | { kind: 'fingerprint'; fingerprint: string }
  | { kind: 'keyID'; keyID: string }
  | { kind: 'email'; email: string }
  | { kind: 'keybase'; username: string }
  | { kind: 'github'; username: string }
  | { kind: 'url'; url: string };

/** What a Keybase server says about the account that holds a key: its claim, not proof. */
export interface KeybaseClaim {
  username: string;
  proofs: { service: string; name: string; url: string }[];
}

/** A key some source returned, and where it came from. Not trusted until verification. */
export interface KeyCandidate {
  key: PublicKey;
  /** e.g. "keyring:keys/alice.asc", "keybase:alice", "vks", "hkp:https://host" (a cached key keeps the source that first served it). */
  source: string;
  url?: string;
  keybase?: KeybaseClaim;
  /** For a cached key: the source it was first fetched from (also its `source`). */
  origin?: string;
  /** Served from the local cache rather than asked of `source` in this run. */
  cached?: boolean;
  /** The account that served this key served other keys before (K-09). */
  accountChanged?: { account: string; previous: string[]; since: string };
  /** Which sources supplied each user ID (by text) and subkey (by fingerprint): provenance is per part (K-18). */
  provenance?: Provenance;
}

export interface Provenance {
  userIDs: Record<string, string[]>;
  subkeys: Record<string, string[]>;
}

/** The candidate's provenance, or (a single-source copy) every part from its own source. */
export function provenanceOf(candidate: KeyCandidate): Provenance {
  if (candidate.provenance) return candidate.provenance;
  const from = candidate.origin ?? candidate.source;
  const userIDs: Record<string, string[]> = {};
  for (const userID of candidate.key.getUserIDs()) userIDs[userID] = [from];
  const subkeys: Record<string, string[]> = {};
  for (const subkey of candidate.key.subkeys) subkeys[subkey.getFingerprint().toUpperCase()] = [from];
  return { userIDs, subkeys };
}

/** Both provenances: every part keeps every source that supplied it. */
export function mergeProvenance(a: Provenance, b: Provenance): Provenance {
  const union = (x: Record<string, string[]>, y: Record<string, string[]>) => {
    const out: Record<string, string[]> = {};
    for (const [part, sources] of [...Object.entries(x), ...Object.entries(y)]) out[part] = [...new Set([...(out[part] ?? []), ...sources])];
    return out;
  };
  return { userIDs: union(a.userIDs, b.userIDs), subkeys: union(a.subkeys, b.subkeys) };
}

/**
 * Which of a candidate's user IDs its source vouches for (security-model.md §1.5): keys.openpgp.org
 * publishes only verified addresses, Keybase and GitHub vouch for their account's keys, WKD for
 * one address; an HKP keyserver or a bare URL vouches for nothing.
 */
export function vouchedBy(source: string): 'all' | 'none' | { email: string } {
  if (source.startsWith('hkp:') || source.startsWith('url:')) return 'none';
  if (source.startsWith('wkd:')) return { email: source.slice('wkd:'.length) };
  return 'all';
}

export type KeyLookup =
  | { outcome: 'found'; candidates: KeyCandidate[] }
  | { outcome: 'not-found' }
  | { outcome: 'error'; code: string; message: string };

export interface LookupContext {
  http: HttpClient;
  keyLimits: KeyLimits;
}

/** Every key source answers the same question the same way, so a new source is one file. */
export interface KeySource {
  readonly name: string;
  /** Query kinds this source answers in batches: asked before the others, so they batch. */
  readonly batchedKinds?: readonly KeyQuery['kind'][];
  supports(query: KeyQuery): boolean;
  lookup(query: KeyQuery, context: LookupContext): Promise<KeyLookup>;
}

export function describeQuery(query: KeyQuery): string {
  switch (query.kind) {
    case 'fingerprint':
      return query.fingerprint;
    case 'keyID':
      return query.keyID;
    case 'email':
      return query.email;
    case 'keybase':
      return `keybase:${query.username}`;
    case 'github':
      return `github:${query.username}`;
    case 'url':
      return query.url;
  }
}
