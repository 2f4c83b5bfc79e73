import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { armor, enums, generateKey, readKeys } from 'openpgp';
import type { PublicKey } from 'openpgp';
import {
  dripBytes,
  endlessBody,
  gzipBomb,
  hangUp,
  redirectTo,
  respondAfter,
  routes,
  startServer,
} from './http-server.js';
import type { Handler, TestServer } from './http-server.js';
import { keybaseHandler } from './servers/keybase.js';
import { stripUserIDs, vksHandler } from './servers/vks.js';
import { wkdHandler, wkdHash } from './servers/wkd.js';
import { GITHUB_NO_KEYS_BODY, githubArmor, githubHandler } from './servers/github.js';
import { sksSkipReason, startSks } from './sks.js';

interface Fixture {
  key: PublicKey;
  armored: string;
  fingerprint: string; // lower-case
  subkeyFingerprint: string; // lower-case
  keyID: string; // lower-case
  subkeyID: string; // lower-case
}

async function makeKey(name: string, email: string): Promise<Fixture> {
  const { publicKey } = await generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name, email }], format: 'object' });
  const subkey = publicKey.getSubkeys()[0];
  if (!subkey) throw new Error('generated key has no subkey');
  return {
    key: publicKey,
    armored: publicKey.armor(),
    fingerprint: publicKey.getFingerprint(),
    subkeyFingerprint: subkey.getFingerprint(),
    keyID: publicKey.getKeyID().toHex(),
    subkeyID: subkey.getKeyID().toHex(),
  };
}

let alice: Fixture;
let bob1: Fixture;
let bob2: Fixture;
let carol: Fixture;
let stranger: Fixture;

beforeAll(async () => {
  [alice, bob1, bob2, carol, stranger] = await Promise.all([
    makeKey('Alice Test', 'Alice.Test@Example.ORG'),
    makeKey('Bob', 'bob@example.org'),
    makeKey('Bob', 'bob@example.net'),
    makeKey('Carol', 'carol@example.org'),
    makeKey('Stranger', 'stranger@example.org'),
  ]);
});

const servers: TestServer[] = [];
async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** openpgp's readKeys reads only the first armor block of a text, so split them. */
function splitArmor(text: string): string[] {
  return text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----\n?/g) ?? [];
}

async function getJSON(url: string): Promise<{ status: number; contentType: string | null; body: any }> {
  const response = await fetch(url);
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.json() };
}

