import { KeyDiscovery, type LookupRecord, type LookupStart } from '../discovery/discover-keys.js';
import { createSources, type SourceOptions } from '../discovery/create-sources.js';
import { KeyCache } from '../discovery/key-cache.js';
import type { Keyring } from '../discovery/keyring.js';
import { DEFAULT_KEY_LIMITS, type KeyLimits } from '../core/limits.js';

/** Where keys may come from beyond --keyring files. Absent: offline, no cache. */
export interface DiscoveryRequest {
  offline: boolean;
  cacheDirectory: string | null;
  cacheTtlMs?: number;
  sources: SourceOptions;
  /** Hosts the user named (base URLs, keyservers): only these may be loopback, private or plain http. */
  allowedHosts: string[];
  userAgent: string;
  /** For HTTPS_PROXY / NO_PROXY. */
  env?: Record<string, string | undefined>;
  requestTimeoutMs?: number;
  /** A deadline for all network lookups of the run. */
  runTimeoutMs?: number;
  onLookup?: (lookup: LookupRecord) => void;
  /** Told of each request as it goes out (progress). */
  onAsk?: (ask: LookupStart) => void;
  /** Ctrl-C: in-flight requests stop too. */
  signal?: AbortSignal;
  keyLimits?: Partial<KeyLimits>;
}

function runSignal(request: DiscoveryRequest): { runSignal?: AbortSignal } {
  const signals = [...(request.runTimeoutMs ? [AbortSignal.timeout(request.runTimeoutMs)] : []), ...(request.signal ? [request.signal] : [])];
  return signals.length ? { runSignal: AbortSignal.any(signals) } : {};
}

/** The discovery of one run, with the HTTP client it owns (closed by `close`). */
export async function createDiscovery(keyring: Keyring, request: DiscoveryRequest | undefined, now: Date): Promise<{ discovery: KeyDiscovery; close: () => Promise<void> }> {
  const offline = !request || request.offline;
  // Loaded only when the network may be used: an offline run never pays for undici.
  const httpModule = offline ? null : await import('../discovery/http-client.js');
  const createHttpClient = httpModule?.createHttpClient ?? null;
  const http =
    !createHttpClient || !request
      ? null
      : createHttpClient({
          userAgent: request.userAgent,
          allowedHosts: request.allowedHosts,
          env: request.env,
          ...(request.requestTimeoutMs ? { requestTimeoutMs: request.requestTimeoutMs } : {}),
          ...runSignal(request),
        });
  const cache = request?.cacheDirectory ? new KeyCache(request.cacheDirectory, request.cacheTtlMs) : null;
  const sources = http && request ? createSources(request.sources) : [];
  const identitySources = http && request ? createSources({ ...request.sources, order: ['vks', 'wkd', 'keybase', 'github'] }) : [];
  const keyLimits = { ...DEFAULT_KEY_LIMITS, ...request?.keyLimits };
  const hooks = { ...(request?.onLookup ? { onLookup: request.onLookup } : {}), ...(request?.onAsk ? { onAsk: request.onAsk } : {}) };
  // The wait for one key stays within one request deadline, however many sources are asked in turn.
  const keyDeadlineMs = http ? (request?.requestTimeoutMs ?? httpModule?.DEFAULT_REQUEST_TIMEOUT_MS) : undefined;
  const discovery = new KeyDiscovery({ keyring, cache, sources, identitySources, http, offline, now, keyLimits, ...hooks, ...(keyDeadlineMs ? { keyDeadlineMs } : {}) });
  return { discovery, close: async () => http?.close() };
}
