/**
 * threat catalogue, rows K-01…K-16: keys and identity. Every input is made here: keys with
 * openpgp.js `generateKey`, signatures and certificates built packet by packet where openpgp.js
 * would refuse (expired or revoked keys, forged issuers, missing back-signatures), and key
 * servers on 127.0.0.1 (test/helpers/http-server.ts) that lie in the ways the rows describe.
 * Verification runs in-process through src/pipeline/run.ts; K-03's `pledge keys fetch` runs the
 * CLI's command table in-process (src/cli/main.ts).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/report/manifest.js';
import { githubArmor } from '../helpers/servers/github.js';
import { keybaseHandler } from '../helpers/servers/keybase.js';
import { vksHandler } from '../helpers/servers/vks.js';
import { wkdHandler } from '../helpers/servers/wkd.js';
import {
  armorKey,
  assertNothingUnproven,
  certify,
  cleartextBlock,
  cli,
  craftSignature,
  expectGnupg,
  hkpHandler,
  localDiscovery,
  markdownPost,
  newKey,
  outcome,
  publicPacket,
  scratchDir,
  signText,
  SIGNED_AT,
  T0,
  userIDPacket,
  verdicts,
  verify,
  writeIn,
  type Made,
  TEXT,
  serverPool,
  oneSignatureBlock,
} from './assert-nothing-unproven.js';

const { enums } = openpgp;
const ok = (status: string, reason: string | null) => [oneSignatureBlock(status, reason)];
const VERIFIED = ok('verified', null);

let dir: string;
let alice: Made;
let mallory: Made;
const { serve, closeAll } = serverPool();

async function signedDocument(name: string, block: string): Promise<string> {
  return writeIn(dir, name, block);
}

const binaryOf = async (armored: string) => (await openpgp.readKey({ armoredKey: armored })).write();
const only = (manifest: Manifest) => manifest.documents[0]!.blocks[0]!.signatures[0]!;

/**
 * A certificate of `owner` that also binds `stolen` (another key's public key packet) as a
 * signing subkey, with a binding signature by `owner` and NO embedded back-signature: anyone
 * can make one, and upload it to an HKP keyserver.
 */
async function certificateBinding(owner: Made, stolen: Parameters<typeof publicPacket>[1]): Promise<string> {
  const primary = await publicPacket(openpgp.PublicKeyPacket, owner.publicKey.keyPacket);
  const userID = userIDPacket(owner.publicKey.getUserIDs()[0]!);
  const selfCertification = await certify(owner.privateKey.keyPacket as openpgp.SecretKeyPacket, primary, userID);
  const subkey = await publicPacket(openpgp.PublicSubkeyPacket, stolen);
  const binding = await craftSignature(owner.privateKey.keyPacket as openpgp.SecretKeyPacket, { key: primary, bind: subkey }, {
    type: enums.signature.subkeyBinding,
    date: T0,
    tweak: (packet) => {
      packet.keyFlags = new Uint8Array([enums.keyFlags.signData]);
    },
  });
  return armorKey([primary, userID, selfCertification, subkey, binding]);
}

beforeAll(async () => {
  dir = await scratchDir('pledge-sec-k-');
  alice = await newKey('Alice <alice@example.org>');
  mallory = await newKey('Mallory <mallory@example.org>');
});

afterAll(async () => {
  await closeAll();
});

