/**
 * Issue 12, class 1: judge each signature by the key as it stood when it signed. Keys are made
 * with GnuPG at a faked system time (its own extension, subkey and user-ID revocation commands)
 * and with openpgp.js packet by packet; the signatures GnuPG refuses to make (by an expired key)
 * are made with openpgp.js from the key GnuPG exported. GnuPG and Sequoia are asked live; where
 * pledge differs from one of them the test says why.
 */
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, gnupgLive, gnupgSays, Gpg, HAVE, NOW, pledgeSays, scratch, sequoiaAccepts, sequoiaLive, sqvAccepts, TEXT } from './tools.js';
import { certify, cleartextBlock, craftSignature, literalText, newKey, publicPacket, armorKey, userIDPacket } from '../../security/assert-nothing-unproven.js';

const { enums } = openpgp;

let dir: string;
beforeAll(() => {
  dir = scratch('pledge-kh-');
});
afterAll(() => Gpg.stopAgents());

const VERIFIED = { status: 'verified', reason: null };

/** A text signature over TEXT made by `signer` at `date` with openpgp.js's packet API (GnuPG will not sign with an expired key). */
async function signWith(signer: openpgp.PrivateKey | openpgp.Subkey, date: Date, hash = enums.hash.sha256): Promise<string> {
  const packet = signer.keyPacket as openpgp.SecretKeyPacket;
  return cleartextBlock(TEXT, [await craftSignature(packet, literalText(TEXT), { date, hash })], hash === enums.hash.sha256 ? 'SHA256' : 'SHA512');
}

/** Both copies of a key merged into one certificate (the older self-signatures kept). */
async function merged(...armored: string[]): Promise<string> {
  const [first, ...rest] = await Promise.all(armored.map((armoredKey) => openpgp.readKey({ armoredKey })));
  let key = first!;
  for (const other of rest) key = await key.update(other, at('2030-01-01'));
  return key.armor();
}

describe('class 1a: a key that had expired when it signed, extended later', () => {
  it('GnuPG key, old self-signature kept: expired-key (the self-signature in force at signing says so), not bad-signature', async () => {
    const gpg = new Gpg();
    const fpr = gpg.generate(at('2020-01-01'), 'Old Expiry <old-expiry@example.org>', 'ed25519', 'sign', '1y');
    const before = gpg.exportPublic(fpr);
    gpg.run(at('2022-01-01'), ['--quick-set-expire', fpr, '10y']);
    const key = await merged(gpg.exportPublic(fpr), before);
    const secret = await gpg.secretKey(fpr);
    const lapsed = await signWith(secret, at('2021-06-01'));
    const valid = gpg.clearsign(at('2020-06-01'), fpr);
    const extended = gpg.clearsign(at('2022-06-01'), fpr);

    const { verdicts, paths, keyring } = await pledgeSays(dir, 'k1a-gpg', [lapsed, valid, extended], [key], NOW);
    // Was bad-signature / key-not-signing-capable: openpgp.js refused the key at signing time and pledge took that as "not capable".
    expect(verdicts[0]).toMatchObject({ status: 'expired-key', reason: 'key-expired', warnings: [] });
    // Controls: made while the first self-signature was in force, and after the extension.
    expect(verdicts[1]).toMatchObject({ ...VERIFIED, warnings: [] });
    expect(verdicts[2]).toMatchObject({ ...VERIFIED, warnings: [] });
    if (gnupgLive) {
      // GnuPG judges the key by its newest self-signature only: the lapse is forgotten. pledge follows the key's history (as Sequoia does).
      expect(gnupgSays(paths[0]!, [key], NOW)).toEqual(['GOODSIG']);
      expect(gnupgSays(paths[2]!, [key], NOW)).toEqual(['GOODSIG']);
    }
    if (sequoiaLive) {
      expect(sequoiaAccepts(paths[0]!, keyring)).toBe(false);
      expect(sequoiaAccepts(paths[2]!, keyring)).toBe(true);
      expect(sqvAccepts(paths[0]!, lapsed, keyring)).toBe(false);
      expect(sqvAccepts(paths[2]!, extended, keyring)).toBe(true);
    }
  });

  it('openpgp.js key: the same verdicts', async () => {
    const made = await newKey('Lapse <lapse@example.org>', { date: at('2020-01-01'), keyExpirationTime: 366 * 24 * 3600 });
    const primary = await publicPacket(openpgp.PublicKeyPacket, made.publicKey.keyPacket);
    const userID = userIDPacket('Lapse <lapse@example.org>');
    const secret = made.privateKey.keyPacket as openpgp.SecretKeyPacket;
    const first = await certify(secret, primary, userID, { date: at('2020-01-01') });
    const expiring = await craftSignature(
      secret,
      { userID, key: primary },
      {
        type: enums.signature.certPositive,
        date: at('2020-01-01'),
        tweak: (p) => {
          p.keyFlags = new Uint8Array([enums.keyFlags.certifyKeys | enums.keyFlags.signData]);
          (p as unknown as { keyExpirationTime: number }).keyExpirationTime = 366 * 24 * 3600;
        },
      },
    );
    void first;
    const extension = await certify(secret, primary, userID, { date: at('2022-01-01') });
    const key = armorKey([primary, userID, expiring, extension]);
    const lapsed = await signWith(made.privateKey, at('2021-06-01'));
    const valid = await signWith(made.privateKey, at('2020-06-01'));
    const { verdicts, paths, keyring } = await pledgeSays(dir, 'k1a-openpgp', [lapsed, valid], [key], NOW);
    expect(verdicts[0]).toMatchObject({ status: 'expired-key', reason: 'key-expired' });
    expect(verdicts[1]).toMatchObject({ ...VERIFIED, warnings: [] });
    if (gnupgLive) expect(gnupgSays(paths[0]!, [key], NOW)).toEqual(['GOODSIG']); // newest self-signature only, as above
    if (sequoiaLive) expect(sequoiaAccepts(paths[0]!, keyring)).toBe(false);
  });
});

