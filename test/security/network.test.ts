/**
 * threat catalogue, rows N-01…N-03: the network. Key servers run on 127.0.0.1; a document's
 * front matter tries to steer pledge to loopback, private and link-local addresses, through
 * redirects and over plain http, and to smuggle path parts into request URLs. Verification
 * runs in-process with only the servers the "user" named allowed; N-03's `pledge keys fetch`
 * runs the CLI's command table in-process (src/cli/main.ts).
 */
import type { LookupAddress } from 'node:dns';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedLookup } from '../../src/discovery/http-client.js';
import type { Manifest } from '../../src/report/manifest.js';
import { redirectTo, textReply, type TestServer } from '../helpers/http-server.js';
import { githubHandler } from '../helpers/servers/github.js';
import { keybaseHandler } from '../helpers/servers/keybase.js';
import { vksHandler } from '../helpers/servers/vks.js';
import { wkdHandler } from '../helpers/servers/wkd.js';
import {
  assertNothingUnproven,
  cleartextBlock,
  cli,
  hkpHandler,
  localDiscovery,
  markdownPost,
  newKey,
  scratchDir,
  signText,
  verdicts,
  verify,
  writeIn,
  type Made,
  TEXT,
  serverPool,
  oneSignatureBlock as ok,
} from './assert-nothing-unproven.js';

let dir: string;
let alice: Made;
let block: string;
/** Serves Alice's key for any path: any request it receives is a request pledge should not have made. */
let target: TestServer;
const { serve, closeAll } = serverPool();

const post = (name: string, frontMatter: Record<string, string>) => writeIn(dir, `${name}.md`, markdownPost(frontMatter, block));
const lookupOf = (manifest: Manifest, query: string) => manifest.lookups.find((l) => l.query === query);

beforeAll(async () => {
  dir = await scratchDir('pledge-sec-n-');
  alice = await newKey('Alice <alice@example.org>');
  block = cleartextBlock(TEXT, [await signText(alice, TEXT)]);
  target = await serve(() => ({ status: 200, headers: { 'Content-Type': 'application/pgp-keys' }, body: alice.armored }));
});

afterAll(async () => {
  await closeAll();
});