describe('K: keys and identity', () => {
  it('K-01: a keyserver that answers a fingerprint query with a different key gives no-public-key (key-mismatch), recorded as a mismatch', async () => {
    const document = await signedDocument('k01.txt', cleartextBlock(TEXT, [await signText(alice, TEXT)]));
    const hkp = await serve(hkpHandler(() => mallory.armored));
    const vks = await serve(() => ({ status: 200, headers: { 'Content-Type': 'application/pgp-keys' }, body: mallory.armored }));
    const manifest = await verify([document], { discovery: localDiscovery({ keyservers: [hkp.origin], vks: vks.origin }, ['vks', 'hkp']) });
    // The catalogue's not-verified:fingerprint-mismatch: no-public-key, with the reason pledge
    // has for exactly this ("a source returned a key that does not hold the issuer").
    expect.soft(verdicts(manifest)).toEqual(ok('no-public-key', 'key-mismatch'));
    expect(manifest.lookups.map((l) => ({ source: l.source.replace(/:.*/, ''), outcome: l.outcome }))).toEqual([
      { source: 'vks', outcome: 'mismatch' },
      { source: 'hkp', outcome: 'mismatch' },
    ]);
    expect(manifest.lookups.every((l) => l.urls.every((url) => url.includes(alice.fingerprint)))).toBe(true);
    expect(only(manifest).primaryKeyFingerprint).toBeNull();
    await assertNothingUnproven(manifest, { unsigned: ['Mallory'] });
    // GnuPG given the keyserver's answer as its keyring: ERRSIG rc 9 (no public key): agrees.
    expectGnupg(document, [mallory.armored], { keywords: ['ERRSIG'], errsigRc: [9] });
  });

  it('K-02: a response holding several keys, the attacker’s first, still verifies with the one holding the issuer', async () => {
    const document = await signedDocument('k02.txt', cleartextBlock(TEXT, [await signText(alice, TEXT)]));
    // One armor block with both keys' packets (as GitHub serves), and two armor blocks.
    const empty = await serve(hkpHandler(() => null));
    const oneBody = await githubArmor([mallory.armored, alice.armored]);
    const single = await serve(hkpHandler(() => oneBody));
    const twoBlocks = await serve(hkpHandler(() => `${mallory.armored}\n${alice.armored}`));
    for (const server of [single, twoBlocks]) {
      const manifest = await verify([document], { discovery: localDiscovery({ keyservers: [empty.origin, server.origin] }, ['hkp']) });
      expect.soft(verdicts(manifest)).toEqual(VERIFIED);
      expect.soft(only(manifest).primaryKeyFingerprint).toBe(alice.fingerprint);
      expect.soft(manifest.lookups.map((l) => l.outcome)).toEqual(['not-found', 'found']);
      await assertNothingUnproven(manifest, { unsigned: ['Mallory'] });
    }
    // GnuPG with both keys: GOODSIG, VALIDSIG Alice: agrees.
    expectGnupg(document, [mallory.armored, alice.armored], { keywords: ['GOODSIG'], validsig: [alice.fingerprint] });
  });

  it('K-03: 32-bit short key IDs are never queried or accepted', async () => {
    // (a) A short ID typed by the user is refused before any request.
    const hkp = await serve(hkpHandler(() => mallory.armored));
    const cache = await mkdtemp(join(tmpdir(), 'pledge-sec-cache-'));
    const shortID = mallory.fingerprint.slice(-8);
    for (const query of [shortID, `0x${shortID}`]) {
      const fetched = await cli(['keys', 'fetch', query, '--json', '--sources', 'hkp', '--keyserver', hkp.origin, '--cache-dir', cache]);
      expect.soft(fetched.code, `pledge keys fetch ${query}`).toBe(2);
    }
    expect(hkp.requests).toHaveLength(0);

    // (b) Mallory signs with a hashed issuer key ID that shares only her short ID (low 32 bits)
    // and names no fingerprint; the front matter offers the short ID too. A server that
    // answers by short ID hands back Mallory's key, which did make the signature: a verifier
    // matching 32 bits would call it good.
    const KeyID = mallory.publicKey.getKeyID().constructor as typeof openpgp.KeyID;
    const forged = KeyID.fromID(`0BADC0DE${shortID}`);
    const signature = await signText(mallory, TEXT, {
      tweak: (packet) => {
        packet.issuerFingerprint = null;
        packet.issuerKeyID = forged;
      },
    });
    const document = await signedDocument('k03.md', markdownPost({ fingerprint: shortID }, cleartextBlock(TEXT, [signature])));
    const manifest = await verify([document], { discovery: localDiscovery({ keyservers: [hkp.origin] }, ['hkp']) });
    expect.soft(verdicts(manifest)).toEqual(ok('no-public-key', 'key-mismatch'));
    expect(only(manifest).issuerKeyID).toBe(`0BADC0DE${shortID}`);
    const searches = hkp.requests.map((r) => r.query.get('search'));
    expect(searches).toEqual([`0x0BADC0DE${shortID}`]);
    expect(manifest.lookups.map((l) => l.outcome)).toEqual(['mismatch']);
    await assertNothingUnproven(manifest, { unsigned: ['Mallory'] });
    // GnuPG with Mallory's key: ERRSIG rc 9 (it matches 64 bits too): agrees.
    expectGnupg(document, [mallory.armored], { keywords: ['ERRSIG'], errsigRc: [9] });
  });

  it('K-04: a key holding only the issuer’s 64-bit key ID that fails cryptographically is no valid key (no-public-key), never a signer', async () => {
    // Alice's signature names, in its hashed area, Mallory's key ID and no fingerprint: the
    // server's answer for that key ID (Mallory's key) is a "collider" that did not sign.
    const signature = await signText(alice, TEXT, {
      tweak: (packet) => {
        packet.issuerFingerprint = null;
        packet.issuerKeyID = mallory.publicKey.getKeyID();
      },
    });
    const document = await signedDocument('k04.txt', cleartextBlock(TEXT, [signature]));
    const vks = await serve(vksHandler({ keys: [mallory.armored] }));
    const manifest = await verify([document], { discovery: localDiscovery({ vks: vks.origin }, ['vks']) });
    expect(vks.requests.map((r) => r.path)).toEqual([`/vks/v1/by-keyid/${mallory.publicKey.getKeyID().toHex().toUpperCase()}`]);
    expect(manifest.signers).toEqual([]);
    await assertNothingUnproven(manifest, { unsigned: ['Mallory'] });
    // GnuPG with Mallory's key: BADSIG (it blames the text). The catalogue asks pledge to
    // differ: a key-ID match is no evidence that this key made the signature.
    expectGnupg(document, [mallory.armored], { keywords: ['BADSIG'], validsig: [] });
    // The catalogue: not-verified:no-valid-key, i.e. no-public-key. A key that merely shares
    // a 64-bit key ID and fails says nothing about the text.
    expect(verdicts(manifest)).toEqual(ok('no-public-key', 'key-mismatch'));
  });

  it('K-05: an attacker certificate sharing the real key’s ID, listed first, does not stop the real signature verifying', async () => {
    // Mallory's certificate binds Alice's primary key packet as its own signing subkey (no
    // back-signature: Mallory cannot make one). It holds Alice's key ID AND fingerprint.
    const attacker = await certificateBinding(mallory, alice.publicKey.keyPacket);
    const document = await signedDocument('k05.txt', cleartextBlock(TEXT, [await signText(alice, TEXT)]));
    const results: Record<string, unknown> = {};
    for (const [name, keys] of [['attacker first', [attacker, alice.armored]], ['attacker last', [alice.armored, attacker]]] as const) {
      const keyring = await writeIn(dir, `k05-${name.replace(' ', '-')}.asc`, keys.join('\n'));
      const manifest = await outcome(() => verify([document], { keyrings: [keyring] }));
      results[`keyring, ${name}`] = 'threw' in manifest ? manifest : { verdicts: verdicts(manifest), primary: only(manifest).primaryKeyFingerprint };
      if (!('threw' in manifest)) await assertNothingUnproven(manifest, { unsigned: ['Mallory'] });
    }
    // The same from a keyserver: anyone can upload such a certificate to HKP.
    const body = await githubArmor([attacker, alice.armored]);
    const hkp = await serve(hkpHandler(() => body));
    const fromServer = await outcome(() => verify([document], { discovery: localDiscovery({ keyservers: [hkp.origin] }, ['hkp']) }));
    results['keyserver, attacker first'] = 'threw' in fromServer ? fromServer : { verdicts: verdicts(fromServer), primary: only(fromServer).primaryKeyFingerprint };
    // GnuPG 2.2.40 with both certificates: ERRSIG, no good signature. It is fooled too: this
    // is CVE-2025-30258 (a subkey without back-signature blocks verification; fixed in 2.5.5).
    // So GnuPG does not reach the catalogue's verdict either.
    expectGnupg(document, [attacker, alice.armored], { keywords: ['ERRSIG'], validsig: [], errsigRc: [1] });
    const expected = { verdicts: VERIFIED, primary: alice.fingerprint };
    expect(results).toEqual({ 'keyring, attacker first': expected, 'keyring, attacker last': expected, 'keyserver, attacker first': expected });
  });

  it('K-06: an attacker certificate binding the victim’s signing subkey without a back-signature is never credited', async () => {
    const victim = await newKey('Victor <victor@example.org>', { subkeys: [{ sign: true }] });
    const subkey = victim.publicKey.subkeys[0]!;
    const attacker = await certificateBinding(mallory, subkey.keyPacket);
    const signature = await signText(victim, TEXT, { subkey: 0 });
    const document = await signedDocument('k06.txt', cleartextBlock(TEXT, [signature]));

    // Only the attacker's certificate is known: the subkey made the signature, but Mallory never
    // proved she owns it, so nothing is credited to her.
    const attackerOnly = await verify([document], { keyrings: [await writeIn(dir, 'k06-attacker.asc', attacker)] });
    expect.soft(verdicts(attackerOnly)).toEqual(ok('bad-signature', 'key-not-signing-capable'));
    expect(attackerOnly.signers).toEqual([]);
    await assertNothingUnproven(attackerOnly);

    // Both certificates known, in either order: the victim's, whose binding has the back-signature.
    for (const [name, keys] of [['attacker first', [attacker, victim.armored]], ['victim first', [victim.armored, attacker]]] as const) {
      const keyring = await writeIn(dir, `k06-${name.replace(' ', '-')}.asc`, keys.join('\n'));
      const manifest = await outcome(() => verify([document], { keyrings: [keyring] }));
      const seen = 'threw' in manifest ? manifest : { verdicts: verdicts(manifest), primary: only(manifest).primaryKeyFingerprint };
      expect.soft(seen, name).toEqual({ verdicts: VERIFIED, primary: victim.fingerprint });
      if (!('threw' in manifest)) await assertNothingUnproven(manifest, { unsigned: ['Mallory'] });
    }
    // GnuPG with only the attacker's certificate: no good signature (it drops the binding): agrees.
    expectGnupg(document, [attacker], { validsig: [] });
  });

  it('K-07: a key from an HKP upload verifies by fingerprint, but its "Famous Person" user ID is not shown as vouched', async () => {
    const famous = await newKey('Famous Person <them@org.example>');
    const document = await signedDocument('k07.txt', cleartextBlock(TEXT, [await signText(famous, TEXT)]));
    const hkp = await serve(hkpHandler(() => famous.armored));
    const manifest = await verify([document], { discovery: localDiscovery({ keyservers: [hkp.origin] }, ['hkp']) });
    expect(verdicts(manifest)).toEqual(VERIFIED);
    expect(only(manifest)).toMatchObject({ primaryKeyFingerprint: famous.fingerprint, keySource: `hkp:${hkp.origin}` });
    expect(manifest.signers.map((s) => s.primaryKeyFingerprint)).toEqual([famous.fingerprint]);
    // The catalogue: HKP user IDs are marked unverified-claim (pledge's README: "anyone can
    // upload there, so nothing but the key is used"). Shown unmarked, they read as identity.
    await assertNothingUnproven(manifest, { unvouchedUserIDs: ['Famous Person <them@org.example>'] });
    // GnuPG: GOODSIG, with the user ID at validity "unknown" (its own marking): agrees.
    expectGnupg(document, [famous.armored], { keywords: ['GOODSIG'], validsig: [famous.fingerprint] });
  });

  it('K-08: a WKD answer with keys for other addresses keeps only keys holding the queried address', async () => {
    const dave = await newKey('Dave <dave@example.org>');
    const entry = async (...keys: Made[]) => ({ email: 'dave@example.org', binaryKeys: new Uint8Array((await Promise.all(keys.map((k) => binaryOf(k.armored)))).flatMap((bytes) => [...bytes])) });

    // Mallory signs and claims Dave's address; the domain's directory (shared hosting, or
    // compromised) serves her key, user ID mallory@example.org, under Dave's hash.
    const lying = await serve(wkdHandler({ domain: 'example.org', layout: 'both', entries: [await entry(mallory)] }));
    const forged = await signedDocument('k08-mallory.md', markdownPost({ email: 'dave@example.org' }, cleartextBlock(TEXT, [await signText(mallory, TEXT)])));
    const refused = await verify([forged], { discovery: localDiscovery({ wkd: lying.origin }, ['wkd']) });
    expect.soft(verdicts(refused)).toEqual(ok('no-public-key', 'key-not-found'));
    expect.soft(refused.lookups.map((l) => ({ source: l.source, outcome: l.outcome }))).toEqual([{ source: 'wkd', outcome: 'not-found' }]);
    expect(refused.signers).toEqual([]);
    await assertNothingUnproven(refused, { unsigned: ['Mallory', 'Dave'] });

    // Dave signs; his entry holds Mallory's key first, then his: his is kept, and nothing of
    // Mallory's reaches the manifest.
    const mixed = await serve(wkdHandler({ domain: 'example.org', layout: 'both', entries: [await entry(mallory, dave)] }));
    const genuine = await signedDocument('k08-dave.md', markdownPost({ email: 'dave@example.org' }, cleartextBlock(TEXT, [await signText(dave, TEXT)])));
    const accepted = await verify([genuine], { discovery: localDiscovery({ wkd: mixed.origin }, ['wkd']) });
    expect(verdicts(accepted)).toEqual(VERIFIED);
    expect(only(accepted)).toMatchObject({ primaryKeyFingerprint: dave.fingerprint, keySource: 'wkd:dave@example.org', userIDs: ['Dave <dave@example.org>'] });
    await assertNothingUnproven(accepted, { unsigned: ['Mallory'] });
    // GnuPG: n/a (its WKD lookup needs DNS for the domain).
  });

  it('K-09: a GitHub account re-registered with another key is key-changed, not the same signer', async () => {
    const erin = await newKey('Erin <erin@example.org>');
    const listed = { erin: [erin.armored] };
    const github = await serve(async (req) => {
      const keys = req.path === '/erin.gpg' ? listed.erin : undefined;
      return keys ? { status: 200, headers: { 'Content-Type': 'text/plain' }, body: await githubArmor(keys) } : { status: 404, body: 'Not Found' };
    });
    const cacheDirectory = await mkdtemp(join(tmpdir(), 'pledge-sec-cache-'));
    const discovery = localDiscovery({ github: github.origin }, ['github'], { cacheDirectory });

    // Run 1: Erin's post; her account lists her key.
    const first = await verify([await signedDocument('k09-erin.md', markdownPost({ github: 'erin' }, cleartextBlock(TEXT, [await signText(erin, TEXT)])))], { discovery });
    expect(verdicts(first)).toEqual(VERIFIED);
    // The signer is the key that verified plus its source: fingerprint, not the account name.
    expect(only(first)).toMatchObject({ primaryKeyFingerprint: erin.fingerprint, keySource: 'github:erin' });

    // Erin deletes her account; Mallory registers "erin" and uploads her own key.
    listed.erin = [mallory.armored];
    const second = await verify([await signedDocument('k09-mallory.md', markdownPost({ github: 'erin' }, cleartextBlock(TEXT, [await signText(mallory, TEXT)])))], { discovery });
    expect(second.signers.map((s) => s.primaryKeyFingerprint)).not.toContain(erin.fingerprint);
    await assertNothingUnproven(second);
    // The catalogue: "a name with a different key now is not-verified:key-changed". pledge's
    // nearest status for "the account does not back this key" is identity-mismatch.
    expect(verdicts(second)).toEqual(ok('identity-mismatch', 'key-changed'));
  });

  it('K-10: a hard-revoked key (compromised, or no reason) is revoked-key even for signatures made before the revocation', async () => {
    for (const flag of [enums.reasonForRevocation.keyCompromised, enums.reasonForRevocation.noReason]) {
      const key = await newKey('Grace <grace@example.org>');
      const { publicKey } = await openpgp.revokeKey({ key: key.privateKey, reasonForRevocation: { flag }, date: new Date('2024-06-01T00:00:00Z'), format: 'object' });
      const document = await signedDocument(`k10-${flag}.txt`, cleartextBlock(TEXT, [await signText(key, TEXT, { date: SIGNED_AT })]));
      const manifest = await verify([document], { keyrings: [await writeIn(dir, `k10-${flag}.asc`, publicKey.armor())] });
      expect.soft(verdicts(manifest), `reason ${flag}`).toEqual(ok('revoked-key', 'key-revoked'));
      await assertNothingUnproven(manifest);
      // GnuPG: REVKEYSIG: agrees.
      expectGnupg(document, [publicKey.armor()], { keywords: ['REVKEYSIG'] });
    }
  });

  it('K-11: a soft-revoked (superseded) key stays valid, flagged, for earlier signatures and is revoked-key for later ones', async () => {
    const key = await newKey('Judy <judy@example.org>');
    const { publicKey } = await openpgp.revokeKey({ key: key.privateKey, reasonForRevocation: { flag: enums.reasonForRevocation.keySuperseded }, date: new Date('2024-06-01T00:00:00Z'), format: 'object' });
    const keyring = await writeIn(dir, 'k11.asc', publicKey.armor());
    const before = await signedDocument('k11-before.txt', cleartextBlock(TEXT, [await signText(key, TEXT, { date: SIGNED_AT })]));
    const after = await signedDocument('k11-after.txt', cleartextBlock(TEXT, [await signText(key, TEXT, { date: new Date('2024-09-01T00:00:00Z') })]));
    const manifest = await verify([before, after], { keyrings: [keyring] });
    expect(verdicts(manifest)).toEqual([...VERIFIED, ...ok('revoked-key', 'key-revoked')]);
    expect(manifest.documents[0]!.blocks[0]!.signatures[0]!.warnings).toEqual(['key-revoked-since']);
    await assertNothingUnproven(manifest);
    // GnuPG: REVKEYSIG on both. It does not weigh the revocation reason or date, so it
    // disagrees on the earlier signature, which the catalogue (and RFC 9580) call valid.
    expectGnupg(before, [publicKey.armor()], { keywords: ['REVKEYSIG'] });
    expectGnupg(after, [publicKey.armor()], { keywords: ['REVKEYSIG'] });
  });

  it('K-12: a source that leaves out a revocation does not win: revocations from all sources are combined', async () => {
    const key = await newKey('Heidi <heidi@example.org>');
    const { publicKey: revoked } = await openpgp.revokeKey({ key: key.privateKey, reasonForRevocation: { flag: enums.reasonForRevocation.keyCompromised }, date: new Date('2024-06-01T00:00:00Z'), format: 'object' });
    const document = await signedDocument('k12.txt', cleartextBlock(TEXT, [await signText(key, TEXT)]));
    const vksRevoked = await serve(vksHandler({ keys: [revoked.armor()] }));
    const vksEmpty = await serve(vksHandler({ keys: [] }));
    const keybaseStale = await serve(keybaseHandler({ users: [{ username: 'heidi', armoredKeys: [key.armored] }] }));
    const hkpRevoked = await serve(hkpHandler(() => revoked.armor()));

    // keys.openpgp.org first (pledge's default order) has the revocation.
    const preferred = await verify([document], { discovery: localDiscovery({ vks: vksRevoked.origin, keybase: keybaseStale.origin }, ['vks', 'keybase']) });
    expect.soft(verdicts(preferred), 'VKS serves the revocation').toEqual(ok('revoked-key', 'key-revoked'));
    expect.soft(only(preferred).keySource, 'source recorded').toBe('vks');
    await assertNothingUnproven(preferred);

    // keys.openpgp.org does not know the key; Keybase serves a stale copy without the
    // revocation, the HKP keyserver asked next has it.
    const combined = await verify([document], { discovery: localDiscovery({ vks: vksEmpty.origin, keybase: keybaseStale.origin, keyservers: [hkpRevoked.origin] }, ['vks', 'keybase', 'hkp']) });
    await assertNothingUnproven(combined);
    expect(verdicts(combined), 'stale Keybase copy, revocation on HKP').toEqual(ok('revoked-key', 'key-revoked'));
  });

  it('K-13: a key expired when it signed is expired-key; expired only since is verified with key-expired-since', async () => {
    // Created 2024-01-01, expires after 152 days: 2024-06-01.
    const key = await newKey('Frank <frank@example.org>', { keyExpirationTime: 152 * 24 * 3600 });
    const keyring = await writeIn(dir, 'k13.asc', key.armored);
    const before = await signedDocument('k13-before.txt', cleartextBlock(TEXT, [await signText(key, TEXT, { date: SIGNED_AT })]));
    const after = await signedDocument('k13-after.txt', cleartextBlock(TEXT, [await signText(key, TEXT, { date: new Date('2024-09-01T00:00:00Z') })]));
    const manifest = await verify([before, after], { keyrings: [keyring] });
    // The catalogue's key-expired-now for the first is pledge's warning key-expired-since
    // (policy: accept, flagged; the signer controls the timestamp).
    expect(verdicts(manifest)).toEqual([...VERIFIED, ...ok('expired-key', 'key-expired')]);
    expect(manifest.documents[0]!.blocks[0]!.signatures[0]!.warnings).toEqual(['key-expired-since']);
    await assertNothingUnproven(manifest);
    // GnuPG: EXPKEYSIG on both (it judges expiry now): disagrees on the first, on purpose.
    expectGnupg(before, [key.armored], { keywords: ['EXPKEYSIG'] });
    expectGnupg(after, [key.armored], { keywords: ['EXPKEYSIG'] });
  });

  it('K-14: a signature dated before its key was created, or in the future, is a bad signature (signature time)', async () => {
    const keyring = await writeIn(dir, 'k14.asc', alice.armored);
    const early = await signedDocument('k14-before-key.txt', cleartextBlock(TEXT, [await signText(alice, TEXT, { date: new Date('2023-06-01T00:00:00Z') })]));
    const future = await signedDocument('k14-future.txt', cleartextBlock(TEXT, [await signText(alice, TEXT, { date: new Date('2099-01-01T00:00:00Z') })]));
    const manifest = await verify([early, future], { keyrings: [keyring] });
    expect(verdicts(manifest)).toEqual([...ok('bad-signature', 'signature-before-key'), ...ok('bad-signature', 'signature-in-future')]);
    await assertNothingUnproven(manifest);
    // GnuPG: ERRSIG (rc 39, "key newer than signature") on the first: agrees. On the future
    // date it says GOODSIG: pledge disagrees on purpose (a date years ahead is forged).
    expectGnupg(early, [alice.armored], { keywords: ['ERRSIG'], validsig: [] });
    expectGnupg(future, [alice.armored], { keywords: ['GOODSIG'] });
  });

  it('K-15: a signing subkey unbound or revoked, a key without the sign flag, or without key flags, cannot sign', async () => {
    const owner = await newKey('Ken <ken@example.org>', { subkeys: [{ sign: true }] });
    const primary = await publicPacket(openpgp.PublicKeyPacket, owner.publicKey.keyPacket);
    const userID = userIDPacket('Ken <ken@example.org>');
    const secret = owner.privateKey.keyPacket as openpgp.SecretKeyPacket;
    const subkey = await publicPacket(openpgp.PublicSubkeyPacket, owner.publicKey.subkeys[0]!.keyPacket);
    const bySubkey = cleartextBlock(TEXT, [await signText(owner, TEXT, { subkey: 0 })]);
    const byPrimary = cleartextBlock(TEXT, [await signText(owner, TEXT)]);
    const compromised = await craftSignature(secret, { key: primary, bind: subkey }, {
      type: enums.signature.subkeyRevocation,
      date: new Date('2024-06-01T00:00:00Z'),
      tweak: (packet) => {
        packet.reasonForRevocationFlag = enums.reasonForRevocation.keyCompromised;
        packet.reasonForRevocationString = '';
      },
    });
    const certificates = {
      // The subkey packet with no binding signature at all.
      'unbound subkey': { key: armorKey([primary, userID, await certify(secret, primary, userID), subkey]), block: bySubkey },
      // The subkey, properly bound (with back-signature), then revoked as compromised.
      'revoked subkey': { key: armorKey([...owner.publicKey.toPacketList(), compromised]), block: bySubkey },
      // The primary key's self-certification grants only "certify".
      'no sign flag': { key: armorKey([primary, userID, await certify(secret, primary, userID, { keyFlags: enums.keyFlags.certifyKeys })]), block: byPrimary },
      // The primary key's self-certification has no key flags subpacket.
      'no key flags': { key: armorKey([primary, userID, await certify(secret, primary, userID, { keyFlags: null })]), block: byPrimary },
    };
    const seen: Record<string, unknown> = {};
    for (const [name, { key, block }] of Object.entries(certificates)) {
      const document = await signedDocument(`k15-${name.replace(/ /g, '-')}.txt`, block);
      const manifest = await verify([document], { keyrings: [await writeIn(dir, `k15-${name.replace(/ /g, '-')}.asc`, key)] });
      seen[name] = verdicts(manifest);
      await assertNothingUnproven(manifest);
    }
    // A revoked signing subkey is reported as the revocation it is (revoked-key, as K-10 does for
    // a primary key); the other three are key-not-signing-capable (bad-signature).
    expect(seen).toEqual({
      'unbound subkey': ok('bad-signature', 'key-not-signing-capable'),
      'revoked subkey': ok('revoked-key', 'key-revoked'),
      'no sign flag': ok('bad-signature', 'key-not-signing-capable'),
      'no key flags': ok('bad-signature', 'key-not-signing-capable'),
    });
    // GnuPG: no good signature for the unbound subkey, REVKEYSIG... see expectations below;
    // ERRSIG rc 125 (wrong key usage) for "no sign flag": agrees; GOODSIG for "no key flags"
    // (GnuPG treats a missing flags subpacket as "any usage"): pledge disagrees on purpose
    // (openpgp.js allowMissingKeyFlags: false).
    expectGnupg(await signedDocument('k15-gpg-unbound.txt', bySubkey), [certificates['unbound subkey'].key], { validsig: [] });
    expectGnupg(await signedDocument('k15-gpg-revoked.txt', bySubkey), [certificates['revoked subkey'].key], { keywords: ['REVKEYSIG'] });
    expectGnupg(await signedDocument('k15-gpg-no-sign.txt', byPrimary), [certificates['no sign flag'].key], { keywords: ['ERRSIG'], errsigRc: [125] });
    expectGnupg(await signedDocument('k15-gpg-no-flags.txt', byPrimary), [certificates['no key flags'].key], { keywords: ['GOODSIG'] });
  });

  it('K-16: thousands of third-party certifications are ignored for identity, and a user ID only others certified is never shown', async () => {
    const linus = await newKey('Linus Torvalds <torvalds@linux-foundation.org>');
    const victim = await newKey('Ivan <ivan@example.org>');
    const primary = await publicPacket(openpgp.PublicKeyPacket, victim.publicKey.keyPacket);
    const userID = userIDPacket('Ivan <ivan@example.org>');
    const selfCertification = await certify(victim.privateKey.keyPacket as openpgp.SecretKeyPacket, primary, userID);
    const flood: openpgp.SignaturePacket[] = [];
    for (let index = 0; index < 40; index++) {
      flood.push(await certify(linus.privateKey.keyPacket as openpgp.SecretKeyPacket, primary, userID, { type: enums.signature.certGeneric, date: new Date(T0.getTime() + index * 1000) }));
    }
    // A user ID appended by a stranger: certified by "Linus", never by the key itself.
    const planted = userIDPacket('Linus Torvalds <torvalds@linux-foundation.org>');
    const plantedCertification = await certify(linus.privateKey.keyPacket as openpgp.SecretKeyPacket, primary, planted, { type: enums.signature.certGeneric });
    const flooded = armorKey([primary, userID, selfCertification, ...Array.from({ length: 3000 }, (_, index) => flood[index % flood.length]!), planted, plantedCertification]);
    const document = await signedDocument('k16.txt', cleartextBlock(TEXT, [await signText(victim, TEXT)]));
    const hkp = await serve(hkpHandler(() => flooded));
    const started = Date.now();
    const manifest = await verify([document], { discovery: localDiscovery({ keyservers: [hkp.origin] }, ['hkp']) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(verdicts(manifest)).toEqual(VERIFIED);
    expect(only(manifest)).toMatchObject({ primaryKeyFingerprint: victim.fingerprint, userIDs: ['Ivan <ivan@example.org>'] });
    expect(JSON.stringify(manifest)).not.toMatch(/Linus|torvalds/);
    await assertNothingUnproven(manifest, { unsigned: ['Linus'], unvouchedUserIDs: ['Linus Torvalds <torvalds@linux-foundation.org>'] });
    // GnuPG: GOODSIG by Ivan's key: agrees.
    expectGnupg(document, [flooded], { keywords: ['GOODSIG'], validsig: [victim.fingerprint] });
  });
});
