import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { KeyCache } from '../../src/discovery/key-cache.js';
import { hkpBaseURL } from '../../src/discovery/sources/hkp.js';
import { wkdURLs } from '../../src/discovery/sources/wkd-url.js';
import { createSigner } from '../helpers/sign.js';

describe('hkpBaseURL', () => {
  it('maps hkp:// to http on 11371 and hkps:// to https on 443, keeping explicit ports', () => {
    expect(hkpBaseURL('hkp://keys.example.org')).toBe('http://keys.example.org:11371');
    expect(hkpBaseURL('hkps://keyserver.ubuntu.com')).toBe('https://keyserver.ubuntu.com');
    expect(hkpBaseURL('hkps://keys.example.org:8443')).toBe('https://keys.example.org:8443');
    expect(hkpBaseURL('http://127.0.0.1:21371')).toBe('http://127.0.0.1:21371');
  });
});

describe('wkdURLs', () => {
  it('builds the advanced and direct URLs of the draft, or the same paths on a given origin', () => {
    expect(wkdURLs('Alice.Test@Example.ORG')).toEqual({
      advanced: 'https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/7eoanuz7tfiit1qxso8dohktbxcd4bf8?l=Alice.Test',
      direct: 'https://example.org/.well-known/openpgpkey/hu/7eoanuz7tfiit1qxso8dohktbxcd4bf8?l=Alice.Test',
    });
    expect(wkdURLs('joe.doe@example.org', 'http://127.0.0.1:8080/').advanced).toBe('http://127.0.0.1:8080/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=joe.doe');
  });
});

describe('KeyCache', () => {
  it('finds a key by fingerprint, subkey fingerprint or key ID, fresh within the TTL and stale after it', async () => {
    const signer = await createSigner();
    const key = await readKey({ armoredKey: signer.armoredPublicKey });
    const cache = new KeyCache(mkdtempSync(join(tmpdir(), 'pledge-cache-')), 24 * 3600 * 1000);
    const fetched = new Date('2026-01-01T00:00:00Z');
    await cache.put({ key, source: 'vks', url: 'https://keys.openpgp.org/x' }, fetched);
    const subkey = key.subkeys[0]!;
    for (const id of [signer.fingerprint, subkey.getFingerprint().toUpperCase(), key.getKeyID().toHex().toUpperCase()]) {
      const [entry] = await cache.get(id, new Date('2026-01-01T23:00:00Z'));
      expect(entry).toMatchObject({ fresh: true, candidate: { source: 'vks', cached: true, origin: 'vks' } });
    }
    const [later] = await cache.get(signer.fingerprint, new Date('2026-01-02T01:00:00Z'));
    expect(later!.fresh).toBe(false);
    expect(await cache.list()).toMatchObject([{ fingerprint: signer.fingerprint, source: 'vks', fetchedAt: fetched.toISOString() }]);
  });
});