describe('startServer', () => {
  it('listens on 127.0.0.1 and records requests', async () => {
    const server = await serve(() => ({ status: 201, headers: { 'Content-Type': 'text/plain', 'X-Test': 'yes' }, body: 'hello' }));
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    const response = await fetch(`${server.origin}/a/b%40c?x=1&y=two`, { headers: { 'User-Agent': 'pledge-test' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-test')).toBe('yes');
    expect(response.headers.get('content-length')).toBe('5');
    expect(await response.text()).toBe('hello');
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req?.method).toBe('GET');
    expect(req?.path).toBe('/a/b%40c');
    expect(req?.query.get('y')).toBe('two');
    expect(req?.headers['user-agent']).toBe('pledge-test');
  });

  it('routes by the longest path prefix and 404s the rest', async () => {
    const server = await serve(
      routes({
        '/a/': () => ({ status: 200, body: 'a' }),
        '/a/b/': () => ({ status: 200, body: 'ab' }),
      }),
    );
    expect(await (await fetch(`${server.origin}/a/x`)).text()).toBe('a');
    expect(await (await fetch(`${server.origin}/a/b/x`)).text()).toBe('ab');
    expect((await fetch(`${server.origin}/zzz`)).status).toBe(404);
  });

  it('answers 500 when a handler throws', async () => {
    const server = await serve(() => {
      throw new Error('boom');
    });
    const original = console.error;
    console.error = () => {};
    try {
      const response = await fetch(server.origin);
      expect(response.status).toBe(500);
      expect(await response.text()).toContain('boom');
    } finally {
      console.error = original;
    }
  });

  describe('when a fault is returned', () => {
    it('delays the reply with respondAfter', async () => {
      const server = await serve(() => respondAfter(150, { status: 200, body: 'late' }));
      const started = Date.now();
      expect(await (await fetch(server.origin)).text()).toBe('late');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      await expect(fetch(server.origin, { signal: AbortSignal.timeout(50) })).rejects.toThrow();
    });

    it('destroys the socket with hangUp', async () => {
      const server = await serve(() => hangUp());
      await expect(fetch(server.origin)).rejects.toThrow(/fetch failed/);
    });

    it('drips bytes until the client gives up', async () => {
      const server = await serve(() => dripBytes(20, '.'));
      const controller = new AbortController();
      const response = await fetch(server.origin, { signal: controller.signal });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe('.');
      controller.abort();
      await expect(reader.read()).rejects.toThrow();
    });

    it('streams an endless body', async () => {
      const server = await serve(() => endlessBody());
      const controller = new AbortController();
      const response = await fetch(server.origin, { signal: controller.signal });
      const reader = response.body!.getReader();
      let total = 0;
      while (total < 1024 * 1024) {
        const { value, done } = await reader.read();
        if (done) throw new Error('endless body ended');
        total += value.length;
      }
      controller.abort();
      expect(total).toBeGreaterThanOrEqual(1024 * 1024);
    });

    it('serves a gzip bomb that inflates to the requested size', async () => {
      const server = await serve(() => gzipBomb(5 * 1024 * 1024));
      const response = await fetch(server.origin);
      expect(response.headers.get('content-encoding')).toBe('gzip');
      const body = new Uint8Array(await response.arrayBuffer());
      expect(body.length).toBe(5 * 1024 * 1024);
      expect(body.every((b) => b === 0)).toBe(true);
    });

    it('redirects with redirectTo', async () => {
      const server = await serve(routes({ '/old': () => redirectTo('/new', 301), '/new': () => ({ status: 200, body: 'moved' }) }));
      const manual = await fetch(`${server.origin}/old`, { redirect: 'manual' });
      expect(manual.status).toBe(301);
      expect(manual.headers.get('location')).toBe('/new');
      expect(await (await fetch(`${server.origin}/old`)).text()).toBe('moved');
    });
  });

  it('close() ends open sockets and pending faults', async () => {
    const server = await startServer((req) => (req.path === '/drip' ? dripBytes(10) : respondAfter(60_000, { status: 200 })));
    const settle = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'resolved', (error: unknown) => error);
    const dripping = settle(fetch(`${server.origin}/drip`).then((r) => r.text()));
    const waiting = settle(fetch(`${server.origin}/wait`));
    while (server.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await dripping).toBeInstanceOf(Error);
    expect(await waiting).toBeInstanceOf(Error);
  });
});

describe('keybaseHandler', () => {
  const lookupPath = '/_/api/1.0/user/lookup.json';
  let server: TestServer;
  async function start(): Promise<TestServer> {
    server = await serve(
      keybaseHandler({
        users: [
          { username: 'TestAlice', armoredKeys: [alice.armored], proofs: [{ service: 'github', name: 'testalice', url: 'https://gist.github.com/testalice/0123' }, { service: 'dns', name: 'alice.example.org', url: 'dns://alice.example.org' }] },
          { username: 'bob', armoredKeys: [bob1.armored, bob2.armored] },
          { username: 'saltpack_only', armoredKeys: [] },
        ],
      }),
    );
    return server;
  }

  describe('when looking up usernames', () => {
    it('returns them in order with null for unknown names', async () => {
      await start();
      const { status, contentType, body } = await getJSON(`${server.origin}${lookupPath}?usernames=nobody_here,testalice,BOB`);
      expect(status).toBe(200);
      expect(contentType).toMatch(/^application\/json/);
      expect(body.status).toEqual({ code: 0, name: 'OK' });
      expect(body.them).toHaveLength(3);
      expect(body.them[0]).toBeNull();
      const a = body.them[1];
      expect(a.id).toMatch(/^[0-9a-f]{30}19$/);
      expect(a.basics).toMatchObject({ username: 'testalice', username_cased: 'TestAlice', eldest_seqno: 1 });
      expect(a.public_keys.primary).toMatchObject({
        key_type: 1,
        bundle: alice.armored,
        key_fingerprint: alice.fingerprint,
        key_algo: 22,
        key_bits: 256,
        etime: null,
        self_signed: true,
      });
      expect(a.public_keys.primary.kid).toMatch(/^0116[0-9a-f]{64}0a$/);
      expect(a.public_keys.pgp_public_keys).toEqual([alice.armored]);
      expect(a.public_keys.all_bundles).toEqual([alice.armored]);
      expect(a.proofs_summary.all).toHaveLength(2);
      expect(a.proofs_summary.all[0]).toMatchObject({ proof_type: 'github', nametag: 'testalice', state: 1, service_url: 'https://github.com/testalice', presentation_group: 'github' });
      expect(Object.keys(a.proofs_summary.by_presentation_group).sort()).toEqual(['alice.example.org', 'github']);
      expect(Object.keys(a.proofs_summary.by_sig_id)).toHaveLength(2);
      expect(a.proofs_summary.has_web).toBe(true);
      const b = body.them[2];
      expect(b.basics.username).toBe('bob');
      expect(b.public_keys.pgp_public_keys).toEqual([bob1.armored, bob2.armored]);
      expect(b.public_keys.primary.key_fingerprint).toBe(bob1.fingerprint);
    });

    it('gives a user without a PGP key no primary and empty pgp_public_keys', async () => {
      await start();
      const { body } = await getJSON(`${server.origin}${lookupPath}?usernames=saltpack_only`);
      const user = body.them[0];
      expect(user.public_keys.primary).toBeUndefined();
      expect(user.public_keys.pgp_public_keys).toEqual([]);
      expect(user.public_keys.eldest_kid).toMatch(/^0120[0-9a-f]{64}0a$/);
      expect(user.proofs_summary).toEqual({ all: [], by_presentation_group: {}, by_sig_id: {}, has_web: false });
    });

    it('honours fields= and always includes id', async () => {
      await start();
      const { body } = await getJSON(`${server.origin}${lookupPath}?usernames=testalice&fields=public_keys`);
      expect(Object.keys(body.them[0]).sort()).toEqual(['id', 'public_keys']);
      const all = await getJSON(`${server.origin}${lookupPath}?usernames=testalice`);
      expect(Object.keys(all.body.them[0])).toEqual(expect.arrayContaining(['id', 'basics', 'profile', 'public_keys', 'proofs_summary']));
    });
  });

  describe('when looking up a key', () => {
    it('matches primary and subkey fingerprints in any case', async () => {
      await start();
      for (const fpr of [alice.fingerprint, alice.fingerprint.toUpperCase(), alice.subkeyFingerprint]) {
        const { body } = await getJSON(`${server.origin}${lookupPath}?key_fingerprint=${fpr}`);
        expect(body.status.code).toBe(0);
        expect(body.them).toHaveLength(1);
        expect(body.them[0].basics.username).toBe('testalice');
      }
      const second = await getJSON(`${server.origin}${lookupPath}?key_fingerprint=${bob2.fingerprint}&fields=basics`);
      expect(second.body.them.map((u: any) => u.basics.username)).toEqual(['bob']);
    });

    it('returns them: [] for an unknown fingerprint or suffix', async () => {
      await start();
      expect((await getJSON(`${server.origin}${lookupPath}?key_fingerprint=${stranger.fingerprint}`)).body).toEqual({ status: { code: 0, name: 'OK' }, them: [] });
      expect((await getJSON(`${server.origin}${lookupPath}?key_suffix=${stranger.keyID}`)).body).toEqual({ status: { code: 0, name: 'OK' }, them: [] });
    });

    it('matches key_suffix against primary and subkey key IDs', async () => {
      await start();
      for (const suffix of [alice.keyID.toUpperCase(), alice.subkeyID]) {
        const { body } = await getJSON(`${server.origin}${lookupPath}?key_suffix=${suffix}`);
        expect(body.them.map((u: any) => u.basics.username)).toEqual(['testalice']);
      }
    });
  });

  describe('when the input is bad', () => {
    it('returns INPUT_ERROR with no them', async () => {
      await start();
      for (const query of ['usernames=bad%20name', 'usernames=', 'key_fingerprint=1234', 'key_suffix=zz', '']) {
        const { status, body } = await getJSON(`${server.origin}${lookupPath}?${query}`);
        expect(status).toBe(200);
        expect(body.status.code).toBe(100);
        expect(body.status.name).toBe('INPUT_ERROR');
        expect(typeof body.status.desc).toBe('string');
        expect(typeof body.status.fields).toBe('object');
        expect(body).not.toHaveProperty('them');
      }
      expect((await getJSON(`${server.origin}${lookupPath}?usernames=a%20b`)).body.status).toEqual({
        code: 100,
        name: 'INPUT_ERROR',
        desc: 'bad list value',
        fields: { usernames: 'bad list value' },
      });
    });
  });

  describe('when fetching raw keys', () => {
    it('serves pgp_keys.asc, ?fingerprint= and key.asc', async () => {
      await start();
      const all = await fetch(`${server.origin}/bob/pgp_keys.asc`);
      expect(all.status).toBe(200);
      expect(all.headers.get('content-type')).toMatch(/^text\/plain/);
      const blocks = splitArmor(await all.text());
      expect(blocks).toEqual([bob1.armored, bob2.armored]);
      const one = await fetch(`${server.origin}/bob/pgp_keys.asc?fingerprint=${bob2.fingerprint}`);
      expect((await readKeys({ armoredKeys: await one.text() })).map((k) => k.getFingerprint())).toEqual([bob2.fingerprint]);
      const primary = await fetch(`${server.origin}/bob/key.asc`);
      expect((await readKeys({ armoredKeys: await primary.text() })).map((k) => k.getFingerprint())).toEqual([bob1.fingerprint]);
    });

    it('answers SELF-SIGNED PUBLIC KEY NOT FOUND for a user without a key and 404 for an unknown user', async () => {
      await start();
      const none = await fetch(`${server.origin}/saltpack_only/pgp_keys.asc`);
      expect(none.status).toBe(200);
      expect(await none.text()).toBe('SELF-SIGNED PUBLIC KEY NOT FOUND');
      const unknown = await fetch(`${server.origin}/nobody_here/key.asc`);
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain('404 - sorry, not found.');
    });
  });

  describe('when a fail mode is set', () => {
    it('returns 503 HTML, 500, or truncated JSON', async () => {
      const limited = await serve(keybaseHandler({ users: [], fail: 'rate-limit-503' }));
      const r503 = await fetch(`${limited.origin}${lookupPath}?usernames=a`);
      expect(r503.status).toBe(503);
      expect(await r503.text()).toContain('503 Service Temporarily Unavailable');
      const broken = await serve(keybaseHandler({ users: [], fail: 'server-500' }));
      expect((await fetch(`${broken.origin}${lookupPath}?usernames=a`)).status).toBe(500);
      const garbled = await serve(keybaseHandler({ users: [], fail: 'bad-json' }));
      const bad = await fetch(`${garbled.origin}${lookupPath}?usernames=a`);
      expect(bad.status).toBe(200);
      await expect(bad.json()).rejects.toThrow();
    });
  });
});

describe('vksHandler', () => {
  let server: TestServer;
  let carolNoUIDs: string;
  async function start(): Promise<TestServer> {
    carolNoUIDs = await stripUserIDs(carol.armored);
    server = await serve(vksHandler({ keys: [alice.armored, carolNoUIDs] }));
    return server;
  }

  describe('when looking up by fingerprint', () => {
    it('serves the key for a primary or subkey fingerprint with Hagrid headers', async () => {
      await start();
      for (const fpr of [alice.fingerprint, alice.subkeyFingerprint]) {
        const response = await fetch(`${server.origin}/vks/v1/by-fingerprint/${fpr.toUpperCase()}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/pgp-keys');
        expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${alice.fingerprint.toUpperCase()}.asc"`);
        expect(response.headers.get('access-control-allow-origin')).toBe('*');
        expect(await response.text()).toBe(alice.armored);
      }
    });

    it('returns 404 for an unknown or lower-case fingerprint and 400 for 0x or garbage', async () => {
      await start();
      const unknown = stranger.fingerprint.toUpperCase();
      const miss = await fetch(`${server.origin}/vks/v1/by-fingerprint/${unknown}`);
      expect(miss.status).toBe(404);
      expect(await miss.text()).toBe(`No key found for fingerprint ${unknown}`);
      expect((await fetch(`${server.origin}/vks/v1/by-fingerprint/${alice.fingerprint}`)).status).toBe(404);
      expect((await fetch(`${server.origin}/vks/v1/by-fingerprint/0x${alice.fingerprint.toUpperCase()}`)).status).toBe(400);
      expect((await fetch(`${server.origin}/vks/v1/by-fingerprint/not-a-fingerprint`)).status).toBe(400);
    });
  });

  describe('when looking up by key ID', () => {
    it('serves primary and subkey key IDs and 404s unknown ones', async () => {
      await start();
      for (const id of [alice.keyID, alice.subkeyID]) {
        const response = await fetch(`${server.origin}/vks/v1/by-keyid/${id.toUpperCase()}`);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe(alice.armored);
      }
      const miss = await fetch(`${server.origin}/vks/v1/by-keyid/${stranger.keyID.toUpperCase()}`);
      expect(miss.status).toBe(404);
      expect(await miss.text()).toBe(`No key found for key id ${stranger.keyID.toUpperCase()}`);
      expect((await fetch(`${server.origin}/vks/v1/by-keyid/XYZ`)).status).toBe(400);
    });
  });

  describe('when looking up by e-mail', () => {
    it('matches the user IDs present in the served key', async () => {
      await start();
      for (const address of ['alice.test%40example.org', 'Alice.Test@Example.ORG']) {
        const response = await fetch(`${server.origin}/vks/v1/by-email/${address}`);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe(alice.armored);
      }
      const miss = await fetch(`${server.origin}/vks/v1/by-email/carol%40example.org`);
      expect(miss.status).toBe(404);
      expect(await miss.text()).toBe('No key found for e-mail address carol@example.org');
      expect((await fetch(`${server.origin}/vks/v1/by-email/not-an-address`)).status).toBe(400);
    });
  });

  describe('when the key has no user IDs', () => {
    it('serves it as given, without user IDs', async () => {
      await start();
      const response = await fetch(`${server.origin}/vks/v1/by-fingerprint/${carol.fingerprint.toUpperCase()}`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toBe(carolNoUIDs);
      const [key] = await readKeys({ armoredKeys: text });
      expect(key?.getFingerprint()).toBe(carol.fingerprint);
      expect(key?.getUserIDs()).toEqual([]);
      expect(key?.getSubkeys().map((s) => s.getFingerprint())).toEqual([carol.subkeyFingerprint]);
      expect(key?.getSubkeys()[0]?.bindingSignatures).toHaveLength(1);
    });
  });
});

describe('wkdHash', () => {
  // the worked examples of draft-koch-openpgp-webkey-service
  it.each([
    ['Joe.Doe', 'iy9q119eutrkn8s1mk4r39qejnbu3n5q'],
    ['Alice.Test', '7eoanuz7tfiit1qxso8dohktbxcd4bf8'],
    ['José+tag', 'kexinxijnhtah8gopps9iqqhuyh17fma'],
    ['JOSÉ', 'f8hffjxbayks63dqbx9a1jq94bautrxn'],
  ])('hashes %s to %s', (local, hash) => {
    expect(wkdHash(local)).toBe(hash);
  });

  it('lower-cases ASCII only, unlike Unicode toLowerCase', () => {
    expect(wkdHash('JOSÉ')).not.toBe(wkdHash('josé'));
    expect(wkdHash('josé')).toBe('t4qj1q9mno5tbtkojhr6sjgz4569z9ox');
  });
});

describe('wkdHandler', () => {
  const hash = '7eoanuz7tfiit1qxso8dohktbxcd4bf8';

  it('serves binary keys on both layouts, GET and HEAD, ignoring l=', async () => {
    const server = await serve(wkdHandler({ domain: 'Example.ORG', layout: 'both', entries: [{ email: 'Alice.Test@Example.ORG', binaryKeys: alice.key.write() }] }));
    for (const path of [`/.well-known/openpgpkey/example.org/hu/${hash}?l=Alice.Test`, `/.well-known/openpgpkey/hu/${hash}`]) {
      const response = await fetch(server.origin + path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      const keys = await readKeys({ binaryKeys: new Uint8Array(await response.arrayBuffer()) });
      expect(keys.map((k) => k.getFingerprint())).toEqual([alice.fingerprint]);
      const head = await fetch(server.origin + path, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get('content-length'))).toBe(alice.key.write().length);
    }
    expect(server.requests[0]?.query.get('l')).toBe('Alice.Test');
    for (const policy of ['/.well-known/openpgpkey/example.org/policy', '/.well-known/openpgpkey/policy']) {
      const response = await fetch(server.origin + policy);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
    }
    expect((await fetch(`${server.origin}/.well-known/openpgpkey/example.org/hu/${wkdHash('nobody')}`)).status).toBe(404);
    expect((await fetch(`${server.origin}/.well-known/openpgpkey/other.org/hu/${hash}`)).status).toBe(404);
  });

  it('serves only the configured layout and concatenates several keys', async () => {
    const entries = [
      { email: 'bob@example.org', binaryKeys: bob1.key.write() },
      { email: 'BOB@example.org', binaryKeys: bob2.key.write() },
    ];
    const advanced = await serve(wkdHandler({ domain: 'example.org', layout: 'advanced', entries }));
    const bobHash = wkdHash('bob');
    expect((await fetch(`${advanced.origin}/.well-known/openpgpkey/hu/${bobHash}`)).status).toBe(404);
    expect((await fetch(`${advanced.origin}/.well-known/openpgpkey/policy`)).status).toBe(404);
    const response = await fetch(`${advanced.origin}/.well-known/openpgpkey/example.org/hu/${bobHash}`);
    const keys = await readKeys({ binaryKeys: new Uint8Array(await response.arrayBuffer()) });
    expect(keys.map((k) => k.getFingerprint())).toEqual([bob1.fingerprint, bob2.fingerprint]);
    const direct = await serve(wkdHandler({ domain: 'example.org', layout: 'direct', entries }));
    expect((await fetch(`${direct.origin}/.well-known/openpgpkey/example.org/hu/${bobHash}`)).status).toBe(404);
    expect((await fetch(`${direct.origin}/.well-known/openpgpkey/hu/${bobHash}`)).status).toBe(200);
  });
});

describe('githubHandler', () => {
  it('serves all keys in one armor block, the no-key placeholder and 404 for unknown users', async () => {
    const server = await serve(githubHandler({ users: { Bob: [bob1.armored, bob2.armored], empty: [] } }));
    const response = await fetch(`${server.origin}/bob.gpg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(splitArmor(text)).toHaveLength(1);
    expect(text).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n([A-Za-z0-9+/=]{64}\n)+[A-Za-z0-9+/=]{1,64}\n=[A-Za-z0-9+/]{4}\n-----END PGP PUBLIC KEY BLOCK-----\n$/);
    const keys = await readKeys({ armoredKeys: text });
    expect(keys.map((k) => k.getFingerprint())).toEqual([bob1.fingerprint, bob2.fingerprint]);
    expect((await fetch(`${server.origin}/BOB.gpg`)).status).toBe(200);

    const empty = await fetch(`${server.origin}/empty.gpg`);
    expect(empty.status).toBe(200);
    const body = await empty.text();
    expect(body).toBe(GITHUB_NO_KEYS_BODY);
    expect(body).toContain("Note: This user hasn't uploaded any GPG keys.");
    await expect(readKeys({ armoredKeys: body })).rejects.toThrow();

    expect((await fetch(`${server.origin}/nobody.gpg`)).status).toBe(404);
  });

  it('computes the armor CRC like openpgp and like the placeholder', async () => {
    expect(await githubArmor([])).toBe(GITHUB_NO_KEYS_BODY.replace("Note: This user hasn't uploaded any GPG keys.\n", ''));
    const ours = await githubArmor([alice.armored]);
    const reference = armor(enums.armor.publicKey, alice.key.write(), undefined, undefined, undefined, true);
    expect(ours.match(/\n=(.{4})\n/)?.[1]).toBe(reference.match(/\n=(.{4})\n/)?.[1]);
  });
});

describe('startSks', () => {
  const skipReason = sksSkipReason();
  if (skipReason) console.warn(`startSks tests skipped: ${skipReason}`);

  it.skipIf(skipReason !== undefined)(`serves keys by 0x key ID and fingerprint${skipReason ? ` (skipped: ${skipReason})` : ''}`, async () => {
    const sks = await startSks({ binaryKeys: [alice.key.write(), bob1.key.write()] });
    if ('skipped' in sks) throw new Error(sks.skipped);
    try {
      const lookup = (search: string): Promise<Response> => fetch(`${sks.origin}/pks/lookup?op=get&options=mr&search=${search}`);
      for (const search of [`0x${alice.keyID.toUpperCase()}`, `0x${alice.fingerprint}`, `0x${alice.subkeyFingerprint.toUpperCase()}`, `0x${alice.subkeyID}`]) {
        const response = await lookup(search);
        expect(response.status, search).toBe(200);
        expect(response.headers.get('content-type')).toMatch(/^application\/pgp-keys/);
        const keys = await readKeys({ armoredKeys: await response.text() });
        expect(keys.map((k) => k.getFingerprint())).toEqual([alice.fingerprint]);
      }
      const miss = await lookup(`0x${stranger.keyID}`);
      expect(miss.status).toBe(404);
      expect(await miss.text()).toContain('No results found');
      expect((await lookup(alice.keyID.toUpperCase())).status).toBe(404); // no 0x → word search
    } finally {
      await sks.stop();
    }
  });
});
