/**
 * Issue 12, classes 2-4: brainpool signatures are checked (node:crypto, OpenSSL) instead of being
 * called altered; EdDSA with a hash under 256 bits is weak-algorithm; a check pledge cannot make
 * is `unsupported` (exit "could not check"), never bad-signature; a signature with no issuer says
 * so; `Hash: SHA3_256` (openpgp.js's spelling) is read beside RFC 9580's `SHA3-256`.
 */
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, gnupgLive, gnupgSays, Gpg, NOW, pledgeSays, scratch, sequoiaAccepts, sequoiaLive, TEXT } from './tools.js';
import { cleartextBlock, craftSignature, literalText, newKey, packetBytes } from '../../security/assert-nothing-unproven.js';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { OUTCOME_CLASS_FOR, SIGNATURE_STATUS_FOR } from '../../../src/core/reasons.js';

const { enums } = openpgp;

let dir: string;
let gpg: Gpg;
beforeAll(() => {
  dir = scratch('pledge-kh-alg-');
  gpg = new Gpg();
});
afterAll(() => Gpg.stopAgents());

describe('class 2: algorithms', () => {
  for (const [curve, hash] of [
    ['brainpoolP256r1', 'SHA256'],
    ['brainpoolP384r1', 'SHA384'],
    ['brainpoolP512r1', 'SHA512'],
    ['nistp256', 'SHA256'],
    ['nistp521', 'SHA512'],
  ] as const) {
    it(`GnuPG ${curve} key, ${hash}: verified; the text changed: bad-signature (the mathematics is really checked)`, async () => {
      const email = `${curve}@example.org`;
      const fpr = gpg.generate(at('2020-01-01'), `${curve} <${email}>`, curve, 'sign', '0');
      const signed = gpg.clearsign(at('2021-01-01'), fpr, ['--digest-algo', hash]);
      const altered = signed.replace('keep our keys', 'keep our kegs');
      const key = gpg.exportPublic(fpr);
      const { verdicts, paths, keyring } = await pledgeSays(dir, curve, [signed, altered], [key], NOW);
      // Brainpool was bad-signature: openpgp.js's Node build threw (module eckey-utils missing) and that was read as "altered".
      expect(verdicts[0]).toMatchObject({ status: 'verified', reason: null, warnings: [] });
      expect(verdicts[1]).toMatchObject({ status: 'bad-signature', reason: 'signature-mismatch' });
      if (gnupgLive) {
        expect(gnupgSays(paths[0]!, [key], NOW)).toEqual(['GOODSIG']);
        expect(gnupgSays(paths[1]!, [key], NOW)).toEqual(['BADSIG']);
      }
      // sq 0.27 is built on Nettle, which has no brainpool curves: it cannot check them (pledge, through OpenSSL, can).
      if (sequoiaLive) expect(sequoiaAccepts(paths[0]!, keyring)).toBe(!curve.startsWith('brainpool'));
    });
  }

  it('GnuPG Ed25519 signature over SHA-224: weak-algorithm (EdDSA needs a 256-bit hash), not bad-signature; SHA-256 control verified', async () => {
    const fpr = gpg.generate(at('2020-01-01'), 'Short <short@example.org>', 'ed25519', 'sign', '0');
    const short = gpg.clearsign(at('2021-01-01'), fpr, ['--digest-algo', 'SHA224']);
    const control = gpg.clearsign(at('2021-01-01'), fpr, ['--digest-algo', 'SHA256']);
    const key = gpg.exportPublic(fpr);
    const { verdicts, paths } = await pledgeSays(dir, 'eddsa-224', [short, control], [key], NOW);
    expect(verdicts[0]).toMatchObject({ status: 'weak-algorithm', reason: 'weak-hash' });
    expect(verdicts[1]).toMatchObject({ status: 'verified', reason: null });
    // GnuPG accepts it; RFC 9580 says EdDSA signatures MUST use a hash of at least 256 bits.
    if (gnupgLive) expect(gnupgSays(paths[0]!, [key], NOW)).toEqual(['GOODSIG']);
  });
});

