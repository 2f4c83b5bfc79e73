import type { KeyQuery, KeySource } from '../key-source.js';
import { keysFromResponse } from './http-keys.js';

/** hkp:// means port 11371 over http, hkps:// port 443 over https (GnuPG's dirmngr). */
export function hkpBaseURL(keyserver: string): string {
  const url = new URL(keyserver);
  if (url.protocol === 'hkp:') return `http://${url.hostname}:${url.port || '11371'}`;
  if (url.protocol === 'hkps:') return `https://${url.hostname}${url.port ? `:${url.port}` : ''}`;
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  throw new Error(`not a keyserver URL: ${keyserver}`);
}

/**
 * An HKP keyserver (SKS, Hockeypuck, Hagrid's subset): `op=get&options=mr&search=0x…` by
 * fingerprint or long key ID only. Its user IDs are anyone's claim, so nothing but the key is used.
 */
export function createHkpSource(keyserver: string): KeySource {
  const base = hkpBaseURL(keyserver);
  const searchFor = (query: KeyQuery): string | null => (query.kind === 'fingerprint' ? query.fingerprint : query.kind === 'keyID' ? query.keyID : null);
  return {
    name: `hkp:${base}`,
    supports: (query) => searchFor(query) !== null,
    async lookup(query, { http, keyLimits }) {
      const search = searchFor(query);
      if (!search) return { outcome: 'not-found' };
      const url = `${base}/pks/lookup?op=get&options=mr&search=0x${search.toUpperCase()}`;
      return keysFromResponse(await http.get(url, { accept: 'application/pgp-keys' }), `hkp:${base}`, keyLimits);
    },
  };
}
