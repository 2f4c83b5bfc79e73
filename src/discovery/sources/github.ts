import type { KeySource } from '../key-source.js';
import { isUsername } from '../identifiers.js';
import { joinURL, keysFromResponse } from './http-keys.js';

/** The keys a GitHub account lists at github.com/USER.gpg. */
export function createGithubSource(baseURL = 'https://github.com'): KeySource {
  return {
    name: 'github',
    supports: (query) => query.kind === 'github' && isUsername(query.username),
    async lookup(query, { http, keyLimits }) {
      if (query.kind !== 'github' || !isUsername(query.username)) return { outcome: 'not-found' };
      const result = await http.get(joinURL(baseURL, `/${encodeURIComponent(query.username)}.gpg`));
      const lookup = await keysFromResponse(result, `github:${query.username}`, keyLimits);
      // An account without keys answers 200 with an armor block holding no key.
      return lookup.outcome === 'error' && lookup.code === 'bad-response' ? { outcome: 'not-found' } : lookup;
    },
  };
}