describe('class 3: what cannot be checked is said so', () => {
  // Every algorithm and curve GnuPG, sq 0.27 and openpgp.js make here is checked by node:crypto
  // or openpgp.js; a hash algorithm ID pledge does not know is the case that reaches the path.
  it('a signature naming a hash algorithm pledge does not know is unsupported, never bad-signature or weak; control: the same signature with SHA-512 verifies', async () => {
    const made = await newKey('Unknown Hash <unknown-hash@example.org>');
    const signature = await craftSignature(made.privateKey.keyPacket as openpgp.SecretKeyPacket, literalText(TEXT), { hash: enums.hash.sha512 });
    const genuine = packetBytes([signature]);
    const renamed = genuine.slice();
    // The hashed part begins: version 4, type 0x01 (text), public-key algorithm, hash algorithm (10 = SHA-512).
    const at = renamed.findIndex((byte, i) => byte === 4 && renamed[i + 1] === 0x01 && renamed[i + 3] === enums.hash.sha512);
    expect(at).toBeGreaterThan(0);
    renamed[at + 3] = 100; // private/experimental range: no implementation computes it
    const { verdicts, manifest } = await pledgeSays(dir, 'unknown-hash', [cleartextBlock(TEXT, renamed, null), cleartextBlock(TEXT, genuine, null)], [made.armored], NOW);
    expect(verdicts[0]).toMatchObject({ status: 'unsupported', reason: 'unsupported' });
    expect(manifest.documents[0]!.blocks[0]!.signatures[0]!.reason!.message).toMatch(/could not check.*hash.100|hash.100.*could not be checked/);
    expect(verdicts[1]).toMatchObject({ status: 'verified', reason: null });
  });

  it('unsupported is an indeterminate outcome (exit code 3), not a failure', () => {
    expect(OUTCOME_CLASS_FOR.unsupported).toBe('indeterminate');
    expect(SIGNATURE_STATUS_FOR.unsupported).toBe('unsupported');
    expect(ExitCode.indeterminate).toBe(3);
  });

  it('a signature with no issuer subpacket names what is missing', async () => {
    const made = await newKey('Anon <anon@example.org>');
    const signature = await craftSignature(made.privateKey.keyPacket as openpgp.SecretKeyPacket, literalText(TEXT), {
      tweak: (p) => {
        (p.issuerKeyID as unknown as { bytes: string }).bytes = '';
        p.issuerFingerprint = null;
      },
    });
    const { verdicts, manifest } = await pledgeSays(dir, 'no-issuer', [cleartextBlock(TEXT, [signature])], [made.armored], NOW);
    expect(verdicts[0]).toMatchObject({ status: 'no-public-key', reason: 'key-not-found' });
    const message = manifest.documents[0]!.blocks[0]!.signatures[0]!.reason!.message;
    expect(message).toMatch(/names no issuer/);
    expect(message).not.toMatch(/key ID\s+was found/);
  });
});

describe('class 4: Hash header spellings', () => {
  it('openpgp.js SHA3-256 signature: verified under "Hash: SHA3_256" (openpgp.js\'s spelling) and "Hash: SHA3-256" (RFC 9580)', async () => {
    const made = await newKey('Keccak <keccak@example.org>', { curve: 'nistP256' });
    const signature = await craftSignature(made.privateKey.keyPacket as openpgp.SecretKeyPacket, literalText(TEXT), { hash: enums.hash.sha3_256 });
    const documents = ['SHA3_256', 'SHA3-256', 'SHA3_512'].map((header) => cleartextBlock(TEXT, [signature], header));
    const { manifest } = await pledgeSays(dir, 'sha3', documents, [made.armored], NOW);
    const blocks = manifest.documents.map((d) => d.blocks[0]!);
    expect(blocks.map((b) => b.status)).toEqual(['ok', 'ok', 'malformed']);
    expect(blocks.slice(0, 2).map((b) => b.signatures[0]!.status)).toEqual(['verified', 'verified']);
    // Control: a header naming another hash than the signature's is still refused.
    expect(blocks[2]!.error?.code).toBe('hash-header');
  });
});
