import type { HttpClient } from '../http-client.js';
import type { KeybaseClaim, KeyCandidate, KeyLookup, KeyQuery, KeySource } from '../key-source.js';
import { readAllKeys } from '../read-keys.js';
import { isUsername } from '../identifiers.js';
import { joinURL } from './http-keys.js';
import type { KeyLimits } from '../../core/limits.js';

interface KeybaseUser {
  basics?: { username?: string };
  public_keys?: { pgp_public_keys?: string[] };
  proofs_summary?: { all?: { proof_type?: string; nametag?: string; service_url?: string; human_url?: string }[] };
}

interface KeybaseAnswer {
  status?: { code?: number; name?: string; desc?: string };
  them?: (KeybaseUser | null)[];
}

const FIELDS = 'basics,public_keys,proofs_summary';
const BATCH = 50;
/** How long a username waits for others to share its request. */
const BATCH_WINDOW_MS = 25;

function claimOf(user: KeybaseUser, username: string): KeybaseClaim {
  const proofs = (user.proofs_summary?.all ?? []).map((proof) => ({
    service: String(proof.proof_type ?? ''),
    name: String(proof.nametag ?? ''),
    url: String(proof.service_url ?? proof.human_url ?? ''),
  }));
  return { username, proofs };
}

async function candidatesOf(user: KeybaseUser, url: string, limits: KeyLimits): Promise<KeyCandidate[]> {
  const username = String(user.basics?.username ?? '');
  const armored = (user.public_keys?.pgp_public_keys ?? []).filter((key) => typeof key === 'string').join('\n');
  // A user whose keys exceed the limits is treated as holding none (never parsed).
  const { keys } = await readAllKeys(new TextEncoder().encode(armored), limits);
  const claim = claimOf(user, username);
  return keys.map((key) => ({ key, source: `keybase:${username}`, url, keybase: claim }));
}

/** Keybase answers 200 for nearly everything; success is status.code 0 (Keybase API: user/lookup.json). */
async function fetchLookup(http: HttpClient, url: string): Promise<{ ok: true; them: (KeybaseUser | null)[] } | { ok: false; lookup: KeyLookup }> {
  const result = await http.get(url, { accept: 'application/json' });
  if (!result.ok) {
    if (result.code === 'http-error' && result.status === 404) return { ok: false, lookup: { outcome: 'not-found' } };
    return { ok: false, lookup: { outcome: 'error', code: result.code, message: `${result.message} (${url})` } };
  }
  let answer: KeybaseAnswer;
  try {
    answer = JSON.parse(new TextDecoder().decode(result.body)) as KeybaseAnswer;
  } catch {
    return { ok: false, lookup: { outcome: 'error', code: 'bad-response', message: `Keybase answered with something that is not JSON (${url})` } };
  }
  if (answer?.status?.code !== 0) {
    const why = answer?.status?.desc ?? answer?.status?.name ?? 'no status';
    return { ok: false, lookup: { outcome: 'error', code: 'bad-response', message: `Keybase refused the lookup: ${why} (${url})` } };
  }
  return { ok: true, them: Array.isArray(answer.them) ? answer.them : [] };
}

/**
 * Keybase's user/lookup.json by key_fingerprint, key_suffix (64-bit key ID) or usernames.
 * Username lookups made in the same tick are sent as one batched request.
 */
export function createKeybaseSource(baseURL = 'https://keybase.io'): KeySource {
  const endpoint = joinURL(baseURL, '/_/api/1.0/user/lookup.json');
  let pending: { username: string; http: HttpClient; limits: KeyLimits; resolve: (lookup: KeyLookup) => void }[] = [];

  async function flush(batch: typeof pending): Promise<void> {
    const url = `${endpoint}?usernames=${batch.map((entry) => encodeURIComponent(entry.username)).join(',')}&fields=${FIELDS}`;
    const answer = await fetchLookup(batch[0]!.http, url);
    for (const [index, entry] of batch.entries()) {
      if (!answer.ok) {
        entry.resolve(answer.lookup);
        continue;
      }
      const user = answer.them[index];
      const candidates = user ? await candidatesOf(user, url, entry.limits) : [];
      entry.resolve(candidates.length ? { outcome: 'found', candidates } : { outcome: 'not-found' });
    }
  }

  let timer: NodeJS.Timeout | null = null;
  const send = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = [];
    void flush(batch);
  };

  /** Names asked within a short window (or until a batch is full) go out as one request. */
  function byUsername(username: string, http: HttpClient, limits: KeyLimits): Promise<KeyLookup> {
    return new Promise((resolve) => {
      pending.push({ username, http, limits, resolve });
      if (pending.length >= BATCH) send();
      else timer ??= setTimeout(send, BATCH_WINDOW_MS);
    });
  }

  const selectorFor = (query: KeyQuery): string | null =>
    query.kind === 'fingerprint' && query.fingerprint.length === 40
      ? `key_fingerprint=${query.fingerprint.toLowerCase()}`
      : query.kind === 'keyID'
        ? `key_suffix=${query.keyID.toLowerCase()}`
        : null;

  return {
    name: 'keybase',
    batchedKinds: ['keybase'],
    supports: (query) => selectorFor(query) !== null || (query.kind === 'keybase' && isUsername(query.username)),
    async lookup(query, { http, keyLimits }) {
      if (query.kind === 'keybase') return isUsername(query.username) ? byUsername(query.username, http, keyLimits) : { outcome: 'not-found' };
      const selector = selectorFor(query);
      if (!selector) return { outcome: 'not-found' };
      const url = `${endpoint}?${selector}&fields=${FIELDS}`;
      const answer = await fetchLookup(http, url);
      if (!answer.ok) return answer.lookup;
      const candidates = (await Promise.all(answer.them.filter((user): user is KeybaseUser => user !== null).map((user) => candidatesOf(user, url, keyLimits)))).flat();
      return candidates.length ? { outcome: 'found', candidates } : { outcome: 'not-found' };
    },
  };
}
