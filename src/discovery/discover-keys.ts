import type { HttpClient, HttpResult } from './http-client.js';
import type { KeyCache } from './key-cache.js';
import { describeQuery, type KeyCandidate, type KeyLookup, type KeyQuery, type KeySource } from './key-source.js';
import { Keyring, mergeRevocations } from './keyring.js';
import { DEFAULT_KEY_LIMITS, type KeyLimits } from '../core/limits.js';
import { fingerprintOf, keyIDOf } from '../openpgp/index.js';
import { Deadline } from '../core/deadline.js';

/** A source is not asked with less than this left of the key's deadline: it could not answer. */
const MIN_ASK_MS = 100;

/** A request about to go out, for a progress line: "looking up 1E62… on keys.openpgp.org (2/5)". */
export interface LookupStart {
  source: string;
  query: string;
  host: string;
  /** The source's place among those configured (1-based), and how many there are. */
  position: number;
  of: number;
}

/** Failures that say the source itself is unreachable (not that it lacks the key or answered badly). */
const SOURCE_DOWN_CODES = new Set(['network-timeout', 'network-error']);

/** One question put to one source, for the manifest: who learnt what the user was checking. */
export interface LookupRecord {
  source: string;
  query: string;
  urls: string[];
  outcome: 'found' | 'not-found' | 'mismatch' | 'error';
  code: string | null;
  ms: number;
}

export interface Issuer {
  issuerFingerprint: string | null;
  issuerKeyID: string;
}

export interface Discovered {
  candidates: KeyCandidate[];
  /** Set when no key was found and some source could not be reached: "could not check". */
  unavailable: string | null;
  /** Set when a source answered with keys, none holding the issuer (threat catalogue K-01). */
  mismatched?: string;
  /** Set when no key was found and no server was asked (--offline). */
  offline?: boolean;
}

export interface DiscoveryOptions {
  /** --keyring keys: asked first, never cached. */
  keyring: Keyring;
  cache: KeyCache | null;
  /** Network sources in the configured order; empty offline. */
  sources: KeySource[];
  /** Sources that vouch for accounts and addresses (identity checks), whatever the order. */
  identitySources?: KeySource[];
  http: HttpClient | null;
  offline: boolean;
  now: Date;
  /** Told of every lookup as it ends (progress). */
  onLookup?: (lookup: LookupRecord) => void;
  /** Told of every request as it goes out (progress); the library never writes to a terminal itself. */
  onAsk?: (ask: LookupStart) => void;
  /**
   * The wait for one key, across all the sources asked for it in turn (issue 20 #8): each is
   * given what is left, and once it is spent the rest are not asked. Default: no shared deadline.
   */
  keyDeadlineMs?: number;
  keyLimits?: KeyLimits;
}

/** Does this key hold the issuer the signature names (by fingerprint, else key ID)? */
export function holdsIssuer(candidate: KeyCandidate, issuer: Issuer): boolean {
  return [candidate.key, ...candidate.key.subkeys].some((key) =>
    issuer.issuerFingerprint
      ? fingerprintOf(key) === issuer.issuerFingerprint
      : keyIDOf(key) === issuer.issuerKeyID,
  );
}

/**
 * Finds candidate keys for a signature: --keyring files, then the cache, then each network
 * source in order, stopping at the first that returns a key holding the issuer. Every answer
 * is untrusted: keys that do not hold the issuer are dropped and recorded as a mismatch. The
 * same question is never asked twice in a run, and concurrent askers share one request.
 */
export class KeyDiscovery {
  readonly lookups: LookupRecord[] = [];
  private readonly fetched = new Keyring();
  private readonly asked = new Map<string, Promise<KeyLookup>>();
  /** Sources that timed out or could not be connected to: skipped for the rest of the run. */
  private readonly down = new Set<string>();
  /** One network search per issuer, however many documents it signed. */
  private readonly searching = new Map<string, Promise<Discovered>>();

  private readonly keyLimits: KeyLimits;
  /** Issuers searched on the network so far: capped, so one document cannot make a run fetch thousands. */
  private searched = 0;

  constructor(private readonly options: DiscoveryOptions) {
    this.keyLimits = options.keyLimits ?? DEFAULT_KEY_LIMITS;
  }