describe('N: network', () => {
  it('N-01: key URLs on loopback, private, link-local and unique-local addresses, literal or resolved, are network-blocked', async () => {
    const port = target.port;
    const urls = [
      `https://127.0.0.1:${port}/alice.asc`,
      `https://[::1]:${port}/alice.asc`,
      `https://[::ffff:127.0.0.1]:${port}/alice.asc`,
      `https://2130706433:${port}/alice.asc`, // 127.0.0.1 as one decimal number
      'https://0x7f.1/alice.asc', // 127.0.0.1 in hex and short form
      'https://169.254.169.254/latest/meta-data/alice.asc', // cloud metadata
      'https://10.0.0.1/alice.asc',
      'https://[fc00::1]/alice.asc',
      'https://localhost/alice.asc', // a name that resolves to 127.0.0.1 (checked in the connector's lookup)
      'https://vm/alice.asc', // /etc/hosts: 127.0.0.1
    ];
    const documents: string[] = [];
    for (const [index, url] of urls.entries()) documents.push(await post(`n01-${index}`, { key: url }));
    const manifest = await verify(documents, { discovery: localDiscovery({}, ['url'], { timeoutMs: 2_000 }) });
    const seen = Object.fromEntries(manifest.lookups.map((l) => [l.query, { outcome: l.outcome, code: l.code }]));
    expect(Object.keys(seen)).toHaveLength(urls.length);
    expect(Object.values(seen)).toEqual(urls.map(() => ({ outcome: 'error', code: 'network-blocked' })));
    expect(verdicts(manifest)).toEqual(urls.map(() => ok('key-unavailable', 'key-unavailable')));
    expect(target.requests).toHaveLength(0);
    await assertNothingUnproven(manifest);

    // DNS rebinding: the address is checked inside the connector's lookup, on every
    // resolution, and one private answer among public ones refuses the name.
    let calls = 0;
    const rebinding = createGuardedLookup(async (): Promise<LookupAddress[]> => (calls++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }]));
    const mixed = createGuardedLookup(async (): Promise<LookupAddress[]> => [{ address: '93.184.216.34', family: 4 }, { address: '169.254.169.254', family: 4 }]);
    const resolve = (lookup: ReturnType<typeof createGuardedLookup>) =>
      new Promise<string>((done) => lookup('keys.attacker.example', { all: true }, (err, addresses) => done(err ? `blocked: ${(err as { code?: string }).code}` : JSON.stringify(addresses))));
    expect(await resolve(rebinding)).toBe('[{"address":"93.184.216.34","family":4}]');
    expect(await resolve(rebinding)).toBe('blocked: ERR_PLEDGE_BLOCKED_ADDRESS');
    expect(await resolve(mixed)).toBe('blocked: ERR_PLEDGE_BLOCKED_ADDRESS');
  });

  it('N-02: a redirect to an internal or plain-http URL is bad-redirect; plain http and hkp:// are refused on the whole path', async () => {
    const other = await serve(() => ({ status: 200, headers: { 'Content-Type': 'application/pgp-keys' }, body: alice.armored }));
    const keyPath = `/vks/v1/by-fingerprint/${alice.fingerprint}`;
    const redirecting = (location: string) => serve((req) => (req.path === keyPath ? redirectTo(location) : textReply(404, 'Not Found')));
    const cases = {
      'to cloud metadata over http': await redirecting('http://169.254.169.254/latest/meta-data/'),
      'to another (unnamed) local server': await redirecting(`http://127.0.0.1:${other.port}${keyPath}`),
      'to file:': await redirecting('file:///etc/passwd'),
    };
    const seen: Record<string, unknown> = {};
    for (const [name, server] of Object.entries(cases)) {
      const manifest = await verify([await writeIn(dir, 'n02.txt', block)], { discovery: localDiscovery({ vks: server.origin }, ['vks']) });
      seen[name] = { verdicts: verdicts(manifest), lookups: manifest.lookups.map((l) => ({ outcome: l.outcome, code: l.code })) };
      await assertNothingUnproven(manifest);
    }
    expect(other.requests).toHaveLength(0);
    const refused = { verdicts: [ok('key-unavailable', 'key-unavailable')], lookups: [{ outcome: 'error', code: 'bad-redirect' }] };
    expect(seen).toEqual({ 'to cloud metadata over http': refused, 'to another (unnamed) local server': refused, 'to file:': refused });

    // Same-origin redirects are followed, at most 3 hops.
    let hops = 0;
    const loop = await serve((req) => (req.path.startsWith('/hop/') || req.path === keyPath ? redirectTo(`/hop/${++hops}`) : textReply(404, 'Not Found')));
    const looped = await verify([await writeIn(dir, 'n02-loop.txt', block)], { discovery: localDiscovery({ vks: loop.origin }, ['vks']) });
    expect(looped.lookups.map((l) => ({ outcome: l.outcome, code: l.code }))).toEqual([{ outcome: 'error', code: 'bad-redirect' }]);
    expect(loop.requests.length).toBe(4);

    // A key URL over plain http in a document: never requested.
    const plain = await verify([await post('n02-http', { key: `http://127.0.0.1:${target.port}/alice.asc` })], { discovery: localDiscovery({}, ['url']) });
    expect(verdicts(plain)).toEqual([ok('no-public-key', 'key-not-found')]);
    expect(target.requests).toHaveLength(0);

    // A keyserver named with plain hkp:// (http on port 11371) on a public name: the catalogue
    // allows hkps/https only, whoever named it (K-01's check cannot see a stripped revocation).
    const hkp = await verify([await writeIn(dir, 'n02-hkp.txt', block)], { discovery: localDiscovery({ keyservers: ['hkp://keyserver.pledge-test.invalid'] }, ['hkp'], { timeoutMs: 1_000 }) });
    expect(hkp.lookups.map((l) => ({ outcome: l.outcome, code: l.code }))).toEqual([{ outcome: 'error', code: 'network-blocked' }]);
  });

  it('N-03: identifiers carrying "/", "?", "@", "%2e" or a URL are refused: strict syntax, encoded path parts, configured hosts only', async () => {
    // (a) Typed by the user: pledge keys fetch refuses them (usage error) before any request.
    const recorder = await serve(hkpHandler(() => null));
    const cache = await mkdtemp(join(tmpdir(), 'pledge-sec-cache-'));
    const typed = ['keybase:../../etc/passwd', 'github:alice/../../admin', 'github:%2e%2e', `https://127.0.0.1:${recorder.port}/x`, 'alice@example.org/../x', 'alice@evil.example@example.org'];
    const codes: Record<string, number | null> = {};
    for (const query of typed) {
      const result = await cli(['keys', 'fetch', query, '--json', '--sources', 'keybase,github,wkd,hkp', '--keyserver', recorder.origin, '--keybase-url', recorder.origin, '--github-url', recorder.origin, '--wkd-origin', recorder.origin, '--cache-dir', cache]);
      codes[query] = result.code;
    }
    expect(codes).toEqual(Object.fromEntries(typed.map((query) => [query, 2])));
    expect(recorder.requests).toHaveLength(0);

    // (b) In a document's front matter, against every source at once.
    const vks = await serve(vksHandler({ keys: [] }));
    const keybase = await serve(keybaseHandler({ users: [] }));
    const github = await serve(githubHandler({ users: {} }));
    const wkd = await serve(wkdHandler({ domain: 'example.org', layout: 'both', entries: [] }));
    const hostile: Record<string, string>[] = [
      { keybase: '../../../etc/passwd' },
      { keybase: 'alice?usernames=root' },
      { github: 'alice/../../admin' },
      { github_user: 'alice%2e%2e' },
      { github: `https://127.0.0.1:${target.port}/` },
      { email: 'alice%2e%2e@example.org' },
      { email: 'alice@example.org/../../x' },
      { email: '"alice@evil"@example.org' },
      { fingerprint: `../../${alice.fingerprint}` },
    ];
    const documents: string[] = [];
    for (const [index, frontMatter] of hostile.entries()) documents.push(await post(`n03-${index}`, Object.fromEntries(Object.entries(frontMatter).map(([k, v]) => [k, JSON.stringify(v)]))));
    const manifest = await verify(documents, { discovery: localDiscovery({ vks: vks.origin, keybase: keybase.origin, github: github.origin, wkd: wkd.origin }, ['vks', 'keybase', 'wkd', 'github']) });
    expect(verdicts(manifest)).toEqual(hostile.map(() => ok('no-public-key', 'key-not-found')));
    await assertNothingUnproven(manifest);
    expect(target.requests).toHaveLength(0);
    const requests = [...vks.requests, ...keybase.requests, ...github.requests, ...wkd.requests];
    const queries = [...keybase.requests, ...wkd.requests].flatMap((r) => [...r.query.entries()]);
    // Every request is one of the shapes pledge builds, from the signature's issuer only.
    for (const request of requests) expect.soft(request.path, 'no path traversal or encoded dot').not.toMatch(/\.\.|%2e|%2f/i);
    expect(vks.requests.map((r) => r.path)).toEqual([`/vks/v1/by-fingerprint/${alice.fingerprint}`]);
    expect(keybase.requests.map((r) => r.query.get('key_fingerprint'))).toEqual([alice.fingerprint.toLowerCase()]);
    expect(github.requests).toHaveLength(0);
    expect(wkd.requests).toHaveLength(0);
    expect(queries.every(([name]) => ['key_fingerprint', 'fields', 'l'].includes(name))).toBe(true);
    expect(lookupOf(manifest, alice.fingerprint)?.outcome).toBe('not-found');
  });
});
