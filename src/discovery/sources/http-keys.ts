import type { HttpResult } from '../http-client.js';
import type { KeyCandidate, KeyLookup } from '../key-source.js';
import { readAllKeys } from '../read-keys.js';
import type { KeyLimits } from '../../core/limits.js';

/**
 * Turns one HTTP answer into a lookup: 404 (and 410) is "not found", other failures are
 * errors, and a 200 must hold at least one parseable key. Every key in it is returned; the
 * caller keeps only those that match what it asked for.
 */
export async function keysFromResponse(result: HttpResult, source: string, limits: KeyLimits, extra: Partial<KeyCandidate> = {}): Promise<KeyLookup> {
  if (!result.ok) {
    if (result.code === 'http-error' && (result.status === 404 || result.status === 410)) return { outcome: 'not-found' };
    return { outcome: 'error', code: result.code, message: `${result.message} (${result.url})` };
  }
  const { keys, errors, tooLarge } = await readAllKeys(result.body, limits);
  if (tooLarge) return { outcome: 'error', code: 'key-too-large', message: `${tooLarge} (${result.url})` };
  if (keys.length === 0) {
    const detail = errors.length ? `: ${errors[0]}` : '';
    return { outcome: 'error', code: 'bad-response', message: `no OpenPGP key in the answer from ${result.url}${detail}` };
  }
  return { outcome: 'found', candidates: keys.map((key) => ({ key, source, url: result.url, ...extra })) };
}

/** Joins a configured base URL and a path, keeping any path prefix of the base. */
export function joinURL(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}
