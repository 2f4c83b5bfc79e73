import type { KeyQuery, KeySource } from '../key-source.js';
import { joinURL, keysFromResponse } from './http-keys.js';

/** keys.openpgp.org's Verifying Key Server: user IDs only for verified addresses (keys.openpgp.org/about/api). */
export function createVksSource(baseURL = 'https://keys.openpgp.org'): KeySource {
  const pathFor = (query: KeyQuery): string | null => {
    switch (query.kind) {
      case 'fingerprint':
        return `/vks/v1/by-fingerprint/${query.fingerprint.toUpperCase()}`;
      case 'keyID':
        return `/vks/v1/by-keyid/${query.keyID.toUpperCase()}`;
      case 'email':
        return `/vks/v1/by-email/${encodeURIComponent(query.email)}`;
      default:
        return null;
    }
  };
  return {
    name: 'vks',
    supports: (query) => pathFor(query) !== null,
    async lookup(query, { http, keyLimits }) {
      const path = pathFor(query);
      if (!path) return { outcome: 'not-found' };
      return keysFromResponse(await http.get(joinURL(baseURL, path), { accept: 'application/pgp-keys' }), 'vks', keyLimits);
    },
  };
}
