/**
 * docs/threat-catalogue.md, issue 19 items 3 and 7: K-19 (expiry written in the self-signature in force
 * when the key signed: the direct-key signature of a key with no user ID, a subkey binding that
 * lapsed and was extended later) and C-23 (a binary 0x00 signature rewrapped as a cleartext
 * block). Keys are built packet by packet with openpgp.js; GnuPG is asked live where it can
 * judge (it drops keys with no user ID on import: n/a there).
 */
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDocuments } from '../../src/pipeline/run.js';
import type { Manifest } from '../../src/report/manifest.js';
import { fastVerify, preparedKeyFor } from '../../src/verify/fast-verify.js';
import {
  armorKey,
  assertNothingUnproven,
  certify,
  cleartextBlock,
  craftSignature,
  expectGnupg,
  newKey,
  oneSignatureBlock,
  publicPacket,
  scratchDir,
  signText,
  SIGNED_AT,
  T0,
  TEXT,
  userIDPacket,
  verdicts,
  writeIn,
  type Made,
} from './assert-nothing-unproven.js';

const { enums } = openpgp;
type SecretPacket = openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket;
const ok = (status: string, reason: string | null) => [oneSignatureBlock(status, reason)];
const VERIFIED = ok('verified', null);
const DAY = 24 * 3600;
/** 152 days after T0 (2024-01-01): 2024-06-01. */
const EXPIRES_AFTER = 152 * DAY;
const LAPSED_AT = new Date('2024-09-01T00:00:00Z');
const EXTENDED_AT = new Date('2024-10-01T00:00:00Z');
const AFTER_EXTENSION = new Date('2024-11-01T00:00:00Z');

let dir: string;

beforeAll(async () => {
  dir = await scratchDir('pledge-sec-r2p-');
});

const secret = (key: Made) => key.privateKey.keyPacket as openpgp.SecretKeyPacket;
const signers = (manifest: Manifest) => manifest.signers.map((s) => s.primaryKeyFingerprint);

/**
 * The key's primary alone with direct-key signatures (sign + certify flags), as keys.openpgp.org
 * serves an unverified key: one made at T0 with `keyExpirationTime`, then any `later` ones.
 */
async function userIDLess(key: Made, keyExpirationTime: number | null, later: { date: Date; keyExpirationTime: number | null }[] = []): Promise<string> {
  const primary = await publicPacket(openpgp.PublicKeyPacket, key.publicKey.keyPacket);
  const direct = (date: Date, expiresAfter: number | null) =>
    craftSignature(secret(key), { key: primary }, {
      type: enums.signature.key,
      date,
      tweak: (packet) => {
        packet.keyFlags = new Uint8Array([enums.keyFlags.certifyKeys | enums.keyFlags.signData]);
        if (expiresAfter !== null) (packet as unknown as { keyExpirationTime: number }).keyExpirationTime = expiresAfter;
      },
    });
  const signatures = [await direct(T0, keyExpirationTime)];
  for (const next of later) signatures.push(await direct(next.date, next.keyExpirationTime));
  return armorKey([primary, ...signatures]);
}

/** A subkey binding (with its back-signature) made at `date`, expiring `expiresAfter` seconds after the subkey's creation. */
async function subkeyBinding(key: Made, primary: openpgp.PublicKeyPacket, subkey: openpgp.PublicSubkeyPacket, date: Date, expiresAfter: number | null) {
  const bind = { key: primary, bind: subkey };
  const backSignature = await craftSignature(key.privateKey.subkeys[0]!.keyPacket as SecretPacket, bind, { type: enums.signature.keyBinding, date });
  return craftSignature(secret(key), bind, {
    type: enums.signature.subkeyBinding,
    date,
    tweak: (packet) => {
      packet.keyFlags = new Uint8Array([enums.keyFlags.signData]);
      if (expiresAfter !== null) (packet as unknown as { keyExpirationTime: number }).keyExpirationTime = expiresAfter;
      packet.embeddedSignature = backSignature;
    },
  });
}

/**
 * The key with its signing subkey bound twice: at T0 expiring 2024-06-01, and again at
 * 2024-10-01 without expiry. A user ID when `withUserID`, else none.
 */
async function lapsedSubkey(key: Made, withUserID: boolean): Promise<string> {
  const primary = await publicPacket(openpgp.PublicKeyPacket, key.publicKey.keyPacket);
  const subkey = await publicPacket(openpgp.PublicSubkeyPacket, key.publicKey.subkeys[0]!.keyPacket);
  const identity: openpgp.AnyPacket[] = [];
  if (withUserID) {
    const userID = userIDPacket(key.publicKey.getUserIDs()[0]!);
    identity.push(userID, await certify(secret(key), primary, userID, { keyFlags: enums.keyFlags.certifyKeys }));
  } else {
    identity.push(await craftSignature(secret(key), { key: primary }, { type: enums.signature.key, date: T0, tweak: (p) => void (p.keyFlags = new Uint8Array([enums.keyFlags.certifyKeys])) }));
  }
  return armorKey([
    primary,
    ...identity,
    subkey,
    await subkeyBinding(key, primary, subkey, T0, EXPIRES_AFTER),
    await subkeyBinding(key, primary, subkey, EXTENDED_AT, null),
  ]);
}

