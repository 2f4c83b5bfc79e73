import { createHash } from 'node:crypto';

const ZBASE32 = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/** z-base-32 (RFC 6189 §5.1.6), most significant bit first, no padding. */
export function zbase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ZBASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1; // keep only unread bits, so the buffer never overflows 32 bits
  }
  if (bits > 0) out += ZBASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** Only ASCII capitals are lower-cased before hashing (draft-koch-openpgp-webkey-service §3.1; GnuPG agrees). */
export function wkdHash(localPart: string): string {
  const lowered = localPart.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return zbase32(createHash('sha1').update(lowered, 'utf8').digest());
}

export interface WkdURLs {
  advanced: string;
  direct: string;
}

/**
 * The advanced and direct WKD URLs for an address. `origin` (for tests and mirrors) replaces
 * both https://openpgpkey.DOMAIN and https://DOMAIN; the paths stay the same.
 */
export function wkdURLs(email: string, origin?: string): WkdURLs {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1).toLowerCase();
  const hash = wkdHash(local);
  const query = `?l=${encodeURIComponent(local)}`;
  const base = (host: string) => (origin ? origin.replace(/\/+$/, '') : `https://${host}`);
  return {
    advanced: `${base(`openpgpkey.${domain}`)}/.well-known/openpgpkey/${domain}/hu/${hash}${query}`,
    direct: `${base(domain)}/.well-known/openpgpkey/hu/${hash}${query}`,
  };
}