  async candidatesFor(issuer: Issuer, hints: KeyQuery[], scope: { network: boolean; why: string } = { network: true, why: '' }): Promise<Discovered> {
    const local = this.options.keyring.candidatesFor(issuer);
    if (local.length) return { candidates: local, unavailable: null };
    const found = await this.discovered(issuer, hints, scope);
    return { ...found, candidates: await this.withAccountMemory(found.candidates, hints) };
  }

  /**
   * K-20: an account the document names (github:, keybase:, an address) that served other keys
   * before flags the key, whichever source found it: found by fingerprint on keys.openpgp.org,
   * the account is not asked, but what the cache remembers it serving still counts.
   */
  private async withAccountMemory(candidates: KeyCandidate[], hints: KeyQuery[]): Promise<KeyCandidate[]> {
    const cache = this.options.cache;
    if (!cache || candidates.length === 0) return candidates;
    const out: KeyCandidate[] = [];
    for (const candidate of candidates) {
      let flagged = candidate;
      for (const hint of hints) {
        if (flagged.accountChanged || (hint.kind !== 'keybase' && hint.kind !== 'github' && hint.kind !== 'email')) continue;
        const account = describeQuery(hint);
        const known = await cache.accountKeys(account);
        if (known && known.fingerprints.length && !known.fingerprints.includes(candidate.key.getFingerprint().toUpperCase())) {
          flagged = { ...candidate, accountChanged: { account, previous: known.fingerprints, since: known.firstSeen } };
        }
      }
      out.push(flagged);
    }
    return out;
  }

  private async discovered(issuer: Issuer, hints: KeyQuery[], scope: { network: boolean; why: string }): Promise<Discovered> {
    const known = this.fetched.candidatesFor(issuer);
    if (known.length) return { candidates: known, unavailable: null };
    if (!scope.network) {
      const cached = await this.fromCache(issuer);
      if (cached.length) return { candidates: cached, unavailable: null };
      return this.options.offline ? { candidates: [], unavailable: null, offline: true } : { candidates: [], unavailable: scope.why };
    }

    const id = `${issuer.issuerFingerprint ?? issuer.issuerKeyID}|${hints.map(describeQuery).join(',')}`;
    let search = this.searching.get(id);
    if (!search) {
      search = this.search(issuer, hints);
      this.searching.set(id, search);
    }
    return search;
  }

  private async search(issuer: Issuer, hints: KeyQuery[]): Promise<Discovered> {
    const cached = await this.fromCache(issuer);
    if (cached.length) return { candidates: cached, unavailable: null };
    if (this.options.offline || !this.options.http) return { candidates: [], unavailable: null, offline: true };
    if (++this.searched > this.keyLimits.maxDistinctKeys) {
      return { candidates: [], unavailable: `not searched: this run already looked up ${this.keyLimits.maxDistinctKeys} distinct keys (raise it with --max-keys)` };
    }

    let unavailable: string | null = null;
    let mismatched: string | undefined;
    const primary: KeyQuery = issuer.issuerFingerprint
      ? { kind: 'fingerprint', fingerprint: issuer.issuerFingerprint }
      : { kind: 'keyID', keyID: issuer.issuerKeyID };
    const budget = this.options.keyDeadlineMs ? new Deadline(this.options.keyDeadlineMs) : null;
    for (const source of this.options.sources) {
      const queries = [primary, ...hints].filter((q) => source.supports(q));
      const batched = (q: KeyQuery) => (source.batchedKinds?.includes(q.kind) ? 0 : 1);
      for (const query of queries.sort((a, b) => batched(a) - batched(b))) {
        if (budget && budget.remaining() < MIN_ASK_MS) {
          // Not asked: the wait for this key has had its --timeout (recorded, so the manifest says so).
          this.note({ source: source.name, query: describeQuery(query), urls: [], outcome: 'error', code: 'key-deadline', ms: 0 });
          unavailable ??= `the sources asked before ${source.name} used up this key's ${budget.ms / 1000} s deadline`;
          continue;
        }
        const lookup = await this.ask(source, query, issuer, budget);
        if (lookup.outcome === 'error') unavailable ??= `${source.name}: ${lookup.message}`;
        if (lookup.outcome !== 'found') continue;
        const matching = lookup.candidates.filter((candidate) => holdsIssuer(candidate, issuer));
        if (matching.length === 0) {
          mismatched ??= `${source.name} answered ${describeQuery(query)} with ${lookup.candidates.length === 1 ? 'a key' : 'keys'} not holding the signature's key (refused)`;
          continue;
        }
        const changed = await this.accountChange(query, lookup.candidates.map((candidate) => candidate.key.getFingerprint().toUpperCase()));
        for (const found of matching) {
          const candidate = await this.withRevocations(found);
          if (changed) {
            // Not kept for later signatures: the warning belongs to what this account served now.
            return { candidates: [{ ...candidate, accountChanged: changed }], unavailable: null };
          }
          await this.fetched.add(candidate);
          await this.options.cache?.put(candidate, this.options.now);
        }
        return { candidates: this.fetched.candidatesFor(issuer), unavailable: null };
      }
    }
    return { candidates: [], unavailable, ...(mismatched ? { mismatched } : {}) };
  }