async function run(name: string, documents: Record<string, string>, keyArmored: string, fastPath = true): Promise<{ paths: string[]; manifest: Manifest; keyring: string }> {
  const keyring = await writeIn(dir, `${name}.asc`, keyArmored);
  const paths = await Promise.all(Object.entries(documents).map(([file, block]) => writeIn(dir, `${name}-${file}.txt`, block)));
  const manifest = await verifyDocuments({ paths, keyrings: [keyring], version: 'security-suite', fastPath });
  return { paths, manifest, keyring };
}

describe('K-19: expiry in the self-signature in force when the key signed', () => {
  it('K-19: a key with no user ID whose direct-key signature says it expired gives expired-key; before its expiry, or with no expiry, verified', async () => {
    const key = await newKey('Uma <uma@example.org>');
    const late = cleartextBlock(TEXT, [await signText(key, TEXT, { date: LAPSED_AT })]);
    const early = cleartextBlock(TEXT, [await signText(key, TEXT, { date: SIGNED_AT })]);

    for (const fastPath of [true, false]) {
      const expiring = await run(`k19-direct-${fastPath}`, { late, early }, await userIDLess(key, EXPIRES_AFTER), fastPath);
      // Was verified: openpgp.js reads no expiry for a key without a user ID, and pledge's own check read none either.
      expect(verdicts(expiring.manifest), `fast path ${fastPath}`).toEqual([...ok('expired-key', 'key-expired'), ...VERIFIED]);
      // Control: made before the expiry, verified; expired since, so flagged.
      expect(expiring.manifest.documents[1]!.blocks[0]!.signatures[0]!.warnings).toEqual(['key-expired-since']);
      expect(signers(expiring.manifest)).toEqual([key.fingerprint]);
      await assertNothingUnproven(expiring.manifest);
    }

    // Control: the same key without expiry verifies both.
    const lasting = await run('k19-direct-none', { late, early }, await userIDLess(key, null));
    expect(verdicts(lasting.manifest)).toEqual([...VERIFIED, ...VERIFIED]);
    await assertNothingUnproven(lasting.manifest);

    // The owner's newer direct-key signature (2024-10-01) dates the expiry back to 2024-06-01: read
    // as openpgp.js reads the newest self-signature of a key with a user ID (K-13).
    const shortened = await run('k19-direct-shortened', { late, early }, await userIDLess(key, null, [{ date: EXTENDED_AT, keyExpirationTime: EXPIRES_AFTER }]));
    expect(verdicts(shortened.manifest)).toEqual([...ok('expired-key', 'key-expired'), ...VERIFIED]);
    expect(shortened.manifest.documents[1]!.blocks[0]!.signatures[0]!.warnings).toEqual(['key-expired-since']);
    await assertNothingUnproven(shortened.manifest);
    // GnuPG: n/a, it refuses to import a key with no user ID.
  });

  it('K-19: a subkey whose binding had lapsed when it signed, re-bound later, gives expired-key for the lapse; before and after, verified', async () => {
    const key = await newKey('Vera <vera@example.org>', { subkeys: [{ sign: true }] });
    const blocks = {
      lapse: cleartextBlock(TEXT, [await signText(key, TEXT, { subkey: 0, date: LAPSED_AT })]),
      before: cleartextBlock(TEXT, [await signText(key, TEXT, { subkey: 0, date: SIGNED_AT })]),
      after: cleartextBlock(TEXT, [await signText(key, TEXT, { subkey: 0, date: AFTER_EXTENSION })]),
    };
    for (const withUserID of [true, false]) {
      const armored = await lapsedSubkey(key, withUserID);
      for (const fastPath of [true, false]) {
        const { paths, manifest } = await run(`k19-subkey-${withUserID}-${fastPath}`, blocks, armored, fastPath);
        // Was bad-signature / key-not-signing-capable with a user ID (openpgp.js refused the
        // lapsed binding), verified without one (the newest binding's expiry was read).
        expect(verdicts(manifest), `user ID ${withUserID}, fast path ${fastPath}`).toEqual([...ok('expired-key', 'key-expired'), ...VERIFIED, ...VERIFIED]);
        expect(manifest.documents.map((d) => d.blocks[0]!.signatures[0]!.warnings)).toEqual([[], [], []]);
        await assertNothingUnproven(manifest);
        if (withUserID && fastPath) {
          // GnuPG judges the subkey by its newest binding only: GOODSIG on the lapse, disagrees on purpose.
          expectGnupg(paths[0]!, [armored], { keywords: ['GOODSIG'] });
          expectGnupg(paths[1]!, [armored], { keywords: ['GOODSIG'] });
          expectGnupg(paths[2]!, [armored], { keywords: ['GOODSIG'] });
        }
      }
    }
  });
});

