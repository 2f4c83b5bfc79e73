/**
 * The one HTTP client of pledge, and the only module that imports undici.
 *
 * Every answer comes from an untrusted server, so every request is bounded
 * (threat catalogue R-06, R-07, N-01, N-02):
 *
 * - one total deadline per `get()` (slot wait, retries, redirects, headers and
 *   the whole body): `AbortSignal.any([timeout, runSignal, signal])`. undici's
 *   own headers/body timeouts restart with every chunk, so they are only a
 *   backstop;
 * - the body is decoded here, not by undici, and the DECODED bytes are counted
 *   while they stream, so a gzip/br/deflate bomb stops at `maxResponseBytes`;
 * - only `https:` on port 443, except hosts the user named (`allowedHosts`),
 *   which may also use `http:`, other ports and private addresses;
 * - the address check runs inside the connector's `lookup`, so the address
 *   checked is the address connected to (no DNS-rebinding window). Literal IP
 *   hosts skip `lookup` in Node, so they are checked before the request;
 * - redirects are followed by hand, at most 3 hops, same origin only;
 * - at most `perHostConcurrency` requests per host at a time.
 *
 * Proxy: with HTTPS_PROXY set (and the host not matched by NO_PROXY), https
 * requests tunnel through undici's ProxyAgent. The proxy resolves the target
 * name, so the address check CANNOT see the target's IP: only literal IPs are
 * refused up front (localhost names and loopback IPs never go to the proxy, so
 * they still meet the connector check). That is the user's choice of proxy.
 *
 * Network outcomes never throw; they come back as `{ ok: false, code }`.
 * Only programming errors throw (unparseable URL, bad options, use after close).
 */
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Duplex, Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import type { Dispatcher } from 'undici';
import { zlib } from '../core/built-ins.js';
import { PledgeError } from '../core/reasons.js';
import { BLOCKED_ERROR_CODE, createGuardedLookup, isBlockedAddress, isLoopback } from './address-guard.js';

export { createGuardedLookup, isBlockedAddress, type GuardedLookup, type ResolveAll } from './address-guard.js';

export interface HttpClientOptions {
  /** e.g. 'pledge/0.1.0 (+https://github.com/…)' */
  userAgent: string;
  /** Total deadline per `get()`: slot wait, retries, redirects, headers and whole body. Default 10 000. */
  requestTimeoutMs: number;
  /** A run-wide deadline or abort: every request also stops when it fires. */
  runSignal?: AbortSignal;
  /** Cap on DECODED body bytes (compression bombs fail). Default 1 MiB. */
  maxResponseBytes: number;
  /** Retries on 429 and 5xx only, with jittered exponential backoff or Retry-After. Default 2. */
  maxRetries: number;
  /** Requests to one host at a time; the others wait their turn. Default 4. */
  perHostConcurrency: number;
  /**
   * Hosts the user named explicitly (e.g. `127.0.0.1`, `127.0.0.1:4567`, `::1`,
   * `keys.internal.example`). Only these may resolve to loopback, private or
   * link-local addresses, use a port other than 443, or use plain `http:`.
   * An entry without a port matches every port of that host.
   */
  allowedHosts?: string[];
  /** HTTPS_PROXY / https_proxy / NO_PROXY / no_proxy. `process.env` is never read here. */
  env?: Record<string, string | undefined>;
}

export type HttpFailureCode = 'network-timeout' | 'network-blocked' | 'response-too-large' | 'network-error' | 'http-error' | 'bad-redirect';

export type HttpResult = { ok: true; url: string; status: number; headers: Record<string, string>; body: Uint8Array; ms: number } | { ok: false; url: string; code: HttpFailureCode; message: string; status?: number; ms: number };

