/**
 * A real HTTP server on 127.0.0.1 for tests.
 *
 * Handlers are plain functions from a recorded request to a reply. Fault
 * helpers return special replies that the server executes on the socket
 * (delays, hang-ups, slow or endless bodies, gzip bombs), so client code is
 * exercised through undici's real timeout, abort, redirect and
 * decompression paths. Nothing global is patched.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';

export interface RecordedRequest {
  method: string;
  /** Raw path as sent, without the query string (not percent-decoded). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Request body decoded as UTF-8 (empty for GET/HEAD). */
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

type FaultSpec =
  | { kind: 'delay'; ms: number; reply: HandlerResult }
  | { kind: 'hang-up' }
  | { kind: 'drip'; intervalMs: number; byte: string }
  | { kind: 'endless' }
  | { kind: 'gzip-bomb'; decodedBytes: number };

/** A reply the server acts out instead of sending a plain response. */
export interface Fault {
  readonly fault: FaultSpec;
}

export type HandlerResult = Reply | Fault;
export type Handler = (req: RecordedRequest) => HandlerResult | Promise<HandlerResult>;

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** Every request received, in arrival order (recorded before the handler runs). */
  requests: RecordedRequest[];
  /** Stops listening, destroys open sockets and cancels running faults. */
  close(): Promise<void>;
}

/** Sends `reply` (or runs the fault) after `ms` milliseconds. */
export function respondAfter(ms: number, reply: HandlerResult): Fault {
  return { fault: { kind: 'delay', ms, reply } };
}

/** Destroys the socket without sending anything. */
export function hangUp(): Fault {
  return { fault: { kind: 'hang-up' } };
}

/**
 * Slow-loris: sends `200` headers at once, then one byte of body every
 * `intervalMs`, forever, until the client goes away or the server closes.
 */
export function dripBytes(intervalMs: number, byte = 'x'): Fault {
  return { fault: { kind: 'drip', intervalMs, byte } };
}

/** Sends `200` and an unbounded chunked body as fast as the client reads it. */
export function endlessBody(): Fault {
  return { fault: { kind: 'endless' } };
}

/**
 * Sends `200` with `Content-Encoding: gzip` whose body decompresses to
 * `decodedBytes` zero bytes (about 1000:1). Compressed on the fly, so only
 * what the client actually reads is produced.
 */
export function gzipBomb(decodedBytes: number): Fault {
  return { fault: { kind: 'gzip-bomb', decodedBytes } };
}

export function redirectTo(url: string, status = 302): Reply {
  return { status, headers: { Location: url, 'Content-Length': '0' }, body: '' };
}

/**
 * Composes handlers by path prefix; the longest matching prefix wins.
 * Unmatched paths get `404 Not Found` (text/plain) unless `fallback` is given.
 */
export function routes(map: Record<string, Handler>, fallback?: Handler): Handler {
  const prefixes = Object.keys(map).sort((a, b) => b.length - a.length);
  return (req) => {
    const prefix = prefixes.find((p) => req.path.startsWith(p));
    if (prefix !== undefined) {
      const handler = map[prefix];
      if (handler) return handler(req);
    }
    if (fallback) return fallback(req);
    return textReply(404, 'Not Found');
  };
}

/** A plain-text reply with an explicit UTF-8 content type. */
export function textReply(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body };
}

function isFault(result: HandlerResult): result is Fault {
  return 'fault' in result;
}

/** `tls`: serve https with this key and certificate (test/web makes a self-signed one with openssl). */
export async function startServer(handler: Handler, options: { tls?: { key: string; cert: string } } = {}): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const cleanups = new Set<() => void>();
  let closed = false;

  const listener = (req: IncomingMessage, res: ServerResponse): void => void serve(req, res);
  const server = options.tls ? https.createServer(options.tls, listener) : http.createServer(listener);
  server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // client went away while sending its body
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);
    let result: HandlerResult;
    try {
      result = await handler(recorded);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`test server handler failed for ${recorded.method} ${req.url}:`, message);
      result = textReply(500, `test server handler error: ${message}\n`);
    }
    execute(result, req, res);
  }

  function execute(result: HandlerResult, req: IncomingMessage, res: ServerResponse): void {
    if (closed || res.destroyed) return;
    if (!isFault(result)) {
      sendReply(result, res);
      return;
    }
    const fault = result.fault;
    switch (fault.kind) {
      case 'delay': {
        const timer = setTimeout(() => {
          cleanups.delete(cancel);
          execute(fault.reply, req, res);
        }, fault.ms);
        const cancel = (): void => clearTimeout(timer);
        cleanups.add(cancel);
        res.once('close', () => {
          cancel();
          cleanups.delete(cancel);
        });
        return;
      }
      case 'hang-up':
        req.socket.destroy();
        return;
      case 'drip': {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.flushHeaders();
        const timer = setInterval(() => {
          if (res.destroyed || res.writableEnded) cancel();
          else res.write(fault.byte);
        }, fault.intervalMs);
        const cancel = (): void => {
          clearInterval(timer);
          cleanups.delete(cancel);
        };
        cleanups.add(cancel);
        res.once('close', cancel);
        return;
      }
      case 'endless': {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        let stopped = false;
        const stop = (): void => {
          stopped = true;
          cleanups.delete(stop);
        };
        cleanups.add(stop);
        res.once('close', stop);
        const pump = (): void => {
          while (!stopped && !res.destroyed) {
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
        };
        pump();
        return;
      }
      case 'gzip-bomb': {
        res.writeHead(200, {
          'Content-Type': 'application/pgp-keys',
          'Content-Encoding': 'gzip',
        });
        const source = Readable.from(zeroChunks(fault.decodedBytes));
        const gzip = createGzip({ level: 9 });
        const stop = (): void => {
          source.destroy();
          gzip.destroy();
          res.destroy();
        };
        cleanups.add(stop);
        pipeline(source, gzip, res, () => cleanups.delete(stop));
        return;
      }
      default:
        assertNever(fault);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    async close() {
      if (closed) return;
      closed = true;
      for (const cleanup of [...cleanups]) cleanup();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}

function sendReply(reply: Reply, res: ServerResponse): void {
  const headers: Record<string, string> = { ...reply.headers };
  const body = reply.body === undefined ? undefined : typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : Buffer.from(reply.body);
  const hasHeader = (name: string): boolean => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (body !== undefined && !hasHeader('content-length') && !hasHeader('transfer-encoding')) {
    headers['Content-Length'] = String(body.length);
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

function* zeroChunks(total: number): Generator<Buffer> {
  const block = Buffer.alloc(1024 * 1024);
  let left = total;
  while (left > 0) {
    const n = Math.min(left, block.length);
    yield n === block.length ? block : block.subarray(0, n);
    left -= n;
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled fault ${JSON.stringify(value)}`);
}
