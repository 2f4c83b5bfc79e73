import type { KeyLookup, KeySource } from '../key-source.js';
import { isEmail } from '../identifiers.js';
import { keysFromResponse } from './http-keys.js';
import { wkdURLs } from './wkd-url.js';

const holdsAddress = (email: string) => (candidate: { key: { users: { userID: { email: string } | null }[] } }) =>
  candidate.key.users.some((user) => user.userID?.email.toLowerCase() === email.toLowerCase());

/**
 * Web Key Directory: the advanced method, then the direct one. A domain serves keys for its
 * own addresses, so only keys holding a user ID equal to the address are kept (threat catalogue K-08).
 */
export function createWkdSource(origin?: string): KeySource {
  return {
    name: 'wkd',
    supports: (query) => query.kind === 'email' && isEmail(query.email),
    async lookup(query, { http, keyLimits }) {
      if (query.kind !== 'email' || !isEmail(query.email)) return { outcome: 'not-found' };
      const urls = wkdURLs(query.email, origin);
      const source = `wkd:${query.email}`;
      let lookup: KeyLookup = await keysFromResponse(await http.get(urls.advanced), source, keyLimits);
      // The draft falls back only when openpgpkey.DOMAIN does not exist; a 404 there means the
      // domain uses the direct method on the same host, as many do, so both count.
      if (lookup.outcome === 'not-found' || (lookup.outcome === 'error' && lookup.code === 'network-error')) {
        lookup = await keysFromResponse(await http.get(urls.direct), source, keyLimits);
      }
      if (lookup.outcome !== 'found') return lookup;
      const candidates = lookup.candidates.filter(holdsAddress(query.email));
      return candidates.length ? { outcome: 'found', candidates } : { outcome: 'not-found' };
    },
  };
}
