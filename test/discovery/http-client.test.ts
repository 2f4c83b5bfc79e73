/**
 * The HTTP client against real node:http servers on 127.0.0.1:
 * real sockets exercise undici's abort, timeout and body paths; nothing is mocked.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkRedirectHop,
  createGuardedLookup,
  createHttpClient,
  isBlockedAddress,
  parseRetryAfter,
  proxyFor,
  type HttpClient,
  type HttpClientOptions,
  type HttpResult,
} from '../../src/discovery/http-client.js';

// ---------------------------------------------------------------------------
// A tiny real server

type Handler = (req: IncomingMessage, res: ServerResponse, server: LocalServer) => void;

interface LocalServer {
  origin: string;
  port: number;
  /** Requests received (path + headers), in order. */
  requests: Array<{ path: string; headers: http.IncomingHttpHeaders }>;
  /** TCP connections accepted. */
  connections: number;
  active: number;
  maxActive: number;
  /** Bytes the handler managed to write (for streaming faults). */
  sentBytes: number;
  close(): Promise<void>;
}

const servers: LocalServer[] = [];
const clients: HttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Handler): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    local.requests.push({ path: req.url ?? '', headers: req.headers });
    local.active += 1;
    local.maxActive = Math.max(local.maxActive, local.active);
    res.once('close', () => {
      local.active -= 1;
    });
    handler(req, res, local);
  });
  server.on('connection', (socket: Socket) => {
    local.connections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const local: LocalServer = {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests: [],
    connections: 0,
    active: 0,
    maxActive: 0,
    sentBytes: 0,
    async close() {
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
  servers.push(local);
  return local;
}

function client(options: Partial<HttpClientOptions> = {}): HttpClient {
  const c = createHttpClient({ userAgent: 'pledge-test/1.0', allowedHosts: ['127.0.0.1'], ...options });
  clients.push(c);
  return c;
}

function text(result: HttpResult): string {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return Buffer.from(result.body).toString('utf8');
}

/** Writes `chunk` until the client goes away or `total` bytes are out, honouring backpressure. */
function pump(res: ServerResponse, server: LocalServer, chunk: Buffer, total = Infinity): void {
  let stopped = false;
  res.once('close', () => {
    stopped = true;
  });
  const write = (): void => {
    while (!stopped && !res.destroyed && server.sentBytes < total) {
      server.sentBytes += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', write);
        return;
      }
    }
    if (!stopped && !res.destroyed) res.end();
  };
  write();
}

const elapsed = (since: number): number => performance.now() - since;

// ---------------------------------------------------------------------------
// Pure rules

describe('isBlockedAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '100.127.255.255',
    '224.0.0.1',
    '255.255.255.255',
  ])('blocks IPv4 %s', (ip) => expect(isBlockedAddress(ip)).toBe(true));

  it.each(['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '192.169.0.1', '93.184.216.34'])(
    'allows public IPv4 %s',
    (ip) => expect(isBlockedAddress(ip)).toBe(false),
  );

  it.each(['::1', '::', '[::1]', 'fe80::1', 'fe80::1%eth0', 'febf:ffff::1', 'fec0::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '0:0:0:0:0:0:0:1'])(
    'blocks IPv6 %s',
    (ip) => expect(isBlockedAddress(ip)).toBe(true),
  );

  it.each(['2001:4860:4860::8888', '2606:4700:4700::1111', '2a00:1450::1'])('allows public IPv6 %s', (ip) =>
    expect(isBlockedAddress(ip)).toBe(false),
  );

  it.each([
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::FFFF:10.1.2.3',
    '::ffff:169.254.169.254',
    '::ffff:192.168.0.1',
    '0:0:0:0:0:ffff:ac10:0001',
    '::127.0.0.1', // deprecated IPv4-compatible
    '64:ff9b::10.0.0.1', // NAT64 to a private address
    '2002:7f00:1::', // 6to4 wrapping 127.0.0.1
  ])('blocks v4-mapped or embedded private %s', (ip) => expect(isBlockedAddress(ip)).toBe(true));

  it.each(['::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::8.8.8.8', '2002:808:808::1'])('allows v4-mapped public %s', (ip) =>
    expect(isBlockedAddress(ip)).toBe(false),
  );

  it.each(['', 'localhost', 'example.com', '256.1.1.1', '1.2.3', '::ffff:1.2.3.4.5', 'gggg::1'])('fails closed on non-address %j', (ip) =>
    expect(isBlockedAddress(ip)).toBe(true),
  );
});

describe('checkRedirectHop', () => {
  const u = (s: string): URL => new URL(s);
  it('accepts a same-origin hop', () => {
    expect(checkRedirectHop(u('https://keys.example/a'), u('https://keys.example/b?x=1'))).toBeUndefined();
  });
  it('refuses https to http, even on the same host', () => {
    expect(checkRedirectHop(u('https://keys.example/a'), u('http://keys.example/a'))).toMatch(/downgrade/);
  });
  it('refuses another host, port or scheme', () => {
    expect(checkRedirectHop(u('https://keys.example/a'), u('https://evil.example/a'))).toMatch(/leaves/);
    expect(checkRedirectHop(u('https://keys.example/a'), u('https://keys.example:8443/a'))).toMatch(/leaves/);
    expect(checkRedirectHop(u('http://127.0.0.1:1/a'), u('https://127.0.0.1:1/a'))).toMatch(/leaves/);
  });
  it('refuses a target with credentials', () => {
    expect(checkRedirectHop(u('https://keys.example/a'), u('https://user:pw@keys.example/a'))).toMatch(/credentials/);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });
  it('reads an HTTP date, never negative', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores junk', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('-1', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });
});

describe('proxyFor', () => {
  const target = new URL('https://keys.openpgp.org/vks/v1/by-fingerprint/AB');
  it('uses https_proxy or HTTPS_PROXY for https targets', () => {
    expect(proxyFor(target, { HTTPS_PROXY: 'http://proxy:3128' })).toBe('http://proxy:3128');
    expect(proxyFor(target, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })).toBe('http://lower:1');
    expect(proxyFor(target, {})).toBeUndefined();
    expect(proxyFor(new URL('http://127.0.0.1:4567/'), { HTTPS_PROXY: 'http://proxy:3128' })).toBeUndefined();
  });
  it('honours NO_PROXY hosts, domain suffixes, ports and *', () => {
    const env = (noProxy: string): Record<string, string> => ({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: noProxy });
    expect(proxyFor(target, env('openpgp.org'))).toBeUndefined();
    expect(proxyFor(target, env('.openpgp.org'))).toBeUndefined();
    expect(proxyFor(target, env('other.example, keys.openpgp.org'))).toBeUndefined();
    expect(proxyFor(target, env('keys.openpgp.org:443'))).toBeUndefined();
    expect(proxyFor(target, env('*'))).toBeUndefined();
    expect(proxyFor(target, { HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'openpgp.org' })).toBeUndefined();
    expect(proxyFor(target, env('keys.openpgp.org:8443'))).toBe('http://proxy:3128');
    expect(proxyFor(target, env('pgp.org'))).toBe('http://proxy:3128');
    expect(proxyFor(target, env('evil-openpgp.org'))).toBe('http://proxy:3128');
  });
  it('never proxies loopback', () => {
    const env = { HTTPS_PROXY: 'http://proxy:3128' };
    expect(proxyFor(new URL('https://localhost/'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://127.0.0.1/'), env)).toBeUndefined();
    expect(proxyFor(new URL('https://[::1]/'), env)).toBeUndefined();
  });
});

describe('createGuardedLookup (the connector lookup)', () => {
  const resolver =
    (addresses: LookupAddress[]) =>
    async (): Promise<LookupAddress[]> =>
      addresses;
  const call = (lookup: ReturnType<typeof createGuardedLookup>, all: boolean) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
      lookup('keys.example', { all }, (err, address, family) => resolve({ err, address, family })),
    );

  it('refuses a name with any private address (DNS rebinding, mixed records)', async () => {
    const lookup = createGuardedLookup(
      resolver([
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.1', family: 4 },
      ]),
    );
    const { err } = await call(lookup, true);
    expect(err?.code).toBe('ERR_PLEDGE_BLOCKED_ADDRESS');
    expect(err?.message).toMatch(/10\.0\.0\.1/);
    const mapped = await call(createGuardedLookup(resolver([{ address: '::ffff:169.254.169.254', family: 6 }])), false);
    expect(mapped.err?.code).toBe('ERR_PLEDGE_BLOCKED_ADDRESS');
  });

  it('hands the checked public addresses to the socket in both callback forms', async () => {
    const addresses = [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ];
    const lookup = createGuardedLookup(resolver(addresses));
    expect(await call(lookup, true)).toEqual({ err: null, address: addresses, family: undefined });
    expect(await call(lookup, false)).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('passes resolver errors through', async () => {
    const failing = createGuardedLookup(async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND keys.example'), { code: 'ENOTFOUND' });
    });
    expect((await call(failing, true)).err?.code).toBe('ENOTFOUND');
  });
});

// ---------------------------------------------------------------------------
// Against real servers

describe('createHttpClient', () => {
  it('fetches a body and sends User-Agent, Accept and Accept-Encoding', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pgp-keys' });
      res.end('-----BEGIN PGP PUBLIC KEY BLOCK-----');
    });
    const result = await client().get(`${server.origin}/key?x=1#frag`, { accept: 'application/pgp-keys' });
    expect(text(result)).toBe('-----BEGIN PGP PUBLIC KEY BLOCK-----');
    expect(result).toMatchObject({ ok: true, status: 200, url: `${server.origin}/key?x=1` });
    expect(result.ok && result.headers['content-type']).toBe('application/pgp-keys');
    expect(result.ms).toBeGreaterThanOrEqual(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.path).toBe('/key?x=1');
    expect(server.requests[0]?.headers['user-agent']).toBe('pledge-test/1.0');
    expect(server.requests[0]?.headers.accept).toBe('application/pgp-keys');
    expect(server.requests[0]?.headers['accept-encoding']).toBe('gzip, br, deflate');
  });

  it('returns 404 as http-error without retrying', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(404);
      res.end('not found');
    });
    const result = await client().get(`${server.origin}/missing`);
    expect(result).toMatchObject({ ok: false, code: 'http-error', status: 404, url: `${server.origin}/missing` });
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 503 honouring Retry-After: 0', async () => {
    const server = await serve((_req, res) => {
      if (server.requests.length === 1) {
        res.writeHead(503, { 'retry-after': '0' });
        res.end('busy');
      } else {
        res.end('ok');
      }
    });
    const result = await client().get(`${server.origin}/k`);
    expect(text(result)).toBe('ok');
    expect(server.requests).toHaveLength(2);
  });

  it('waits as long as Retry-After asks when it fits in the deadline', async () => {
    const server = await serve((_req, res) => {
      if (server.requests.length === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end();
      } else {
        res.end('ok');
      }
    });
    const t0 = performance.now();
    const result = await client({ requestTimeoutMs: 4000 }).get(`${server.origin}/k`);
    expect(text(result)).toBe('ok');
    expect(elapsed(t0)).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up at once when Retry-After passes the deadline', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(429, { 'retry-after': '60' });
      res.end();
    });
    const t0 = performance.now();
    const result = await client({ requestTimeoutMs: 2000 }).get(`${server.origin}/k`);
    expect(elapsed(t0)).toBeLessThan(1500);
    expect(result).toMatchObject({ ok: false, code: 'http-error', status: 429 });
    expect(!result.ok && result.message).toMatch(/deadline/);
    expect(server.requests).toHaveLength(1);
  });

  it('stops after maxRetries on a persistent 5xx', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(502);
      res.end();
    });
    const result = await client({ maxRetries: 2 }).get(`${server.origin}/k`);
    expect(result).toMatchObject({ ok: false, code: 'http-error', status: 502 });
    expect(server.requests).toHaveLength(3);
  });

  it('ends a slow-loris body in network-timeout within the request deadline', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      const timer = setInterval(() => res.write('x'), 100);
      res.once('close', () => clearInterval(timer));
    });
    const t0 = performance.now();
    const result = await client({ requestTimeoutMs: 600 }).get(`${server.origin}/slow`);
    expect(result).toMatchObject({ ok: false, code: 'network-timeout' });
    expect(elapsed(t0)).toBeLessThan(2500);
    expect(result.ms).toBeGreaterThanOrEqual(500);
  });

  it('ends a server that never sends headers in network-timeout', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const result = await client({ requestTimeoutMs: 300 }).get(`${server.origin}/hang`);
    expect(result).toMatchObject({ ok: false, code: 'network-timeout' });
  });

  it('stops an endless body at maxResponseBytes', async () => {
    const server = await serve((_req, res, self) => {
      res.writeHead(200);
      pump(res, self, Buffer.alloc(16 * 1024, 0x41));
    });
    const result = await client({ maxResponseBytes: 64 * 1024 }).get(`${server.origin}/endless`);
    expect(result).toMatchObject({ ok: false, code: 'response-too-large' });
  });

  it('refuses a declared Content-Length over the cap', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(2 * 1024 * 1024) });
      res.end(Buffer.alloc(2 * 1024 * 1024));
    });
    const result = await client().get(`${server.origin}/big`);
    expect(result).toMatchObject({ ok: false, code: 'response-too-large' });
  });

  it('stops a gzip bomb at the decoded cap without reading it all', async () => {
    // 3000 gzip members of 10 MB of zeros each: ~30 MB on the wire, ~30 GB decoded.
    const member = zlib.gzipSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 });
    const total = member.length * 3000;
    const server = await serve((_req, res, self) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/pgp-keys' });
      pump(res, self, member, total);
    });
    const t0 = performance.now();
    const result = await client({ maxResponseBytes: 1024 * 1024, requestTimeoutMs: 8000 }).get(`${server.origin}/bomb`);
    expect(result).toMatchObject({ ok: false, code: 'response-too-large' });
    expect(elapsed(t0)).toBeLessThan(4000);
    // The client hung up long before the server could send everything.
    await new Promise((r) => setTimeout(r, 50));
    expect(server.sentBytes).toBeLessThan(total / 2);
  });

  it('stops a brotli bomb at the decoded cap', async () => {
    const bomb = zlib.brotliCompressSync(Buffer.alloc(50 * 1024 * 1024), {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 },
    });
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'br' });
      res.end(bomb);
    });
    const result = await client({ maxResponseBytes: 1024 * 1024 }).get(`${server.origin}/bomb`);
    expect(result).toMatchObject({ ok: false, code: 'response-too-large' });
  });

  it('decodes gzip, br, zlib and raw deflate bodies', async () => {
    const payload = 'pub   ed25519 2024-01-01\n'.repeat(100);
    const encoders: Record<string, (b: Buffer) => Buffer> = {
      gzip: (b) => zlib.gzipSync(b),
      br: (b) => zlib.brotliCompressSync(b),
      deflate: (b) => zlib.deflateSync(b),
      'deflate-raw': (b) => zlib.deflateRawSync(b),
      'gzip, br': (b) => zlib.brotliCompressSync(zlib.gzipSync(b)),
    };
    const server = await serve((req, res) => {
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      const encode = encoders[name];
      if (!encode) throw new Error(`no encoder ${name}`);
      res.writeHead(200, { 'content-encoding': name === 'deflate-raw' ? 'deflate' : name });
      res.end(encode(Buffer.from(payload)));
    });
    const c = client();
    for (const name of Object.keys(encoders)) {
      const result = await c.get(`${server.origin}/${encodeURIComponent(name)}`);
      expect(text(result), name).toBe(payload);
      expect(result.ok && result.headers['content-encoding'], name).toBeUndefined();
    }
  });

  it('fails on a corrupt or unsupported Content-Encoding', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-encoding': req.url === '/zstd' ? 'zstd' : 'gzip' });
      res.end('definitely not gzip');
    });
    const c = client();
    expect(await c.get(`${server.origin}/corrupt`)).toMatchObject({ ok: false, code: 'network-error' });
    const zstd = await c.get(`${server.origin}/zstd`);
    expect(zstd).toMatchObject({ ok: false, code: 'network-error' });
    expect(!zstd.ok && zstd.message).toMatch(/zstd/);
  });

  it('follows same-origin redirects, at most 3 hops', async () => {
    const server = await serve((req, res) => {
      const n = Number(req.url?.slice(1));
      if (n > 0) {
        res.writeHead(302, { location: `/${n - 1}` });
        res.end();
      } else {
        res.end('landed');
      }
    });
    const c = client();
    const three = await c.get(`${server.origin}/3`);
    expect(text(three)).toBe('landed');
    expect(three.url).toBe(`${server.origin}/0`);
    const four = await c.get(`${server.origin}/4`);
    expect(four).toMatchObject({ ok: false, code: 'bad-redirect' });
  });

  it('refuses a redirect to another port without contacting it', async () => {
    const other = await serve((_req, res) => res.end('internal'));
    const server = await serve((_req, res) => {
      res.writeHead(301, { location: `${other.origin}/admin` });
      res.end();
    });
    const result = await client().get(`${server.origin}/k`);
    expect(result).toMatchObject({ ok: false, code: 'bad-redirect', status: 301, url: `${server.origin}/k` });
    expect(other.connections).toBe(0);
  });

  it('blocks 127.0.0.1 when it is not an allowed host, before connecting', async () => {
    const server = await serve((_req, res) => res.end('secret'));
    const c = client({ allowedHosts: [] });
    for (const url of [
      `https://127.0.0.1:${server.port}/`,
      `https://127.0.0.1/`,
      `https://[::ffff:127.0.0.1]:${server.port}/`,
      `https://2130706433/`, // 127.0.0.1 written as one number
      `http://127.0.0.1:${server.port}/`,
    ]) {
      const result = await c.get(url);
      expect(result, url).toMatchObject({ ok: false, code: 'network-blocked' });
    }
    expect(server.connections).toBe(0);
  });

  it('checks the address the name resolves to inside the connector', async () => {
    // localhost is resolved by DNS, not literal: refused by the connector lookup.
    const result = await client({ allowedHosts: [] }).get('https://localhost/.well-known/openpgpkey/hu/x');
    expect(result).toMatchObject({ ok: false, code: 'network-blocked' });
    expect(!result.ok && result.message).toMatch(/resolves to (127\.0\.0\.1|::1)/);
  });

  it('blocks plain http and other ports for hosts not named by the user', async () => {
    const c = client({ allowedHosts: [] });
    const http1 = await c.get('http://keys.openpgp.org/vks/v1/by-fingerprint/AB');
    expect(http1).toMatchObject({ ok: false, code: 'network-blocked' });
    expect(!http1.ok && http1.message).toMatch(/plain http/);
    expect(await c.get('https://keys.openpgp.org:8443/')).toMatchObject({ ok: false, code: 'network-blocked' });
    expect(await c.get('ftp://keys.openpgp.org/')).toMatchObject({ ok: false, code: 'network-blocked' });
    expect(await c.get('https://user:pw@keys.openpgp.org/')).toMatchObject({ ok: false, code: 'network-blocked' });
  });

  it('matches an allowedHosts entry with a port on that port only', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const c = client({ allowedHosts: [`127.0.0.1:${server.port}`] });
    expect(text(await c.get(`${server.origin}/`))).toBe('ok');
    expect(await c.get(`http://127.0.0.1:${server.port === 1 ? 2 : 1}/`)).toMatchObject({ ok: false, code: 'network-blocked' });
  });

  it('keeps to perHostConcurrency', async () => {
    const server = await serve((_req, res) => {
      setTimeout(() => res.end('ok'), 80);
    });
    const c = client({ perHostConcurrency: 2 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => c.get(`${server.origin}/${i}`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(server.requests).toHaveLength(6);
    expect(server.maxActive).toBe(2);
  });

  it('stops an in-flight request when runSignal aborts', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const run = new AbortController();
    const c = client({ runSignal: run.signal, requestTimeoutMs: 5000 });
    const t0 = performance.now();
    setTimeout(() => run.abort(), 100);
    const result = await c.get(`${server.origin}/hang`);
    expect(result).toMatchObject({ ok: false, code: 'network-error' });
    expect(!result.ok && result.message).toMatch(/run signal/);
    expect(elapsed(t0)).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
    // Once the run is over, nothing more goes out.
    expect(await c.get(`${server.origin}/after`)).toMatchObject({ ok: false });
    expect(server.requests).toHaveLength(1);
  });

  it('reports a run-wide deadline as network-timeout, and honours a per-call signal', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200);
      res.flushHeaders();
      const timer = setInterval(() => res.write('x'), 50);
      res.once('close', () => clearInterval(timer));
    });
    const runDeadline = await client({ runSignal: AbortSignal.timeout(200), requestTimeoutMs: 5000 }).get(`${server.origin}/a`);
    expect(runDeadline).toMatchObject({ ok: false, code: 'network-timeout' });
    const call = new AbortController();
    setTimeout(() => call.abort(), 100);
    const byCaller = await client({ requestTimeoutMs: 5000 }).get(`${server.origin}/b`, { signal: call.signal });
    expect(byCaller).toMatchObject({ ok: false, code: 'network-error' });
  });

  it('tunnels https through HTTPS_PROXY, but never sends private or loopback targets there', async () => {
    const connects: string[] = [];
    const proxy = await serve((_req, res) => {
      res.writeHead(405);
      res.end();
    });
    // node:http hands CONNECT to a separate event; answer with 403 so the tunnel fails.
    const proxyServer = await new Promise<{ port: number; close(): Promise<void> }>((resolve) => {
      const s = http.createServer();
      s.on('connect', (req: IncomingMessage, socket: Socket) => {
        connects.push(req.url ?? '');
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      });
      s.listen(0, '127.0.0.1', () =>
        resolve({
          port: (s.address() as AddressInfo).port,
          close: () => new Promise<void>((r) => s.close(() => r())),
        }),
      );
    });
    try {
      const c = client({ allowedHosts: [], env: { HTTPS_PROXY: `http://127.0.0.1:${proxyServer.port}` } });
      const result = await c.get('https://keys.openpgp.org/vks/v1/by-fingerprint/AB');
      expect(result).toMatchObject({ ok: false, code: 'network-error' });
      expect(connects).toEqual(['keys.openpgp.org:443']);
      expect(await c.get('https://10.0.0.1/')).toMatchObject({ ok: false, code: 'network-blocked' });
      expect(await c.get('https://localhost/')).toMatchObject({ ok: false, code: 'network-blocked' });
      expect(await c.get('https://foo.localhost/')).toMatchObject({ ok: false }); // goes direct, never to the proxy
      expect(connects).toHaveLength(1);
      expect(proxy.connections).toBe(0);
    } finally {
      await proxyServer.close();
    }
  });

  it('throws only for programming errors', async () => {
    expect(() => createHttpClient({ userAgent: '' })).toThrow(TypeError);
    expect(() => createHttpClient({ userAgent: 'x', requestTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createHttpClient({ userAgent: 'x', env: { HTTPS_PROXY: 'socks5://proxy:1080' } })).toThrow(/HTTPS_PROXY/);
    const c = client();
    await expect(c.get('not a url')).rejects.toThrow(TypeError);
    await c.close();
    await expect(c.get('https://keys.openpgp.org/')).rejects.toThrow(/close/);
  });
});