export interface HttpClient {
  get(url: string, options?: { accept?: string; signal?: AbortSignal }): Promise<HttpResult>;
  close(): Promise<void>;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_PER_HOST_CONCURRENCY = 4;
export const MAX_REDIRECTS = 3;

const ACCEPT_ENCODING = 'gzip, br, deflate';
/** First retry waits about this long (with jitter) when the server gives no Retry-After. */
const BACKOFF_BASE_MS = 200;
const BACKOFF_MAX_MS = 5_000;
/** Slack on the raw (still encoded) byte cap: incompressible data grows a little when gzipped. */
const RAW_SLACK_BYTES = 64 * 1024;

// ---------------------------------------------------------------------------
// URL and redirect rules

interface HostRule {
  hostname: string;
  port?: string;
}

function normaliseHostname(hostname: string): string {
  let h = hostname.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

function parseHostRule(entry: string): HostRule {
  const trimmed = entry.trim();
  if (trimmed === '') throw new TypeError('allowedHosts: empty entry');
  // A bare IPv6 address has several colons and no brackets.
  if (isIP(trimmed) === 6) return { hostname: normaliseHostname(trimmed) };
  let url: URL;
  try {
    url = new URL(`http://${trimmed}`);
  } catch {
    throw new TypeError(`allowedHosts: not a host: ${JSON.stringify(entry)}`);
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
    throw new TypeError(`allowedHosts: not a host: ${JSON.stringify(entry)}`);
  }
  const port = /:(\d+)$/.exec(trimmed)?.[1];
  return port === undefined ? { hostname: normaliseHostname(url.hostname) } : { hostname: normaliseHostname(url.hostname), port };
}

function effectivePort(url: URL): string {
  if (url.port) return url.port;
  return url.protocol === 'http:' ? '80' : '443';
}

/**
 * Why following a redirect from `from` to `to` is refused, or undefined when
 * the hop is fine: it must keep scheme, host and port, and never go from
 * https to http.
 */
export function checkRedirectHop(from: URL, to: URL): string | undefined {
  if (from.protocol === 'https:' && to.protocol !== 'https:') return `downgrade from https to ${to.protocol.slice(0, -1)}`;
  if (to.username || to.password) return 'redirect target carries credentials';
  if (to.origin !== from.origin) return `leaves ${from.origin}`;
  return undefined;
}

/** The proxy URL for `url` from HTTPS_PROXY/NO_PROXY in `env`, or undefined for a direct connection. */
export function proxyFor(url: URL, env: Record<string, string | undefined> | undefined): string | undefined {
  if (!env || url.protocol !== 'https:') return undefined;
  const proxy = nonEmpty(env.https_proxy) ?? nonEmpty(env.HTTPS_PROXY);
  if (proxy === undefined) return undefined;
  const hostname = normaliseHostname(url.hostname);
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return undefined;
  if (isIP(hostname) !== 0 && isLoopback(hostname)) return undefined;
  const noProxy = nonEmpty(env.no_proxy) ?? nonEmpty(env.NO_PROXY);
  if (noProxy !== undefined && matchesNoProxy(hostname, effectivePort(url), noProxy)) return undefined;
  return proxy;
}

function nonEmpty(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v ? v : undefined;
}

/** curl-style NO_PROXY: `*`, exact hosts, domain suffixes (`example.com`, `.example.com`), optional `:port`. */
function matchesNoProxy(hostname: string, port: string, noProxy: string): boolean {
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1] ?? '';
      entryPort = bracketed[2];
    } else if (isIP(entry) !== 6) {
      const withPort = /^(.*):(\d+)$/.exec(entry);
      if (withPort) {
        entry = withPort[1] ?? '';
        entryPort = withPort[2];
      }
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    entry = entry.replace(/^\*?\./, '').replace(/\.$/, '');
    if (entry === '') continue;
    if (hostname === entry || hostname.endsWith(`.${entry}`)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Per-host concurrency

class HostLimiter {
  private readonly hosts = new Map<string, { active: number; waiting: Array<() => void> }>();

  constructor(private readonly limit: number) {}

  /** Resolves with an idempotent release function; rejects when `signal` aborts first. */
  async acquire(host: string, signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    let state = this.hosts.get(host);
    if (!state) {
      state = { active: 0, waiting: [] };
      this.hosts.set(host, state);
    }
    const slot = state;
    if (slot.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const i = slot.waiting.indexOf(wake);
          if (i !== -1) slot.waiting.splice(i, 1);
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the abort reason is passed on as abort() was given it
          reject(signal.reason);
        };
        const wake = (): void => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        slot.waiting.push(wake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    } else {
      slot.active += 1;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = slot.waiting.shift();
      if (next) {
        next(); // the slot passes straight to the next waiter
      } else {
        slot.active -= 1;
        if (slot.active === 0) this.hosts.delete(host);
      }
    };
  }
}

// ---------------------------------------------------------------------------
// Body reading with decoded-byte cap

class TooLargeError extends Error {}

/** Counts bytes flowing through and fails once more than `limit` have passed. */
function byteCap(limit: number, what: string): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > limit) callback(new TooLargeError(`${what} passed ${limit} bytes`));
      else callback(null, chunk);
    },
  });
}