  /** For account queries, what the cache remembers this account serving before (K-09). */
  private async accountChange(query: KeyQuery, fingerprints: string[]): Promise<KeyCandidate['accountChanged'] | null> {
    const cache = this.options.cache;
    if (!cache || (query.kind !== 'keybase' && query.kind !== 'github' && query.kind !== 'email')) return null;
    const account = describeQuery(query);
    const change = await cache.accountChange(account, fingerprints, this.options.now);
    return change ? { account, ...change } : null;
  }

  /**
   * K-12, K-17: a source may serve a stale copy without a revocation, or slip a certificate into
   * its answer for another issuer. A key found anywhere but keys.openpgp.org (which passes
   * revocations on) is asked for by its own fingerprint of every keyserver configured, before or
   * after, and their revocations, only those, are merged in: their user IDs and subkeys are not
   * taken, and every revocation is still checked against the key before it counts.
   */
  private async withRevocations(found: KeyCandidate): Promise<KeyCandidate> {
    const fingerprint = found.key.getFingerprint().toUpperCase();
    const query: KeyQuery = { kind: 'fingerprint', fingerprint };
    const own: Issuer = { issuerFingerprint: fingerprint, issuerKeyID: fingerprint.slice(-16) };
    let key = found.key;
    for (const source of this.options.sources.filter((s) => found.source !== 'vks' && s.name !== found.source && (s.name === 'vks' || s.name.startsWith('hkp:')) && s.supports(query))) {
      const lookup = await this.ask(source, query, own);
      if (lookup.outcome !== 'found') continue;
      for (const copy of lookup.candidates.filter((c) => c.key.getFingerprint().toUpperCase() === fingerprint)) key = await mergeRevocations(key, copy.key);
    }
    // What the cache ever held for it counts too, stale or not: a revocation is never forgotten.
    for (const entry of (await this.options.cache?.get(fingerprint, this.options.now)) ?? []) {
      if (entry.candidate.key.getFingerprint().toUpperCase() === fingerprint) key = await mergeRevocations(key, entry.candidate.key);
    }
    return key === found.key ? found : { ...found, key };
  }

  /**
   * `pledge keys fetch`: asks each source in order for a fingerprint, key ID or identity and
   * caches what the first answering source returns. Fingerprint and key ID answers must hold
   * what was asked for; identity answers are what that service vouches for.
   */
  async fetch(query: KeyQuery): Promise<KeyCandidate[]> {
    const issuer: Issuer | null =
      query.kind === 'fingerprint' ? { issuerFingerprint: query.fingerprint, issuerKeyID: query.fingerprint.slice(-16) }
      : query.kind === 'keyID' ? { issuerFingerprint: null, issuerKeyID: query.keyID }
      : null;
    for (const source of this.options.sources.filter((s) => s.supports(query))) {
      const lookup = await this.ask(source, query, issuer);
      if (lookup.outcome !== 'found') continue;
      const matching = issuer ? lookup.candidates.filter((candidate) => holdsIssuer(candidate, issuer)) : lookup.candidates;
      if (matching.length === 0) continue;
      for (const candidate of matching) await this.options.cache?.put(candidate, this.options.now);
      return matching;
    }
    return [];
  }