describe('class 1b: a signature older than every surviving self-signature', () => {
  it('GnuPG key re-signed (expiry extended) and exported with only the newest self-signature: verified, binding-newer-than-signature', async () => {
    const gpg = new Gpg();
    const fpr = gpg.generate(at('2020-01-01'), 'Canary <canary@example.org>', 'ed25519', 'sign', '2y');
    const old = gpg.clearsign(at('2020-06-01'), fpr);
    gpg.run(at('2022-01-01'), ['--quick-set-expire', fpr, '10y']);
    const recent = gpg.clearsign(at('2023-06-01'), fpr);
    const key = gpg.exportPublic(fpr, ['--export-options', 'export-minimal']);

    const { verdicts, paths, keyring } = await pledgeSays(dir, 'k1b-gpg', [old, recent], [key], NOW);
    // Was bad-signature / key-not-signing-capable.
    expect(verdicts[0]).toMatchObject({ ...VERIFIED, warnings: ['binding-newer-than-signature'] });
    expect(verdicts[0]!.userIDs).toEqual(['Canary <canary@example.org>']);
    expect(verdicts[1]).toMatchObject({ ...VERIFIED, warnings: [] });
    if (gnupgLive) expect(gnupgSays(paths[0]!, [key], NOW)).toEqual(['GOODSIG']);
    // Sequoia finds no self-signature in force at 2020-06-01 and refuses; pledge accepts because
    // only the key's owner can have made the newer self-signature, and nothing in it contradicts the old signature.
    if (sequoiaLive) {
      expect(sequoiaAccepts(paths[0]!, keyring)).toBe(false);
      expect(sqvAccepts(paths[0]!, old, keyring)).toBe(false);
      expect(sequoiaAccepts(paths[1]!, keyring)).toBe(true);
    }
  });

  it('GnuPG signing subkey re-bound later: verified with the warning; made before the subkey existed: still bad-signature', async () => {
    const gpg = new Gpg();
    const fpr = gpg.generate(at('2020-01-01'), 'Bulletin <bulletin@example.org>', 'ed25519', 'cert', '0');
    gpg.run(at('2020-01-01'), ['--quick-add-key', fpr, 'ed25519', 'sign', '2y']);
    const subkey = gpg.fingerprints('bulletin@example.org')[1]!;
    const old = gpg.clearsign(at('2020-06-01'), subkey);
    gpg.run(at('2022-01-01'), ['--quick-set-expire', fpr, '10y', subkey]);
    const key = gpg.exportPublic(fpr);
    const secret = await gpg.secretKey(fpr);
    const beforeSubkey = await signWith(secret.subkeys[0]!, at('2019-06-01'));

    const { verdicts, paths } = await pledgeSays(dir, 'k1b-subkey', [old, beforeSubkey], [key], NOW);
    expect(verdicts[0]).toMatchObject({ ...VERIFIED, warnings: ['binding-newer-than-signature'] });
    // Control: nothing makes a signature older than its key valid.
    expect(verdicts[1]).toMatchObject({ status: 'bad-signature', reason: 'signature-before-key' });
    if (gnupgLive) expect(gnupgSays(paths[0]!, [key], NOW)).toEqual(['GOODSIG']);
  });

  it('openpgp.js key: contradicted by what survives (a revocation before it, flags without signing), it is not verified', async () => {
    const made = await newKey('Archive <archive@example.org>', { date: at('2020-01-01') });
    const primary = await publicPacket(openpgp.PublicKeyPacket, made.publicKey.keyPacket);
    const userID = userIDPacket('Archive <archive@example.org>');
    const secret = made.privateKey.keyPacket as openpgp.SecretKeyPacket;
    const newest = await certify(secret, primary, userID, { date: at('2023-01-01') });
    const certifyOnly = await certify(secret, primary, userID, { date: at('2023-01-01'), keyFlags: enums.keyFlags.certifyKeys });
    const superseded = await craftSignature(
      secret,
      { key: primary },
      {
        type: enums.signature.keyRevocation,
        date: at('2020-03-01'),
        tweak: (p) => {
          p.reasonForRevocationFlag = enums.reasonForRevocation.keySuperseded;
          p.reasonForRevocationString = '';
        },
      },
    );
    const old = await signWith(made.privateKey, at('2020-06-01'));

    const plain = await pledgeSays(dir, 'k1b-openpgp', [old], [armorKey([primary, userID, newest])], NOW);
    expect(plain.verdicts[0]).toMatchObject({ ...VERIFIED, warnings: ['binding-newer-than-signature'] });
    const revoked = await pledgeSays(dir, 'k1b-openpgp-revoked', [old], [armorKey([primary, superseded, userID, newest])], NOW);
    expect(revoked.verdicts[0]).toMatchObject({ status: 'revoked-key', reason: 'key-revoked' });
    const noSign = await pledgeSays(dir, 'k1b-openpgp-nosign', [old], [armorKey([primary, userID, certifyOnly])], NOW);
    expect(noSign.verdicts[0]).toMatchObject({ status: 'bad-signature', reason: 'key-not-signing-capable' });
  });
});

