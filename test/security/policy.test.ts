/**
 * threat catalogue, rows P-01…P-05: algorithm policy. Keys are made here with openpgp.js (RSA,
 * Ed25519) or, where openpgp.js cannot make them (DSA, secp256k1), with GnuPG in a temporary
 * home; data signatures with odd hashes and the v3 signature are built packet by packet.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, sign as rsaSign } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  armorKey,
  assertNothingUnproven,
  certify,
  cleartextBlock,
  expectGnupg,
  GPG_AVAILABLE,
  newKey,
  publicPacket,
  scratchDir,
  signText,
  SIGNED_AT,
  userIDPacket,
  verdicts,
  verify,
  writeIn,
  type Made,
  TEXT,
  oneSignatureBlock,
} from './assert-nothing-unproven.js';

const { enums } = openpgp;
const ok = (status: string, reason: string | null) => [oneSignatureBlock(status, reason)];

let dir: string;
let rsa: Made;
const gpgHomes: string[] = [];

beforeAll(async () => {
  dir = await scratchDir('pledge-sec-p-');
  rsa = await newKey('Rita <rita@example.org>', { type: 'rsa', rsaBits: 2048 });
});

afterAll(() => {
  // Only the agents of the homes made here.
  for (const home of gpgHomes) spawnSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
});

async function judged(name: string, block: string, key: string) {
  const document = await writeIn(dir, `${name}.txt`, block);
  const manifest = await verify([document], { keyrings: [await writeIn(dir, `${name}.asc`, key)] });
  await assertNothingUnproven(manifest);
  return { document, manifest };
}

/** A key and a clearsigned TEXT made by GnuPG itself (algorithms openpgp.js cannot generate). */
function gnupgSigned(algorithm: string, userID: string): { key: string; block: string } | null {
  if (!GPG_AVAILABLE) return null;
  const home = mkdtempSync(join(tmpdir(), 'pledge-sec-gpgkey-'));
  gpgHomes.push(home);
  const gpg = (args: string[], input?: string) =>
    spawnSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
  gpg(['--quick-gen-key', userID, algorithm, 'sign', 'never']);
  const key = gpg(['--armor', '--export', userID]).stdout;
  const block = gpg(['--clearsign', '--digest-algo', 'SHA256', '-u', userID, '-o', '-'], TEXT).stdout;
  return { key, block };
}

// RSA by hand, for the v3 signature: openpgp.js 6 can neither write nor read v3 signatures.
const big = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
const b64url = (n: bigint) => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
};
function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}
function packetHeader(tag: number, length: number): number[] {
  if (length < 192) return [0xc0 | tag, length];
  const l = length - 192;
  return [0xc0 | tag, (l >> 8) + 192, l & 0xff];
}
function mpi(bytes: Uint8Array): number[] {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const value = bytes.subarray(start);
  const bits = value.length ? (value.length - 1) * 8 + (32 - Math.clz32(value[0]!)) : 0;
  return [bits >> 8, bits & 0xff, ...value];
}

/** A PGP 2.x-style v3 text signature (RFC 4880 §5.2.2) over TEXT by an RSA key, valid. */
function v3Signature(key: Made): Uint8Array {
  const packet = key.privateKey.keyPacket as unknown as { publicParams: { n: Uint8Array; e: Uint8Array }; privateParams: { d: Uint8Array; p: Uint8Array; q: Uint8Array } };
  const [n, e, d, p, q] = [packet.publicParams.n, packet.publicParams.e, packet.privateParams.d, packet.privateParams.p, packet.privateParams.q].map(big) as [bigint, bigint, bigint, bigint, bigint];
  const privateKey = createPrivateKey({
    key: { kty: 'RSA', n: b64url(n), e: b64url(e), d: b64url(d), p: b64url(p), q: b64url(q), dp: b64url(d % (p - 1n)), dq: b64url(d % (q - 1n)), qi: b64url(modInverse(q, p)) },
    format: 'jwk',
  });
  const created = Math.floor(SIGNED_AT.getTime() / 1000);
  const hashed = [enums.signature.text, created >>> 24, (created >> 16) & 0xff, (created >> 8) & 0xff, created & 0xff];
  const data = Buffer.concat([Buffer.from(TEXT.replace(/\n$/, ''), 'utf8'), Buffer.from(hashed)]);
  const left16 = createHash('sha256').update(data).digest().subarray(0, 2);
  const signature = rsaSign('sha256', data, privateKey);
  const body = [3, 5, ...hashed, ...Buffer.from(key.publicKey.getKeyID().toHex(), 'hex'), enums.publicKey.rsaEncryptSign, enums.hash.sha256, ...left16, ...mpi(signature)];
  return new Uint8Array([...packetHeader(2, body.length), ...body]);
}