  /**
   * The primary keys a service says belong to an account or address: Keybase and GitHub for
   * their accounts; keys.openpgp.org (verified addresses only) and WKD for an e-mail address.
   */
  async keysClaimedBy(query: KeyQuery): Promise<{ fingerprints: Set<string>; error: string | null; offline?: boolean; changed?: KeyCandidate['accountChanged'] }> {
    const fingerprints = new Set<string>();
    if (this.options.offline || !this.options.http) return { fingerprints, error: 'offline: no service can be asked', offline: true };
    let error: string | null = null;
    for (const source of (this.options.identitySources ?? []).filter((s) => s.supports(query))) {
      const lookup = await this.ask(source, query, null);
      if (lookup.outcome === 'error') error ??= `${source.name}: ${lookup.message}`;
      if (lookup.outcome === 'found') for (const candidate of lookup.candidates) fingerprints.add(candidate.key.getFingerprint().toUpperCase());
    }
    // K-20: the account memory is consulted (and kept) whichever source found the key.
    const changed = fingerprints.size ? await this.accountChange(query, [...fingerprints]) : null;
    return { fingerprints, error, ...(changed ? { changed } : {}) };
  }

  private async fromCache(issuer: Issuer): Promise<KeyCandidate[]> {
    const cache = this.options.cache;
    if (!cache) return [];
    const entries = await cache.get(issuer.issuerFingerprint ?? issuer.issuerKeyID, this.options.now);
    // Offline, a stale key is better than none; online it is fetched again for new revocations.
    const usable = entries.filter((entry) => entry.fresh || this.options.offline).map((entry) => entry.candidate);
    const matching = usable.filter((candidate) => holdsIssuer(candidate, issuer));
    for (const candidate of matching) await this.fetched.add(candidate);
    return matching.length ? this.fetched.candidatesFor(issuer) : [];
  }

  private ask(source: KeySource, query: KeyQuery, issuer: Issuer | null, budget: Deadline | null = null): Promise<KeyLookup> {
    const key = `${source.name}|${describeQuery(query)}`;
    let pending = this.asked.get(key);
    if (!pending) {
      pending = this.record(source, query, issuer, budget);
      this.asked.set(key, pending);
    }
    return pending;
  }

  private async record(source: KeySource, query: KeyQuery, issuer: Issuer | null, budget: Deadline | null): Promise<KeyLookup> {
    if (this.down.has(source.name)) {
      // One unreachable source costs one --timeout per run, not one per key (issue 20 #8).
      const message = `${source.name} did not answer earlier in this run: not asked again`;
      this.note({ source: source.name, query: describeQuery(query), urls: [], outcome: 'error', code: 'source-down', ms: 0 });
      return { outcome: 'error', code: 'source-down', message };
    }
    const urls: string[] = [];
    const http = this.options.http!;
    const sources = this.options.sources.includes(source) ? this.options.sources : (this.options.identitySources ?? [source]);
    // Given less than a whole deadline (others spent the rest), a source cut short is not down.
    const shortened = budget !== null && budget.remaining() < budget.ms * 0.9;
    const recording: HttpClient = {
      get: (url, options): Promise<HttpResult> => {
        urls.push(url);
        this.options.onAsk?.({ source: source.name, query: describeQuery(query), host: new URL(url).host, position: sources.indexOf(source) + 1, of: sources.length });
        const signals = [options?.signal, budget?.signal()].filter((signal): signal is AbortSignal => signal !== undefined);
        return http.get(url, { ...options, ...(signals.length ? { signal: signals.length === 1 ? signals[0]! : AbortSignal.any(signals) } : {}) });
      },
      close: () => http.close(),
    };
    const started = performance.now();
    let lookup = await source.lookup(query, { http: recording, keyLimits: this.keyLimits });
    if (shortened && lookup.outcome === 'error' && SOURCE_DOWN_CODES.has(lookup.code) && budget!.remaining() === 0) {
      lookup = { outcome: 'error', code: 'key-deadline', message: `cut short: the sources asked before it used up this key's ${budget!.ms / 1000} s deadline` };
    }
    const mismatch = lookup.outcome === 'found' && issuer !== null && !lookup.candidates.some((candidate) => holdsIssuer(candidate, issuer));
    const record: LookupRecord = {
      source: source.name,
      query: describeQuery(query),
      urls,
      outcome: mismatch ? 'mismatch' : lookup.outcome,
      code: lookup.outcome === 'error' ? lookup.code : null,
      ms: Math.round(performance.now() - started),
    };
    if (lookup.outcome === 'error' && SOURCE_DOWN_CODES.has(lookup.code)) this.down.add(source.name);
    this.note(record);
    return lookup;
  }

  private note(record: LookupRecord): void {
    this.lookups.push(record);
    this.options.onLookup?.(record);
  }
}
