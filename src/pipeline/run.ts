import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import { collectPaths } from '../extract/collect-paths.js';
import type { LookupRecord } from '../discovery/discover-keys.js';
import type { KeyQuery } from '../discovery/key-source.js';
import { loadKeyringFiles } from '../discovery/sources/keyring-files.js';
import { buildManifest, type Manifest, type ManifestDocument, type SignatureClaims } from '../report/manifest.js';
import { Keyring } from '../verify/keyring.js';
import { createPolicy } from '../verify/policy.js';
import { createDiscovery, type DiscoveryRequest } from './create-discovery.js';
import { claimsOf, describeDocument, type SignatureJudge } from './describe-document.js';
import { judgeWith } from './judge-signature.js';

export type { DiscoveryRequest } from './create-discovery.js';

export interface VerifyRequest {
  paths: string[];
  keyrings: string[];
  version: string;
  /** The time signatures are judged at (default: now). */
  now?: Date;
  limits?: Partial<Limits>;
  discovery?: DiscoveryRequest;
}

export async function loadKeyring(paths: string[]): Promise<Keyring> {
  const keyring = new Keyring();
  for (const candidate of await loadKeyringFiles(paths)) await keyring.add(candidate);
  return keyring;
}

/** document → blocks → cleartext → keys → verdicts → manifest, one document at a time. */
export async function verifyDocuments(request: VerifyRequest): Promise<Manifest> {
  const limits = { ...DEFAULT_LIMITS, ...request.limits };
  const policy = createPolicy(request.now);
  const { discovery, close } = createDiscovery(await loadKeyring(request.keyrings), request.discovery, policy.now);
  try {
    const judge = judgeWith(discovery, policy);
    const documents: ManifestDocument[] = [];
    for (const path of await collectPaths(request.paths)) documents.push(await describeDocument(path, path, limits, judge));
    return buildManifest(documents, request.version, discovery.lookups);
  } finally {
    await close();
  }
}

/** The same walk without keys or verdicts: what each block claims, for `pledge inspect`. */
export async function inspectDocuments(paths: string[], limits: Partial<Limits> = {}): Promise<ManifestDocument<SignatureClaims>[]> {
  const merged = { ...DEFAULT_LIMITS, ...limits };
  const claims: SignatureJudge<SignatureClaims> = async (_text, signature) => claimsOf(signature);
  const documents: ManifestDocument<SignatureClaims>[] = [];
  for (const path of await collectPaths(paths)) documents.push(await describeDocument(path, path, merged, claims));
  return documents;
}

export interface FetchedKey {
  fingerprint: string;
  userIDs: string[];
  source: string;
  url: string | null;
}

/** `pledge keys fetch`: one query through the sources, into the cache. */
export async function fetchKeys(query: KeyQuery, request: DiscoveryRequest): Promise<{ keys: FetchedKey[]; lookups: LookupRecord[] }> {
  const { discovery, close } = createDiscovery(new Keyring(), request, new Date());
  try {
    const candidates = await discovery.fetch(query);
    const keys = candidates.map((candidate) => ({
      fingerprint: candidate.key.getFingerprint().toUpperCase(),
      userIDs: candidate.key.getUserIDs(),
      source: candidate.source,
      url: candidate.url ?? null,
    }));
    return { keys, lookups: discovery.lookups };
  } finally {
    await close();
  }
}
