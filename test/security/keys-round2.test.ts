/**
 * threat catalogue, rows K-17, K-18, K-20 (issue 19, round 2): key discovery. Keys are made with
 * openpgp.js; keys.openpgp.org, HKP and GitHub are loopback imitations that lie as the rows say.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyCache } from '../../src/discovery/key-cache.js';
import { Keyring } from '../../src/discovery/keyring.js';
import { createDiscovery } from '../../src/pipeline/create-discovery.js';
import { checkIdentity } from '../../src/repo/identity.js';
import type { Manifest } from '../../src/report/manifest.js';
import { githubArmor } from '../helpers/servers/github.js';
import { vksHandler } from '../helpers/servers/vks.js';
import {
  armorKey,
  assertNothingUnproven,
  cleartextBlock,
  expectGnupg,
  hkpHandler,
  localDiscovery,
  markdownPost,
  newKey,
  oneSignatureBlock,
  publicPacket,
  scratchDir,
  serverPool,
  signText,
  SIGNED_AT,
  TEXT,
  verdicts,
  verify,
  writeIn,
  type Made,
} from './assert-nothing-unproven.js';

const { enums } = openpgp;
const ok = (status: string, reason: string | null) => [oneSignatureBlock(status, reason)];
const VERIFIED = ok('verified', null);
const block = (...signatures: [string, string | null][]) => [{ block: 'ok', signatures: signatures.map(([status, reason]) => ({ status, reason })) }];
const signature = (manifest: Manifest, index: number) => manifest.documents[0]!.blocks[0]!.signatures[index]!;

let dir: string;
let mallory: Made;
const { serve, closeAll } = serverPool();

beforeAll(async () => {
  dir = await scratchDir('pledge-sec-k2-');
  mallory = await newKey('Mallory <mallory@example.org>', { subkeys: [{ sign: true }] });
});

afterAll(async () => {
  await closeAll();
});

describe('K (round 2): key discovery', () => {
  it('K-17: a hard-revoked key slipped in unrevoked through another issuer’s answer is still revoked-key, in the run and from the cache', async () => {
    const victor = await newKey('Victor <victor@example.org>');
    const { publicKey: revoked } = await openpgp.revokeKey({ key: victor.privateKey, reasonForRevocation: { flag: enums.reasonForRevocation.keyCompromised }, date: new Date('2024-06-01T00:00:00Z'), format: 'object' });
    // X: Mallory's own signing subkey; the HKP server answers for it with Victor's certificate,
    // revocation left out, X appended unbound, beside Mallory's certificate.
    const x = mallory.publicKey.subkeys[0]!;
    const victorWithX = armorKey([...victor.publicKey.toPacketList(), await publicPacket(openpgp.PublicSubkeyPacket, x.keyPacket)]);
    const hostile = await githubArmor([victorWithX, mallory.armored]);
    const hkp = await serve(hkpHandler(() => hostile));
    const vks = await serve(vksHandler({ keys: [revoked.armor()] }));
    const cacheDirectory = await mkdtemp(join(tmpdir(), 'pledge-sec-k17-'));
    const discovery = localDiscovery({ vks: vks.origin, keyservers: [hkp.origin] }, ['vks', 'hkp'], { cacheDirectory });

    const victorSignature = await signText(victor, TEXT, { date: SIGNED_AT });
    const attack = await writeIn(dir, 'k17-attack.txt', cleartextBlock(TEXT, [await signText(mallory, TEXT, { subkey: 0 }), victorSignature]));
    const alone = await writeIn(dir, 'k17-alone.txt', cleartextBlock(TEXT, [victorSignature]));

    // Control: Mallory's own signature verifies; Victor's alone is revoked-key.
    const control = await verify([alone], { discovery: localDiscovery({ vks: vks.origin, keyservers: [hkp.origin] }, ['vks', 'hkp']) });
    expect.soft(verdicts(control), 'Victor alone').toEqual(ok('revoked-key', 'key-revoked'));

    const first = await verify([attack], { discovery });
    expect.soft(verdicts(first), 'in the run').toEqual(block(['verified', null], ['revoked-key', 'key-revoked']));
    expect.soft(signature(first, 0).primaryKeyFingerprint).toBe(mallory.fingerprint);
    expect.soft(first.signers.map((s) => s.primaryKeyFingerprint)).toEqual([mallory.fingerprint]);
    await assertNothingUnproven(first);

    // The cache merges revocations, never replaces them: offline, the same.
    const offline = await verify([attack, alone], { discovery: { ...discovery, offline: true } });
    expect.soft(verdicts(offline), 'offline, from the cache').toEqual([...block(['verified', null], ['revoked-key', 'key-revoked']), ...ok('revoked-key', 'key-revoked')]);
    await assertNothingUnproven(offline);

    // keys.openpgp.org gone, the stale cache entry and the HKP server's unrevoked copy: still revoked.
    const gone = await serve(vksHandler({ keys: [] }));
    const later = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const stale = await verify([alone], { now: later, discovery: localDiscovery({ vks: gone.origin, keyservers: [hkp.origin] }, ['vks', 'hkp'], { cacheDirectory }) });
    expect.soft(verdicts(stale), 'stale cache, unrevoked HKP copy').toEqual(ok('revoked-key', 'key-revoked'));
    const afterwards = await verify([alone], { now: later, discovery: { ...discovery, offline: true } });
    expect(verdicts(afterwards), 'offline after the unrevoked copy was fetched').toEqual(ok('revoked-key', 'key-revoked'));
    // The cache itself: an unrevoked copy put over a revoked one keeps the revocation.
    const cache = new KeyCache(await mkdtemp(join(tmpdir(), 'pledge-sec-k17-cache-')));
    await cache.put({ key: revoked, source: 'vks' }, new Date());
    await cache.put({ key: victor.publicKey, source: `hkp:${hkp.origin}` }, new Date());
    const direct = await verify([alone], { discovery: { ...localDiscovery({}, [], { cacheDirectory: cache.directory }), offline: true } });
    expect(verdicts(direct), 'cache put over a revoked copy').toEqual(ok('revoked-key', 'key-revoked'));
    // GnuPG given both certificates (the revoked one imported): REVKEYSIG for Victor: agrees.
    expectGnupg(alone, [revoked.armor(), victorWithX], { keywords: ['REVKEYSIG'] });
  });

  it('K-18: a user ID only an HKP keyserver supplied is unverified-claim, even merged into a keys.openpgp.org copy', async () => {
    // Mallory's key, as she made it: "Linus Torvalds" and two signing subkeys.
    const linus = await newKey('Linus Torvalds <torvalds@linux-foundation.org>', { subkeys: [{ sign: true }, { sign: true }] });
    const userID = 'Linus Torvalds <torvalds@linux-foundation.org>';
    // keys.openpgp.org publishes it without the unverified address and (uploaded earlier) the first subkey only.
    const stripped = linus.publicKey.toPublic();
    stripped.users = [];
    stripped.subkeys = [stripped.subkeys[0]!];
    const vks = await serve(vksHandler({ keys: [stripped.armor()] }));
    const hkp = await serve(hkpHandler(() => linus.armored));
    const document = await writeIn(dir, 'k18.txt', cleartextBlock(TEXT, [await signText(linus, TEXT, { subkey: 0 }), await signText(linus, TEXT, { subkey: 1 })]));

    const manifest = await verify([document], { discovery: localDiscovery({ vks: vks.origin, keyservers: [hkp.origin] }, ['vks', 'hkp']) });
    expect(verdicts(manifest)).toEqual(block(['verified', null], ['verified', null]));
    expect.soft(signature(manifest, 0)).toMatchObject({ keySource: 'vks', userIDs: [], warnings: [] });
    // The second subkey came from the HKP server with the user ID: shown only marked as a claim.
    expect.soft(signature(manifest, 1)).toMatchObject({ userIDs: [userID], warnings: ['unverified-claim'] });
    expect(manifest.signers.flatMap((s) => s.userIDs)).toEqual([]);
    await assertNothingUnproven(manifest, { unvouchedUserIDs: [userID] });

    // Control: keys.openpgp.org itself publishes the user ID (address verified): shown, vouched.
    const verifiedVks = await serve(vksHandler({ keys: [linus.armored] }));
    const vouched = await verify([document], { discovery: localDiscovery({ vks: verifiedVks.origin, keyservers: [hkp.origin] }, ['vks', 'hkp']) });
    expect(verdicts(vouched)).toEqual(block(['verified', null], ['verified', null]));
    expect(signature(vouched, 1)).toMatchObject({ userIDs: [userID], warnings: [] });
    expect(vouched.signers.flatMap((s) => s.userIDs)).toEqual([userID]);
  });

  it('K-20: an account that changed hands is key-changed even when keys.openpgp.org finds the new key by fingerprint', async () => {
    const erin = await newKey('Erin <erin@example.org>');
    const listed = { erin: [erin.armored] };
    const github = await serve(async (req) => {
      const keys = req.path === '/erin.gpg' ? listed.erin : undefined;
      return keys ? { status: 200, headers: { 'Content-Type': 'text/plain' }, body: await githubArmor(keys) } : { status: 404, body: 'Not Found' };
    });
    const vks = await serve(vksHandler({ keys: [mallory.armored] }));
    const cacheDirectory = await mkdtemp(join(tmpdir(), 'pledge-sec-k20-'));
    const discovery = localDiscovery({ vks: vks.origin, github: github.origin }, ['vks', 'github'], { cacheDirectory });

    // Run 1: Erin's post; keys.openpgp.org does not know her key, her GitHub account lists it.
    const first = await verify([await writeIn(dir, 'k20-erin.md', markdownPost({ github: 'erin' }, cleartextBlock(TEXT, [await signText(erin, TEXT)])))], { discovery });
    expect(verdicts(first)).toEqual(VERIFIED);
    expect(signature(first, 0)).toMatchObject({ primaryKeyFingerprint: erin.fingerprint, keySource: 'github:erin' });

    // Mallory takes "erin" on GitHub and uploads her key to keys.openpgp.org as well.
    listed.erin = [mallory.armored];
    const claiming = await writeIn(dir, 'k20-mallory.md', markdownPost({ github: 'erin' }, cleartextBlock(TEXT, [await signText(mallory, TEXT)])));
    const unclaimed = await writeIn(dir, 'k20-mallory-own.md', markdownPost({}, cleartextBlock(TEXT, [await signText(mallory, TEXT)])));
    const second = await verify([claiming, unclaimed], { discovery });
    // Control: her post that claims no account verifies (her key, found by fingerprint).
    expect(verdicts(second)).toEqual([...ok('identity-mismatch', 'key-changed'), ...VERIFIED]);
    expect(signature(second, 0).primaryKeyFingerprint).toBe(mallory.fingerprint);
    expect(second.signers.map((s) => s.primaryKeyFingerprint)).toEqual([mallory.fingerprint]);
    await assertNothingUnproven(second);
  });

  it('K-20 (repository identity check): the account memory is consulted and kept by the identity check too', async () => {
    const erin = await newKey('Erin <erin@example.org>');
    const listed = { erin: [erin.armored] };
    const github = await serve(async (req) => {
      const keys = req.path === '/erin.gpg' ? listed.erin : undefined;
      return keys ? { status: 200, headers: { 'Content-Type': 'text/plain' }, body: await githubArmor(keys) } : { status: 404, body: 'Not Found' };
    });
    const request = localDiscovery({ github: github.origin }, ['vks', 'github'], { cacheDirectory: await mkdtemp(join(tmpdir(), 'pledge-sec-k20r-')) });
    const claimedBy = async (made: Made) => {
      const { discovery, close } = await createDiscovery(new Keyring(), request, new Date());
      try {
        return await checkIdentity({ github: 'erin' }, { github: true }, { primaryKeyFingerprint: made.fingerprint, signingKeyFingerprint: made.fingerprint }, (query) => discovery.keysClaimedBy(query));
      } finally {
        await close();
      }
    };
    // Control: Erin's key, listed by her account: backed (and remembered).
    expect(await claimedBy(erin)).toEqual({ outcome: 'backed' });
    listed.erin = [mallory.armored];
    expect(await claimedBy(mallory)).toMatchObject({ outcome: 'unbacked', reason: { code: 'key-changed' } });
  });
});

describe('K-18 (issue 19 leftover): the recorded key source is that of the part that signed', () => {
  it('a signature by a subkey only an HKP server supplied names that server, not keys.openpgp.org', async () => {
    const linus = await newKey('Linus Torvalds <torvalds@linux-foundation.org>', { subkeys: [{ sign: true }, { sign: true }] });
    const stripped = linus.publicKey.toPublic();
    stripped.users = [];
    stripped.subkeys = [stripped.subkeys[0]!];
    const vks = await serve(vksHandler({ keys: [stripped.armor()] }));
    const hkp = await serve(hkpHandler(() => linus.armored));
    const document = await writeIn(dir, 'k18-source.txt', cleartextBlock(TEXT, [await signText(linus, TEXT, { subkey: 0 }), await signText(linus, TEXT, { subkey: 1 })]));
    const manifest = await verify([document], { discovery: localDiscovery({ vks: vks.origin, keyservers: [hkp.origin] }, ['vks', 'hkp']) });
    expect(verdicts(manifest)).toEqual(block(['verified', null], ['verified', null]));
    // Control: the subkey keys.openpgp.org published is recorded as its.
    expect(signature(manifest, 0).keySource).toBe('vks');
    expect(signature(manifest, 1).keySource).toBe(`hkp:${hkp.origin}`);
  });
});