describe('class 1c: revoking a user ID is not revoking the key, and no verdict depends on the order of earlier ones', () => {
  it('GnuPG key with a revoked second user ID: verified before and after; the revoked name is not shown after its revocation', async () => {
    const gpg = new Gpg();
    const fpr = gpg.generate(at('2020-01-01'), 'Kept <kept@example.org>', 'ed25519', 'sign', '0');
    gpg.run(at('2020-01-02'), ['--quick-add-uid', fpr, 'Dropped <dropped@example.org>']);
    const before = gpg.clearsign(at('2021-01-01'), fpr);
    gpg.run(at('2022-01-01'), ['--quick-revoke-uid', fpr, 'Dropped <dropped@example.org>']);
    const after = gpg.clearsign(at('2023-01-01'), fpr);
    const key = gpg.exportPublic(fpr);

    const orders = [
      [after, before],
      [before, after],
    ];
    const seen: string[] = [];
    for (const [index, documents] of orders.entries()) {
      const { verdicts, paths } = await pledgeSays(dir, `k1c-gpg-${index}`, documents, [key], NOW);
      const byDocument = new Map(documents.map((document, i) => [document, verdicts[i]!]));
      expect(byDocument.get(before)).toMatchObject({ ...VERIFIED, warnings: [], userIDs: ['Kept <kept@example.org>', 'Dropped <dropped@example.org>'] });
      expect(byDocument.get(after)).toMatchObject({ ...VERIFIED, warnings: [], userIDs: ['Kept <kept@example.org>'] });
      seen.push(JSON.stringify([byDocument.get(before), byDocument.get(after)]));
      if (gnupgLive && index === 0) for (const path of paths) expect(gnupgSays(path, [key], NOW)).toEqual(['GOODSIG']);
    }
    expect(new Set(seen).size).toBe(1);
  });

  it('openpgp.js key whose only user ID is revoked: the same manifest whatever order the documents come in, in one process', async () => {
    const made = await newKey('Solo <solo@example.org>', { date: at('2020-01-01') });
    const primary = await publicPacket(openpgp.PublicKeyPacket, made.publicKey.keyPacket);
    const userID = userIDPacket('Solo <solo@example.org>');
    const secret = made.privateKey.keyPacket as openpgp.SecretKeyPacket;
    const revocation = await craftSignature(
      secret,
      { userID, key: primary },
      {
        type: enums.signature.certRevocation,
        date: at('2022-01-01'),
        tweak: (p) => {
          p.reasonForRevocationFlag = enums.reasonForRevocation.userIDInvalid;
          p.reasonForRevocationString = 'address gone';
        },
      },
    );
    const key = armorKey([primary, userID, await certify(secret, primary, userID, { date: at('2020-01-01') }), revocation]);
    const before = await signWith(made.privateKey, at('2021-01-01'));
    const after = await signWith(made.privateKey, at('2023-01-01'));
    const documents = [before, after, before, after];
    const runs = [];
    for (const order of [
      [0, 1],
      [1, 0],
      [1, 0, 0, 1],
    ]) {
      const { verdicts } = await pledgeSays(
        dir,
        `k1c-openpgp-${order.join('')}`,
        order.map((i) => documents[i]!),
        [key],
        NOW,
      );
      runs.push(
        order
          .map((i, position) => [i, verdicts[position]] as const)
          .sort((a, b) => a[0] - b[0])
          .filter((entry, position, all) => position === 0 || all[position - 1]![0] !== entry[0]),
      );
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    // openpgp.js refuses a key whose only user ID is revoked; GnuPG and pledge do not: a user ID is a name, not the key.
    expect(runs[0]!.map(([, verdict]) => verdict)).toEqual([
      { ...VERIFIED, warnings: [], userIDs: ['Solo <solo@example.org>'] },
      { ...VERIFIED, warnings: [], userIDs: [] },
    ]);
  });
});

describe('class 1d: a revocation dated in the future is not in force', () => {
  it('sq revokes the GnuPG key with a date after now: verified; judged after that date: revoked-key', async () => {
    const gpg = new Gpg();
    const fpr = gpg.generate(at('2020-01-01'), 'Later <later@example.org>', 'ed25519', 'sign', '0');
    const signed = gpg.clearsign(at('2021-01-01'), fpr);
    const secretPath = `${dir}/k1d-secret.pgp`;
    (await import('node:fs')).writeFileSync(secretPath, gpg.run(null, ['--armor', '--export-secret-keys', fpr]));
    const key = await openpgp.readKey({ armoredKey: gpg.exportPublic(fpr) });
    let revocation: openpgp.SignaturePacket;
    if (HAVE.sq) {
      const armored = (await import('node:child_process')).execFileSync('sq', ['revoke', 'certificate', '--time', '20270101', '--certificate', secretPath, 'compromised', 'lost'], { encoding: 'utf8' });
      revocation = [...(await openpgp.readSignature({ armoredSignature: armored.replace(/PUBLIC KEY BLOCK/g, 'SIGNATURE') })).packets][0]!;
    } else {
      const secret = await gpg.secretKey(fpr);
      revocation = await craftSignature(secret.keyPacket as openpgp.SecretKeyPacket, { key: secret.keyPacket }, { type: enums.signature.keyRevocation, date: at('2027-01-01') });
    }
    key.revocationSignatures.push(revocation);
    const armoredKey = key.armor();
    const early = await pledgeSays(dir, 'k1d-now', [signed], [armoredKey], NOW);
    // Was revoked-key: a hard revocation was taken to cover every signature whatever its own date.
    expect(early.verdicts[0]).toMatchObject({ ...VERIFIED, warnings: [] });
    const late = await pledgeSays(dir, 'k1d-later', [signed], [armoredKey], at('2027-06-01'));
    expect(late.verdicts[0]).toMatchObject({ status: 'revoked-key', reason: 'key-revoked' });
    if (gnupgLive) {
      // GnuPG takes the revocation whatever its date, even judged at 2026 (before it): pledge does not, as Sequoia does not.
      expect(gnupgSays(early.paths[0]!, [armoredKey], NOW)).toEqual(['REVKEYSIG']);
      expect(gnupgSays(early.paths[0]!, [armoredKey], at('2027-06-01'))).toEqual(['REVKEYSIG']);
    }
  });
});

describe('class 1e: SHA-1 self-signatures give the same verdict whatever the key algorithm', () => {
  for (const algorithm of ['ed25519', 'rsa2048'] as const) {
    it(`GnuPG ${algorithm} key certified with SHA-1: verified with weak-binding-sha1`, async () => {
      const gpg = new Gpg();
      const fpr = gpg.generate(at('2020-01-01'), `Sha1 ${algorithm} <sha1-${algorithm}@example.org>`, algorithm, 'sign', '0', ['--cert-digest-algo', 'SHA1']);
      const signed = gpg.clearsign(at('2021-01-01'), fpr, ['--digest-algo', 'SHA256']);
      const key = gpg.exportPublic(fpr);
      const { verdicts, paths, keyring } = await pledgeSays(dir, `k1e-${algorithm}`, [signed], [key], NOW);
      // Was bad-signature for Ed25519 (openpgp.js refused the SHA-1 self-signature), verified for RSA.
      expect(verdicts[0]).toMatchObject({ ...VERIFIED, warnings: ['weak-binding-sha1'] });
      if (gnupgLive) expect(gnupgSays(paths[0]!, [key], NOW)).toEqual(['GOODSIG']);
      // Sequoia has refused SHA-1 self-signatures since 2023-02-01; pledge verifies and warns (P-02).
      if (sequoiaLive) expect(sequoiaAccepts(paths[0]!, keyring)).toBe(false);
    });
  }

  // openpgp.js will not make an EdDSA signature with SHA-1 ("Hash algorithm too weak for EdDSA"),
  // so the two algorithms are built with GnuPG only; openpgp.js's SHA-1 RSA path is P-02's test.
});