/** HTTP "deflate" should be zlib-wrapped, but some servers send raw deflate: look at the first byte. */
function autoInflate(): Duplex {
  return Duplex.from(async function* (source: AsyncIterable<Buffer>) {
    const iterator = source[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) return;
    const firstChunk: Buffer = first.value;
    const inflate = ((firstChunk[0] ?? 0) & 0x0f) === 0x08 ? zlib().createInflate() : zlib().createInflateRaw();
    async function* replay(): AsyncGenerator<Buffer> {
      yield firstChunk;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    }
    const feeding = pipeline(replay(), inflate, { end: true }).catch((err: unknown) => {
      inflate.destroy(err instanceof Error ? err : new Error(String(err)));
    });
    try {
      for await (const chunk of inflate) yield chunk as Buffer;
    } finally {
      inflate.destroy();
      await feeding;
    }
  });
}

function decodersFor(contentEncoding: string): Duplex[] | string {
  const codings = contentEncoding
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  const decoders: Duplex[] = [];
  // Codings are listed in the order they were applied: undo them in reverse.
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') decoders.push(zlib().createGunzip());
    else if (coding === 'br') decoders.push(zlib().createBrotliDecompress());
    else if (coding === 'deflate') decoders.push(autoInflate());
    else return coding;
  }
  return decoders;
}

async function readBody(body: Readable, contentEncoding: string, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const decoders = decodersFor(contentEncoding);
  if (typeof decoders === 'string') {
    discard(body);
    throw new DecodeError(`unsupported Content-Encoding ${sanitize(decoders)}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const collect = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > maxBytes) {
        callback(new TooLargeError(`body passed ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
      callback();
    },
  });
  const rawCap = decoders.length === 0 ? maxBytes : maxBytes + RAW_SLACK_BYTES;
  const streams: Array<NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream> = [body, byteCap(rawCap, 'encoded body'), ...decoders, collect];
  try {
    await pipeline(streams, { signal });
  } catch (err) {
    if (err instanceof TooLargeError || signal.aborted) throw err;
    if (decoders.length > 0 && isZlibError(err)) {
      throw new DecodeError(`could not decode ${sanitize(contentEncoding)} body: ${errorText(err)}`);
    }
    throw err;
  }
  const out = Buffer.concat(chunks, total);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

class DecodeError extends Error {}

/** Drops a body we will not read (undici then closes the socket); its abort error is expected. */
function discard(body: Readable): void {
  body.on('error', () => {});
  body.destroy();
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

// ---------------------------------------------------------------------------
// Retry-After and backoff

/**
 * Milliseconds a `Retry-After` value asks for (delta-seconds or HTTP-date,
 * never negative), or undefined when it is missing or does not parse.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function backoffMs(attempt: number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

// ---------------------------------------------------------------------------
// Messages

/** Untrusted text in messages: control characters escaped, length capped. */
function sanitize(text: string, max = 200): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const cause = err.cause instanceof Error && err.cause.message !== err.message ? ` (${err.cause.message})` : '';
    return sanitize(`${typeof code === 'string' ? `${code}: ` : ''}${err.message}${cause}`, 300);
  }
  return sanitize(String(err), 300);
}

function errorChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null && chain.length < 8) {
    chain.push(current);
    if (current instanceof AggregateError) chain.push(...(current.errors as unknown[]));
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function hasCode(err: unknown, codes: readonly string[]): boolean {
  return errorChain(err).some((e) => {
    const code = (e as { code?: unknown } | null)?.code;
    return typeof code === 'string' && codes.includes(code);
  });
}

// ---------------------------------------------------------------------------
// The client

type Failure = { code: HttpFailureCode; message: string; status?: number };

function isTimeoutReason(reason: unknown): boolean {
  return (reason as { name?: unknown } | null)?.name === 'TimeoutError';
}

/** undici, loaded on the first client: offline runs never pay for it (~80 ms of start-up). */
const loadUndici = () => createRequire(import.meta.url)('undici') as typeof import('undici');

export function createHttpClient(options: Partial<HttpClientOptions> & { userAgent: string }): HttpClient {
  const { Agent, ProxyAgent } = loadUndici();
  const userAgent = options.userAgent;
  if (typeof userAgent !== 'string' || userAgent.trim() === '' || /[\r\n]/.test(userAgent)) {
    throw new TypeError('createHttpClient: userAgent must be a non-empty single-line string');
  }
  const requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const maxResponseBytes = positive('maxResponseBytes', options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
  const maxRetries = nonNegativeInt('maxRetries', options.maxRetries ?? DEFAULT_MAX_RETRIES);
  const perHostConcurrency = positive('perHostConcurrency', options.perHostConcurrency ?? DEFAULT_PER_HOST_CONCURRENCY);
  if (!Number.isInteger(perHostConcurrency)) throw new RangeError('createHttpClient: perHostConcurrency must be an integer');
  const allowed = (options.allowedHosts ?? []).map(parseHostRule);
  const runSignal = options.runSignal;
  const env = options.env;

  const proxyUri = (() => {
    const raw = nonEmpty(env?.https_proxy) ?? nonEmpty(env?.HTTPS_PROXY);
    if (raw === undefined) return undefined;
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw new PledgeError('usage', 'HTTPS_PROXY is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new PledgeError('usage', `HTTPS_PROXY must be an http:// or https:// URL, not ${url.protocol}`);
    }
    return url.href;
  })();

  const common = {
    // Backstops only: the real bound is the per-request AbortSignal deadline.
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
    maxResponseSize: maxResponseBytes + RAW_SLACK_BYTES,
  };
  const connectTimeout = Math.min(requestTimeoutMs, 10_000);
  /** Hosts not named by the user: every resolved address is checked. */
  const guarded = new Agent({ ...common, connect: { timeout: connectTimeout, lookup: createGuardedLookup() } });
  /** Hosts in allowedHosts: no address check. */
  const trusted = new Agent({ ...common, connect: { timeout: connectTimeout } });
  /** Only https targets ever use the proxy. */
  const proxied = proxyUri === undefined ? undefined : new ProxyAgent({ ...common, uri: proxyUri, proxyTunnel: true });
  const limiter = new HostLimiter(perHostConcurrency);
  let closed = false;

  function isAllowed(url: URL): boolean {
    const hostname = normaliseHostname(url.hostname);
    const port = effectivePort(url);
    return allowed.some((rule) => rule.hostname === hostname && (rule.port === undefined || rule.port === port));
  }

  /** Refusals that need no connection; undefined when the URL may be requested. */
  function refuse(url: URL, named: boolean): string | undefined {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${sanitize(url.protocol)} URLs are not fetched`;
    if (url.username || url.password) return 'URL carries credentials';
    const hostname = normaliseHostname(url.hostname);
    // Plain http (hkp:// included) only for a loopback test server the user named: anywhere
    // else a network path could strip a revocation or swap a key unseen (threat catalogue N-02).
    const loopback = hostname === 'localhost' || (isIP(hostname) !== 0 && isLoopback(hostname));
    if (url.protocol === 'http:' && !(named && loopback)) return `plain http to ${url.host} (only a loopback test server named by the user may use http; use https or hkps)`;
    if (named) return undefined;
    if (isIP(hostname) !== 0 && isBlockedAddress(hostname)) {
      return `${hostname} is a loopback/private/link-local address and not an allowed host`;
    }
    if (url.port !== '' && url.port !== '443') return `port ${url.port} (only port 443 outside allowed hosts)`;
    return undefined;
  }

  function dispatcherFor(url: URL, named: boolean): Dispatcher {
    // proxyFor never proxies localhost names or loopback IPs: those go direct and
    // meet the guarded lookup. Through the proxy, the proxy resolves the name.
    if (proxied && proxyFor(url, env) !== undefined) return proxied;
    return named ? trusted : guarded;
  }

  async function attempt(url: URL, accept: string, signal: AbortSignal): Promise<Exchange> {
    const named = isAllowed(url);
    const refusal = refuse(url, named);
    if (refusal !== undefined) return { kind: 'fail', failure: { code: 'network-blocked', message: refusal } };
    const dispatcher = dispatcherFor(url, named);
    const release = await limiter.acquire(normaliseHostname(url.hostname), signal);
    try {
      const response = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { 'user-agent': userAgent, accept, 'accept-encoding': ACCEPT_ENCODING },
        signal,
      });
      const status = response.statusCode;
      const headers = flattenHeaders(response.headers);
      if (status >= 200 && status < 300) {
        const encoding = headers['content-encoding'] ?? '';
        const body = await readBody(response.body, encoding, maxResponseBytes, signal);
        if (encoding !== '') {
          delete headers['content-encoding'];
          delete headers['content-length'];
        }
        return { kind: 'ok', status, headers, body };
      }
      discard(response.body);
      return { kind: 'status', status, headers };
    } finally {
      release();
    }
  }

  async function run(start: URL, accept: string, signal: AbortSignal, deadlineAt: number, at: { url: URL }): Promise<HttpResultBody> {
    let url = start;
    let hops = 0;
    let retries = 0;
    for (;;) {
      at.url = url;
      const exchange = await attempt(url, accept, signal);
      if (exchange.kind === 'fail') return { ok: false, ...exchange.failure };
      if (exchange.kind === 'ok') return { ok: true, status: exchange.status, headers: exchange.headers, body: exchange.body };
      const { status, headers } = exchange;

      if ([301, 302, 303, 307, 308].includes(status) && headers.location !== undefined) {
        const location = headers.location;
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          return { ok: false, code: 'bad-redirect', status, message: `unparseable Location ${sanitize(location)}` };
        }
        const why = checkRedirectHop(url, next);
        if (why !== undefined) {
          return { ok: false, code: 'bad-redirect', status, message: `redirect to ${sanitize(next.href)} refused: ${why}` };
        }
        if (hops >= MAX_REDIRECTS) {
          return { ok: false, code: 'bad-redirect', status, message: `more than ${MAX_REDIRECTS} redirects` };
        }
        hops += 1;
        next.hash = '';
        url = next;
        continue;
      }

      if ((status === 429 || status >= 500) && retries < maxRetries) {
        const asked = parseRetryAfter(headers['retry-after']);
        const delay = asked ?? backoffMs(retries);
        const left = deadlineAt - performance.now();
        if (delay >= left) {
          const why = asked !== undefined ? `server asked to retry after ${Math.ceil(asked / 1000)} s` : `next retry in ${delay} ms`;
          return { ok: false, code: 'http-error', status, message: `HTTP ${status}; ${why}, past the request deadline` };
        }
        retries += 1;
        if (delay > 0) await sleep(delay, undefined, { signal });
        continue;
      }

      const tried = retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
      return { ok: false, code: 'http-error', status, message: `HTTP ${status}${tried}` };
    }
  }

  function classify(err: unknown, signals: { deadline: AbortSignal; run?: AbortSignal; caller?: AbortSignal }): Failure {
    if (signals.deadline.aborted) return { code: 'network-timeout', message: `no complete answer within ${requestTimeoutMs} ms` };
    for (const [name, s] of [
      ['run', signals.run],
      ['caller', signals.caller],
    ] as const) {
      if (s?.aborted) {
        return isTimeoutReason(s.reason) ? { code: 'network-timeout', message: `${name} deadline passed` } : { code: 'network-error', message: `aborted by ${name} signal` };
      }
    }
    if (err instanceof TooLargeError) return { code: 'response-too-large', message: err.message };
    if (err instanceof DecodeError) return { code: 'network-error', message: err.message };
    if (hasCode(err, [BLOCKED_ERROR_CODE])) {
      const blocked = errorChain(err).find((e) => (e as { code?: unknown } | null)?.code === BLOCKED_ERROR_CODE);
      return { code: 'network-blocked', message: blocked instanceof Error ? sanitize(blocked.message) : 'address blocked' };
    }
    if (hasCode(err, ['UND_ERR_RES_EXCEEDED_MAX_SIZE', 'UND_ERR_HEADERS_OVERFLOW'])) {
      return { code: 'response-too-large', message: errorText(err) };
    }
    if (hasCode(err, ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT'])) {
      return { code: 'network-timeout', message: errorText(err) };
    }
    return { code: 'network-error', message: errorText(err) };
  }

  return {
    async get(rawUrl, getOptions = {}) {
      if (closed) throw new Error('HttpClient.get() called after close()');
      const started = performance.now();
      const start = new URL(rawUrl); // throws on a malformed URL: a programming error
      start.hash = '';
      const deadline = AbortSignal.timeout(requestTimeoutMs);
      const caller = getOptions.signal;
      const parts = [deadline, runSignal, caller].filter((s): s is AbortSignal => s !== undefined);
      const signal = parts.length === 1 ? deadline : AbortSignal.any(parts);
      const at = { url: start };
      let outcome: HttpResultBody;
      try {
        if (signal.aborted) throw signal.reason;
        outcome = await run(start, getOptions.accept ?? '*/*', signal, started + requestTimeoutMs, at);
      } catch (err) {
        outcome = { ok: false, ...classify(err, { deadline, run: runSignal, caller }) };
      }
      const ms = Math.round(performance.now() - started);
      return { ...outcome, url: at.url.href, ms };
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([guarded.close(), trusted.close(), proxied?.close()]);
    },
  };
}

type Exchange = { kind: 'ok'; status: number; headers: Record<string, string>; body: Uint8Array } | { kind: 'status'; status: number; headers: Record<string, string> } | { kind: 'fail'; failure: Failure };

type HttpResultBody = { ok: true; status: number; headers: Record<string, string>; body: Uint8Array } | ({ ok: false } & Failure);

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function positive(name: string, value: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new RangeError(`createHttpClient: ${name} must be a positive number`);
  }
  return value;
}

function nonNegativeInt(name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 0)) throw new RangeError(`createHttpClient: ${name} must be a non-negative integer`);
  return value;
}
