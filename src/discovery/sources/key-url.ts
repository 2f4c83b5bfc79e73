import type { KeySource } from '../key-source.js';
import { keysFromResponse } from './http-keys.js';

/** A key a document points to with front matter `key: https://…`: fetched only when named. */
export function createKeyURLSource(): KeySource {
  return {
    name: 'url',
    supports: (query) => query.kind === 'url' && /^https?:\/\//.test(query.url),
    async lookup(query, { http, keyLimits }) {
      if (query.kind !== 'url') return { outcome: 'not-found' };
      return keysFromResponse(await http.get(query.url), `url:${query.url}`, keyLimits);
    },
  };
}
