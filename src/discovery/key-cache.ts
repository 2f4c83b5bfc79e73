import { readdir, readFile, rm } from 'node:fs/promises';
import { join, win32 } from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import { makeDirectory } from '../core/make-directory.js';
import { mergeProvenance, provenanceOf, type KeybaseClaim, type KeyCandidate, type Provenance } from './key-source.js';
import { mergeRevocations } from './keyring.js';
import { readAllKeys } from './read-keys.js';

/** One cached key: the bytes, where they came from and when (so revocations are re-fetched). */
export interface CachedKey {
  fingerprint: string;
  source: string;
  url: string | null;
  fetchedAt: string;
  armoredKey: string;
  /** Which sources supplied each user ID and subkey (K-18); absent in older entries: all from `source`. */
  provenance?: Provenance;
  /** What Keybase said about the account when it served the key: a hit reports it as the fetch did. */
  keybase?: KeybaseClaim;
}

export const DEFAULT_CACHE_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Keys on disk, keyed by primary fingerprint, with an index from every subkey fingerprint and
 * key ID. Every write is a rename of a complete file, so concurrent or killed runs never leave
 * a half-written entry.
 */
export class KeyCache {
  constructor(
    readonly directory: string,
    private readonly ttlMs = DEFAULT_CACHE_TTL_MS,
  ) {}

  private keyFile(fingerprint: string) {
    return join(this.directory, 'keys', `${fingerprint}.json`);
  }

  private indexFile(id: string) {
    return join(this.directory, 'index', id);
  }

  /** The cached keys for a fingerprint or key ID, with whether each is still fresh at `now`. */
  async get(id: string, now: Date): Promise<{ candidate: KeyCandidate; fresh: boolean }[]> {
    const upper = id.toUpperCase();
    const primaries = new Set<string>();
    const direct = await this.read(upper);
    if (direct) primaries.add(direct.fingerprint);
    const index = await readFile(this.indexFile(upper), 'utf8').catch(() => '');
    for (const line of index.split('\n')) if (/^[0-9A-F]{40,64}$/.test(line)) primaries.add(line);
    const found: { candidate: KeyCandidate; fresh: boolean }[] = [];
    for (const fingerprint of primaries) {
      const entry = fingerprint === direct?.fingerprint ? direct : await this.read(fingerprint);
      if (!entry) continue;
      const { keys } = await readAllKeys(new TextEncoder().encode(entry.armoredKey));
      const key = keys.find((k) => k.getFingerprint().toUpperCase() === entry.fingerprint);
      if (!key) continue;
      const fresh = now.getTime() - Date.parse(entry.fetchedAt) < this.ttlMs;
      // A hit names the source that first served the key, so what it vouched for still holds and
      // a manifest does not depend on whether the cache was warm (issue 20); `cached` says where the bytes are.
      found.push({ candidate: { key, source: entry.source, cached: true, url: entry.url ?? undefined, origin: entry.source, ...(entry.provenance ? { provenance: entry.provenance } : {}), ...(entry.keybase ? { keybase: entry.keybase } : {}) }, fresh });
    }
    return found;
  }

  private async read(fingerprint: string): Promise<CachedKey | null> {
    try {
      const entry = JSON.parse(await readFile(this.keyFile(fingerprint), 'utf8')) as CachedKey;
      return entry.fingerprint === fingerprint && typeof entry.armoredKey === 'string' ? entry : null;
    } catch {
      return null; // absent, or damaged by hand: treated as a miss and overwritten on the next fetch
    }
  }