describe('C-23: a binary (0x00) signature in a cleartext block is hashed as openpgp.js hashes a cleartext block', () => {
  /** Two lines, so that LF and CRLF differ. */
  const TWO_LINES = 'I, the undersigned, support the pledge.\nSigned in Berlin.\n';
  const binaryOver = (key: Made, octets: string, date = SIGNED_AT) => {
    const literal = new openpgp.LiteralDataPacket();
    (literal as unknown as { setBytes(bytes: Uint8Array, format: openpgp.enums.literal): void }).setBytes(new TextEncoder().encode(octets), enums.literal.binary);
    return craftSignature(secret(key), literal, { type: enums.signature.binary, date });
  };

  it('C-23: a detached 0x00 signature over the LF text does not verify as a cleartext block, with a user ID or without; over the CRLF text it does', async () => {
    const key = await newKey('Wanda <wanda@example.org>');
    const signedText = TWO_LINES.replace(/\n$/, ''); // the octets pledge used to hash: the LF text
    const blocks = {
      lf: cleartextBlock(TWO_LINES, [await binaryOver(key, signedText)]),
      crlf: cleartextBlock(TWO_LINES, [await binaryOver(key, signedText.replaceAll('\n', '\r\n'))]),
      text: cleartextBlock(TWO_LINES, [await signText(key, TWO_LINES)]),
    };
    // openpgp.js's own cleartext verify is the reference.
    const reference = await Promise.all(
      Object.values(blocks).map(async (block) => {
        const message = await openpgp.readCleartextMessage({ cleartextMessage: block });
        const [only] = (await openpgp.verify({ message, verificationKeys: [key.publicKey], expectSigned: false })).signatures;
        return only!.verified.then(() => true, () => false);
      }),
    );
    expect(reference).toEqual([false, true, true]);

    for (const [label, armored] of [['user ID', key.armored], ['no user ID', await userIDLess(key, null)]] as const) {
      for (const fastPath of [true, false]) {
        const { paths, manifest } = await run(`c23-${label.replace(' ', '-')}-${fastPath}`, blocks, armored, fastPath);
        // Was, without a user ID: the LF one verified and the CRLF one signature-mismatch (the
        // user-ID-less path hashed the LF text). With a user ID (control) the LF one was refused,
        // but as signature-invalid: mathematicsHold hashed the LF text and found it sound.
        expect(verdicts(manifest), `${label}, fast path ${fastPath}`).toEqual([...ok('bad-signature', 'signature-mismatch'), ...VERIFIED, ...VERIFIED]);
        await assertNothingUnproven(manifest);
        if (label === 'user ID' && fastPath) {
          expectGnupg(paths[0]!, [armored], { keywords: ['BADSIG'] });
          expectGnupg(paths[1]!, [armored], { keywords: ['GOODSIG'] });
          expectGnupg(paths[2]!, [armored], { keywords: ['GOODSIG'] });
        }
      }
    }

    // The node:crypto fast path leaves a 0x00 signature to openpgp.js (which hashes CRLF).
    const prepared = preparedKeyFor(key.publicKey.keyPacket, new WeakMap())!;
    const parsed = await openpgp.readCleartextMessage({ cleartextMessage: blocks.lf });
    expect(await fastVerify(parsed.getText(), (await openpgp.readSignature({ armoredSignature: blocks.lf.slice(blocks.lf.indexOf('-----BEGIN PGP SIGNATURE')) })).packets[0]!, prepared)).toBe('unsupported');
  });

  it('C-23: mathematicsHold hashes as openpgp.js does: by an expired key with no user ID, a 0x00 signature over the LF text is signature-mismatch, over the CRLF text expired-key', async () => {
    const key = await newKey('Xena <xena@example.org>');
    const signedText = TWO_LINES.replace(/\n$/, '');
    const blocks = {
      lf: cleartextBlock(TWO_LINES, [await binaryOver(key, signedText, LAPSED_AT)]),
      crlf: cleartextBlock(TWO_LINES, [await binaryOver(key, signedText.replaceAll('\n', '\r\n'), LAPSED_AT)]),
    };
    for (const fastPath of [true, false]) {
      const { manifest } = await run(`c23-math-${fastPath}`, blocks, await userIDLess(key, EXPIRES_AFTER), fastPath);
      // Was verified and signature-mismatch: the expiry went unread and the LF text was hashed.
      expect(verdicts(manifest), `fast path ${fastPath}`).toEqual([...ok('bad-signature', 'signature-mismatch'), ...ok('expired-key', 'key-expired')]);
      await assertNothingUnproven(manifest);
    }
    // GnuPG: n/a (no user ID).
  });
});
