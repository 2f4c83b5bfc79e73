/**
 * Which addresses pledge may connect to, checked inside the connector's DNS lookup so that the
 * address checked is the address connected to (no DNS-rebinding window; threat catalogue N-01).
 */
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { dns } from '../core/built-ins.js';

export const BLOCKED_ERROR_CODE = 'ERR_PLEDGE_BLOCKED_ADDRESS';

/** IPv4 ranges pledge never connects to unless the host was named by the user. */
const BLOCKED_V4: ReadonlyArray<readonly [base: number, prefix: number]> = [
  [v4(0, 0, 0, 0), 8], // "this network"
  [v4(10, 0, 0, 0), 8], // private
  [v4(100, 64, 0, 0), 10], // carrier-grade NAT
  [v4(127, 0, 0, 0), 8], // loopback
  [v4(169, 254, 0, 0), 16], // link-local, cloud metadata (169.254.169.254)
  [v4(172, 16, 0, 0), 12], // private
  [v4(192, 0, 0, 0), 24], // IETF protocol assignments
  [v4(192, 168, 0, 0), 16], // private
  [v4(198, 18, 0, 0), 15], // benchmarking
  [v4(224, 0, 0, 0), 4], // multicast
  [v4(240, 0, 0, 0), 4], // reserved, broadcast
];

function v4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function parseV4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

function isBlockedV4(value: number): boolean {
  return BLOCKED_V4.some(([base, prefix]) => {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return (value & mask) >>> 0 === base;
  });
}

/** Eight 16-bit groups, or undefined when `text` is not an IPv6 address. */
function parseV6(text: string): number[] | undefined {
  let s = text;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  if (isIP(s) !== 6) return undefined;
  const tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  const last = s.slice(lastColon + 1);
  if (last.includes('.')) {
    // Embedded dotted IPv4 tail (::ffff:1.2.3.4): it stands for the last two groups.
    const value = parseV4(last);
    if (value === undefined) return undefined;
    tail.push(value >>> 16, value & 0xffff);
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const groups = parseGroups(s, 8 - tail.length);
  return groups && [...groups, ...tail];
}

function parseGroups(s: string, count: number): number[] | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const read = (half: string | undefined): number[] => (half === undefined || half === '' ? [] : half.split(':').map((g) => parseInt(g, 16)));
  const head = read(halves[0]);
  if (halves.length === 1) return head.length === count ? head : undefined;
  const rest = read(halves[1]);
  const missing = count - head.length - rest.length;
  if (missing < 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...rest];
}

function isBlockedV6(g: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = ((g6 << 16) | g7) >>> 0;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (firstFiveZero && g5 === 0xffff) return isBlockedV4(embedded); // ::ffff:a.b.c.d (IPv4-mapped)
  if (firstFiveZero && g5 === 0) return true; // ::, ::1 and deprecated IPv4-compatible ::a.b.c.d
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return isBlockedV4(embedded); // NAT64 64:ff9b::a.b.c.d
  }
  if (g0 === 0x2002) return isBlockedV4(((g1 << 16) | g2) >>> 0); // 6to4 2002:aabb:ccdd::
  if ((g0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  if ((g0 & 0xffc0) === 0xfec0) return true; // fec0::/10 deprecated site-local
  if ((g0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g0 & 0xff00) === 0xff00) return true; // ff00::/8 multicast
  return false;
}

/**
 * True when pledge must not connect to `ip` (unless the user named the host):
 * loopback, private, link-local, CGNAT, unspecified, multicast and reserved
 * ranges, in IPv4, IPv6 and IPv4-mapped/NAT64/6to4 forms. Anything that does
 * not parse as an IP address is blocked too (fail closed). Accepts IPv6 with
 * or without brackets and with a zone id.
 */
/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(ip: string): boolean {
  const value = parseV4(ip);
  if (value !== undefined) return value >>> 24 === 127;
  const g = parseV6(ip);
  if (!g) return false;
  if (g.slice(0, 7).every((n) => n === 0) && g[7] === 1) return true;
  return g.slice(0, 5).every((n) => n === 0) && g[5] === 0xffff && (g[6] ?? 0) >>> 8 === 127;
}
export function isBlockedAddress(ip: string): boolean {
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const value = parseV4(text);
  if (value !== undefined) return isBlockedV4(value);
  const groups = parseV6(text);
  if (groups === undefined || groups.length !== 8 || groups.some((n) => !(n >= 0 && n <= 0xffff))) return true;
  return isBlockedV6(groups);
}

// ---------------------------------------------------------------------------
// Connector lookup: the checked address is the connected address

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** The shape of `net.connect`'s `lookup` option. */
export type GuardedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;
export type ResolveAll = (hostname: string, options: LookupOptions) => Promise<LookupAddress[]>;

const systemResolveAll: ResolveAll = (hostname, options) =>
  new Promise((resolve, reject) => {
    dns().lookup(hostname, { ...options, all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

class BlockedAddressError extends Error {
  readonly code = BLOCKED_ERROR_CODE;
}

/**
 * A `lookup` for `net.connect`/`tls.connect` that resolves the name, refuses
 * it when ANY of its addresses is blocked, and hands the checked addresses to
 * the socket, so the socket connects to exactly what was checked.
 */
export function createGuardedLookup(resolveAll: ResolveAll = systemResolveAll): GuardedLookup {
  return (hostname, options, callback) => {
    resolveAll(hostname, options).then(
      (addresses) => {
        const blocked = addresses.find((a) => isBlockedAddress(a.address));
        if (blocked !== undefined || addresses.length === 0) {
          const why = blocked ? `resolves to ${blocked.address}` : 'resolves to no address';
          callback(new BlockedAddressError(`${hostname} ${why}, a loopback/private/link-local address`), []);
          return;
        }
        if (options.all) {
          callback(null, addresses);
        } else {
          const [first] = addresses as [LookupAddress];
          callback(null, first.address, first.family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    );
  };
}