  async put(candidate: KeyCandidate, now: Date): Promise<void> {
    const fingerprint = candidate.key.getFingerprint().toUpperCase();
    // Not Node's recursive mkdir: it never settles under /proc (core/make-directory.ts).
    await makeDirectory(join(this.directory, 'keys'));
    await makeDirectory(join(this.directory, 'index'));
    // K-17: a revocation once served stays: the new copy gains the cached copy's revocations.
    let key = candidate.key;
    let provenance = provenanceOf(candidate);
    const previous = await this.read(fingerprint);
    if (previous) {
      const { keys } = await readAllKeys(new TextEncoder().encode(previous.armoredKey));
      const old = keys.find((k) => k.getFingerprint().toUpperCase() === fingerprint);
      if (old) {
        key = await mergeRevocations(key, old);
        const oldProvenance = provenanceOf({ key: old, source: previous.source, ...(previous.provenance ? { provenance: previous.provenance } : {}) });
        // Only the parts the new copy still holds keep their earlier sources.
        const kept = {
          userIDs: Object.fromEntries(Object.entries(oldProvenance.userIDs).filter(([userID]) => userID in provenance.userIDs)),
          subkeys: Object.fromEntries(Object.entries(oldProvenance.subkeys).filter(([subkey]) => subkey in provenance.subkeys)),
        };
        provenance = mergeProvenance(provenance, kept);
      }
    }
    const entry: CachedKey = {
      fingerprint,
      source: candidate.origin ?? candidate.source,
      url: candidate.url ?? null,
      fetchedAt: now.toISOString(),
      armoredKey: key.armor(),
      provenance,
      ...(candidate.keybase ? { keybase: candidate.keybase } : previous?.keybase ? { keybase: previous.keybase } : {}),
    };
    await writeFileAtomic(this.keyFile(fingerprint), JSON.stringify(entry, null, 2) + '\n');
    const ids = new Set<string>();
    for (const key of [candidate.key, ...candidate.key.subkeys]) {
      ids.add(key.getKeyID().toHex().toUpperCase());
      if (key !== candidate.key) ids.add(key.getFingerprint().toUpperCase());
    }
    for (const id of ids) {
      const existing = await readFile(this.indexFile(id), 'utf8').catch(() => '');
      const lines = new Set(existing.split('\n').filter(Boolean));
      if (lines.has(fingerprint)) continue;
      lines.add(fingerprint);
      await writeFileAtomic(this.indexFile(id), [...lines].join('\n') + '\n');
    }
  }

  private accountFile(account: string) {
    return join(this.directory, 'accounts', encodeURIComponent(account));
  }

  /**
   * Remembers which keys an account (keybase:USER, github:USER, wkd:ADDRESS) served, and says
   * when it now serves none of the keys it served before: the name changed hands, or its owner
   * replaced the key (threat catalogue K-09). Returns the fingerprints it served before, if so.
   */
  async accountChange(account: string, fingerprints: string[], now: Date): Promise<{ previous: string[]; since: string } | null> {
    const file = this.accountFile(account);
    const known = JSON.parse(await readFile(file, 'utf8').catch(() => 'null')) as { fingerprints: string[]; firstSeen: string } | null;
    const changed = known && known.fingerprints.length > 0 && !known.fingerprints.some((fingerprint) => fingerprints.includes(fingerprint));
    if (!known || !changed) {
      await makeDirectory(join(this.directory, 'accounts'));
      const merged = [...new Set([...(known?.fingerprints ?? []), ...fingerprints])];
      await writeFileAtomic(file, JSON.stringify({ fingerprints: merged, firstSeen: known?.firstSeen ?? now.toISOString() }) + '\n');
      return null;
    }
    return { previous: known.fingerprints, since: known.firstSeen };
  }

  /** What an account was seen serving, without recording anything (K-20). */
  async accountKeys(account: string): Promise<{ fingerprints: string[]; firstSeen: string } | null> {
    const known = JSON.parse(await readFile(this.accountFile(account), 'utf8').catch(() => 'null')) as { fingerprints: string[]; firstSeen: string } | null;
    return known && Array.isArray(known.fingerprints) ? known : null;
  }

  async list(): Promise<CachedKey[]> {
    const names = await readdir(join(this.directory, 'keys')).catch(() => [] as string[]);
    const entries: CachedKey[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const entry = await this.read(name.slice(0, -'.json'.length));
      if (entry) entries.push(entry);
    }
    return entries;
  }

  async clear(): Promise<number> {
    const count = (await this.list()).length;
    await rm(join(this.directory, 'keys'), { recursive: true, force: true });
    await rm(join(this.directory, 'index'), { recursive: true, force: true });
    await rm(join(this.directory, 'accounts'), { recursive: true, force: true });
    return count;
  }
}

/**
 * Where the key cache lives by default: $XDG_CACHE_HOME/pledge when it is set (on any system:
 * it was set on purpose), else the system's cache folder: ~/Library/Caches/pledge on macOS,
 * %LOCALAPPDATA%\pledge\Cache on Windows (a local, not roaming, profile folder), ~/.cache/pledge elsewhere.
 */
export function defaultCacheDirectory(env: Record<string, string | undefined>, home: string, platform: NodeJS.Platform = process.platform): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'pledge');
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'pledge');
  if (platform === 'win32') return win32.join(env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local'), 'pledge', 'Cache');
  return join(home, '.cache', 'pledge');
}