describe('P: algorithm policy', () => {
  it('P-01: a data signature over SHA-1, MD5 or RIPEMD-160 is weak-algorithm (weak-hash)', async () => {
    const seen: Record<string, unknown> = {};
    for (const [name, hash, header] of [
      ['SHA-1', enums.hash.sha1, 'SHA1'],
      ['MD5', enums.hash.md5, 'MD5'],
      ['RIPEMD-160', enums.hash.ripemd, 'RIPEMD160'],
    ] as const) {
      const { document, manifest } = await judged(`p01-${header}`, cleartextBlock(TEXT, [await signText(rsa, TEXT, { hash })], header), rsa.armored);
      seen[name] = verdicts(manifest);
      // GnuPG 2.2: GOODSIG on SHA-1 and RIPEMD-160 (pledge disagrees on purpose: SHAttered,
      // Shambles); on MD5 it refuses too (no good signature): agrees.
      expectGnupg(document, [rsa.armored], name === 'MD5' ? { validsig: [] } : { keywords: ['GOODSIG'] });
    }
    expect(seen).toEqual({ 'SHA-1': ok('weak-algorithm', 'weak-hash'), MD5: ok('weak-algorithm', 'weak-hash'), 'RIPEMD-160': ok('weak-algorithm', 'weak-hash') });
  });

  it('P-02: a key whose self-signature binds its user ID with SHA-1 verifies, flagged weak-binding-sha1', async () => {
    // RSA primary, user ID self-certified with SHA-1; the data signature itself uses SHA-512.
    const primary = await publicPacket(openpgp.PublicKeyPacket, rsa.publicKey.keyPacket);
    const userID = userIDPacket('Rita <rita@example.org>');
    const sha1Binding = await certify(rsa.privateKey.keyPacket as openpgp.SecretKeyPacket, primary, userID, { hash: enums.hash.sha1 });
    expect(sha1Binding.hashAlgorithm).toBe(enums.hash.sha1);
    const key = armorKey([primary, userID, sha1Binding]);
    const { document, manifest } = await judged('p02', cleartextBlock(TEXT, [await signText(rsa, TEXT)]), key);
    // pledge keeps SHA-1 self-signatures acceptable (openpgp.js's default, GnuPG's too), so the
    // signature verifies; the catalogue asks that the choice then be visible as a flag.
    expect(verdicts(manifest)).toEqual(ok('verified', null));
    // GnuPG: GOODSIG, no flag: agrees on the verdict.
    expectGnupg(document, [key], { keywords: ['GOODSIG'] });
    expect(manifest.documents[0]!.blocks[0]!.signatures[0]!.warnings).toContain('weak-binding-sha1');
  });

  it('P-03: an RSA-1024 key is weak-algorithm (weak-key-size)', async () => {
    const small = await newKey('Leo <leo@example.org>', { type: 'rsa', rsaBits: 1024, config: { minRSABits: 1024 } });
    const { document, manifest } = await judged('p03', cleartextBlock(TEXT, [await signText(small, TEXT)]), small.armored);
    expect(verdicts(manifest)).toEqual(ok('weak-algorithm', 'weak-key-size'));
    // GnuPG: GOODSIG: pledge disagrees on purpose (RSA-1024 retired since 2014).
    expectGnupg(document, [small.armored], { keywords: ['GOODSIG'] });
  });

  it('P-04: a DSA key, or a key on the secp256k1 curve, is weak-algorithm (weak-key-algorithm)', async () => {
    expect(GPG_AVAILABLE, 'GnuPG makes the DSA and secp256k1 keys of this row').toBe(true);
    const seen: Record<string, unknown> = {};
    for (const [name, algorithm] of [
      ['DSA-2048', 'dsa2048'],
      ['secp256k1', 'secp256k1'],
    ] as const) {
      const made = gnupgSigned(algorithm, `${name} <${algorithm}@example.org>`)!;
      expect(made.block, `${name}: GnuPG made a signed block`).toContain('BEGIN PGP SIGNATURE');
      const { document, manifest } = await judged(`p04-${algorithm}`, made.block, made.key);
      seen[name] = verdicts(manifest);
      // GnuPG: GOODSIG on both: pledge disagrees on purpose (openpgp.js v6 defaults, RFC 9580
      // deprecates DSA; secp256k1 is not an OpenPGP curve).
      expectGnupg(document, [made.key], { keywords: ['GOODSIG'] });
    }
    expect(seen).toEqual({ 'DSA-2048': ok('weak-algorithm', 'weak-key-algorithm'), secp256k1: ok('weak-algorithm', 'weak-key-algorithm') });
  });

  it('P-05: a v3 (PGP 2.x) signature is weak-algorithm (legacy-format), never verified', async () => {
    const { document, manifest } = await judged('p05', cleartextBlock(TEXT, v3Signature(rsa), 'SHA256'), rsa.armored);
    expect(manifest.signers).toEqual([]);
    // GnuPG 2.2: GOODSIG (the v3 signature is mathematically valid): pledge must differ.
    expectGnupg(document, [rsa.armored], { keywords: ['GOODSIG'], validsig: [rsa.fingerprint] });
    // The catalogue: rejected:legacy-format, which pledge's vocabulary spells
    // weak-algorithm / legacy-format (src/verify/policy.ts has the check).
    expect(verdicts(manifest)).toEqual(ok('weak-algorithm', 'legacy-format'));
  });
});
