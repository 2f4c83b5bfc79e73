import type { KeyQuery } from './key-source.js';

/**
 * Strict syntax for everything a document may name (threat catalogue N-03): no "/", "?", "%2e" or
 * URL can ride along into a request path.
 */
export const isFingerprint = (value: string) => /^([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/.test(value);
export const isKeyID = (value: string) => /^[0-9A-Fa-f]{16}$/.test(value);
export const isUsername = (value: string) => /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})$/.test(value);
export const isEmail = (value: string) => /^[^\s@/\\?#%<>"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))+$/.test(value);

/** Hex as the manifest writes it: upper case, no spaces or 0x. */
export function normaliseHex(value: string): string {
  return value.replace(/^0x/i, '').replace(/\s+/g, '').toUpperCase();
}

/** A query as a user types it: fingerprint, key ID, keybase:USER, github:USER or an e-mail. */
export function parseKeyQuery(text: string): KeyQuery | null {
  const hex = normaliseHex(text);
  if (isFingerprint(hex)) return { kind: 'fingerprint', fingerprint: hex };
  if (isKeyID(hex)) return { kind: 'keyID', keyID: hex };
  const service = /^(keybase|github):(.+)$/.exec(text);
  if (service && isUsername(service[2]!)) return { kind: service[1] as 'keybase' | 'github', username: service[2]! };
  if (isEmail(text)) return { kind: 'email', email: text };
  return null;
}
