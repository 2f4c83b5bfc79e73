/**
 * Issue 14 item 2: inline-signed messages (BEGIN PGP MESSAGE), as `gpg --sign --armor` (compressed
 * by default), `gpg --sign --armor --compress-algo none`, `sq sign` and openpgp.js make them. The
 * literal data is the signed text, held to the cleartext's rules; its file name and date are not
 * signed and never shown. GnuPG (`gpg --verify`) and Sequoia (`sq verify`) are asked live.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDocuments } from '../../src/pipeline/run.js';
import type { Manifest, ManifestBlock } from '../../src/report/manifest.js';
import { assertNothingUnproven } from '../security/assert-nothing-unproven.js';
import { at, gnupgSays, Gpg, HAVE, REQUIRE_ORACLES, scratch, sequoiaAccepts } from '../verify/key-history/tools.js';
import { createSigner, type TestSigner } from '../helpers/sign.js';

const TEXT = 'We, the undersigned, keep our keys for years.\n';
const gnupg = HAVE.gpg || REQUIRE_ORACLES;
const sequoia = HAVE.sq || REQUIRE_ORACLES;
if (!gnupg) console.warn('test/inline: gpg is not installed: the GnuPG-made messages and its live verdicts are skipped (PLEDGE_REQUIRE_ORACLES=1 makes this a failure)');
if (!sequoia) console.warn('test/inline: sq is not installed: the sq-made message and its live verdicts are skipped (PLEDGE_REQUIRE_ORACLES=1 makes this a failure)');

let dir: string;
let alice: TestSigner;
let bob: TestSigner;
let keyring: string;
let count = 0;

beforeAll(async () => {
  dir = scratch('pledge-inline-');
  alice = await createSigner('Alice <alice@example.org>');
  bob = await createSigner('Bob <bob@example.org>');
  keyring = join(dir, 'keys.asc');
  writeFileSync(keyring, alice.armoredPublicKey + bob.armoredPublicKey);
});
afterAll(() => Gpg.stopAgents());

/** Writes `content` to a fresh file and verifies it with `keys` (default: alice and bob). */
async function verifyText(content: string, keys: string[] = [keyring], name = `m${++count}.asc`): Promise<{ manifest: Manifest; block: ManifestBlock; path: string }> {
  const path = join(dir, name);
  writeFileSync(path, content);
  const manifest = await verifyDocuments({ paths: [path], keyrings: keys, version: 'test' });
  return { manifest, block: manifest.documents[0]!.blocks[0]!, path };
}

/** An inline message openpgp.js signs (a text or binary literal, several signers at once). */
async function openpgpMessage(text: string, signers: TestSigner[], binary = false, filename = 'statement.txt'): Promise<string> {
  const message = binary ? await openpgp.createMessage({ binary: new TextEncoder().encode(text), filename }) : await openpgp.createMessage({ text, filename });
  return openpgp.sign({ message, signingKeys: signers.map((signer) => signer.privateKey), date: new Date('2024-06-01T00:00:00Z'), format: 'armored' }) as Promise<string>;
}

/** Armors packet bytes as a BEGIN PGP MESSAGE block. */
const armorMessage = (bytes: Uint8Array) => openpgp.armor(openpgp.enums.armor.message, bytes);
const binaryOf = async (armored: string) => (await openpgp.unarmor(armored)).data as Uint8Array;
/** A new-format packet header with a definite length. */
function packet(tag: number, body: Uint8Array): Uint8Array {
  const length = body.length < 192 ? [body.length] : body.length < 8384 ? [((body.length - 192) >> 8) + 192, (body.length - 192) & 0xff] : [255, ...Buffer.from(Uint32Array.of(body.length).buffer).reverse()];
  return Uint8Array.from([0xc0 | tag, ...length, ...body]);
}

const statuses = (block: ManifestBlock) => block.signatures.map((signature) => signature.status);

describe('inline messages openpgp.js makes', () => {
  it('verifies a text message by two signers: form inline, the literal data as the signed text, every signature on its own', async () => {
    const { manifest, block } = await verifyText(`Our statement:\n\n${await openpgpMessage(TEXT, [alice, bob])}\nNot signed: this line.\n`);
    expect(block).toMatchObject({ form: 'inline', status: 'ok', error: null, signedText: TEXT, startLine: 3 });
    expect(statuses(block)).toEqual(['verified', 'verified']);
    expect(block.signatures.map((s) => s.primaryKeyFingerprint).sort()).toEqual([alice.fingerprint, bob.fingerprint].sort());
    expect(manifest.documents[0]!.verdict).toBe('verified');
    await assertNothingUnproven(manifest, { unsigned: ['Our statement', 'Not signed'] });
  });

  it('verifies a binary literal with a binary (0x00) signature over its exact octets, CRLF kept', async () => {
    const { block } = await verifyText(await openpgpMessage('line one\r\nline two\r\n', [alice], true));
    expect(block).toMatchObject({ form: 'inline', status: 'ok', signedText: 'line one\r\nline two\r\n' });
    expect(statuses(block)).toEqual(['verified']);
  });

  it('never takes the literal file name or date as signed: a message with another name and date still verifies, and neither is shown', async () => {
    const armored = await openpgpMessage(TEXT, [alice], true, 'original.txt');
    const bytes = await binaryOf(armored);
    // Renames the literal data (same length) and moves its date: neither is in what a v4 signature hashes.
    const renamed = Buffer.from(bytes);
    const at = renamed.indexOf('original.txt');
    renamed.write('FORGERY!.txt', at);
    renamed.writeUInt32BE(0x7fffffff, at + 'original.txt'.length);
    const { manifest, block } = await verifyText(armorMessage(renamed));
    expect(statuses(block)).toEqual(['verified']);
    expect(block.signedText).toBe(TEXT);
    expect(JSON.stringify(manifest)).not.toMatch(/FORGERY|original\.txt|2038/);
  });

  it('reports a changed literal as bad-signature (the mathematics was checked and failed)', async () => {
    const bytes = Buffer.from(await binaryOf(await openpgpMessage(TEXT, [alice], true)));
    const at = bytes.indexOf('years');
    bytes.write('weeks', at);
    const { block } = await verifyText(armorMessage(bytes));
    expect(block.signedText).toBe(TEXT.replace('years', 'weeks'));
    expect(block.signatures.map((s) => [s.status, s.reason?.code])).toEqual([['bad-signature', 'signature-mismatch']]);
  });

  it('reports a missing key as no-public-key, naming the issuer it looked for', async () => {
    const { block } = await verifyText(await openpgpMessage(TEXT, [alice]), []);
    expect(block.signatures.map((s) => [s.status, s.reason?.code])).toEqual([['no-public-key', 'key-not-found']]);
    expect(block.signatures[0]!.reason!.message).toContain(alice.fingerprint);
  });

  it('refuses an encrypted message (public key or password) as unsupported-format, saying it is encrypted', async () => {
    const message = await openpgp.createMessage({ text: TEXT });
    const toKey = await openpgp.encrypt({ message, encryptionKeys: (await openpgp.generateKey({ userIDs: [{ name: 'E' }], format: 'object' })).publicKey, signingKeys: alice.privateKey });
    const withPassword = await openpgp.encrypt({ message, passwords: ['secret'] });
    for (const armored of [toKey, withPassword]) {
      const { block } = await verifyText(armored as string);
      expect(block).toMatchObject({ form: 'inline', status: 'malformed', signedText: null, signatures: [], error: { code: 'unsupported-format', detail: 'encrypted-message' } });
      expect(block.error!.message).toMatch(/encrypted/);
    }
  });

  it('refuses a compression bomb by name before inflating it, and reads the same packet under the limit', async () => {
    // A few kilobytes of deflate that inflate to 4 MiB: far past the 256 KiB block limit.
    const bomb = packet(8, Uint8Array.from([1, ...deflateRawSync(Buffer.alloc(4 << 20))]));
    expect(bomb.length).toBeLessThan(8_000);
    const { block } = await verifyText(armorMessage(bomb));
    expect(block).toMatchObject({ status: 'malformed', error: { code: 'compression-bomb' } });
    expect(block.error!.message).toContain('--max-block-chars');
    // Control: a real signed message in a compressed packet inflates and verifies.
    const inner = await binaryOf(await openpgpMessage(TEXT, [alice]));
    const zipped = packet(8, Uint8Array.from([1, ...deflateRawSync(inner)]));
    const control = await verifyText(armorMessage(zipped));
    expect(statuses(control.block)).toEqual(['verified']);
    expect(control.block.signedText).toBe(TEXT);
  });

  it('refuses a compressed packet beside other packets, the shape of CVE-2025-47934: never a text other than the one verified', async () => {
    const signedInside = packet(8, Uint8Array.from([1, ...deflateRawSync(await binaryOf(await openpgpMessage(TEXT, [alice])))]));
    const decoy = await binaryOf((await openpgp.createMessage({ binary: new TextEncoder().encode('PAY MALLORY\n') })).armor());
    for (const bytes of [Uint8Array.from([...decoy, ...signedInside]), Uint8Array.from([...signedInside, ...decoy])]) {
      const { block } = await verifyText(armorMessage(bytes));
      expect(block).toMatchObject({ status: 'malformed', signedText: null, signatures: [], error: { code: 'malformed-packet' } });
    }
  });

  it('refuses what a cleartext block would refuse in the literal data: a lone CR, not UTF-8, a line over the limit; flags control characters', async () => {
    expect((await verifyText(await openpgpMessage('pay\rMallory\n', [alice], true))).block.error?.code).toBe('bad-line-ending');
    const notText = await openpgp.sign({ message: await openpgp.createMessage({ binary: Uint8Array.of(0xff, 0xfe, 0x00) }), signingKeys: alice.privateKey, format: 'armored' });
    expect((await verifyText(notText as string)).block.error).toMatchObject({ code: 'unsupported-format', message: expect.stringMatching(/UTF-8/) });
    const path = join(dir, 'long.asc');
    writeFileSync(path, await openpgpMessage(`${'x'.repeat(300)}\n`, [alice]));
    const limited = await verifyDocuments({ paths: [path], keyrings: [keyring], version: 'test', limits: { maxLineLength: 200 } });
    expect(limited.documents[0]!.blocks[0]!.error?.code).toBe('input-too-large');
    const flagged = await verifyText(await openpgpMessage('I pay \u001b[31m10\u001b[0m EUR.\n', [alice]));
    expect(flagged.block.signatures[0]).toMatchObject({ status: 'verified', warnings: expect.arrayContaining(['control-characters']) });
  });

  it('refuses a message with no signature and one with two literal data packets', async () => {
    const unsigned = await openpgp.createMessage({ text: TEXT });
    expect((await verifyText(unsigned.armor())).block.error?.code).toBe('no-signature');
    const one = await binaryOf(await openpgpMessage(TEXT, [alice], true));
    const literal = await binaryOf((await openpgp.createMessage({ binary: new TextEncoder().encode('PAY MALLORY\n') })).armor());
    const doubled = await verifyText(armorMessage(Uint8Array.from([...literal, ...one])));
    expect(doubled.block).toMatchObject({ status: 'malformed', signatures: [] });
    expect(doubled.block.signedText).toBeNull();
  });
});

describe.skipIf(!gnupg)(`inline messages GnuPG makes${gnupg ? '' : ' (skipped: gpg is not installed)'}`, () => {
  let gpg: Gpg;
  let fingerprint: string;
  let key: string;
  let keyFile: string;
  beforeAll(() => {
    gpg = new Gpg();
    fingerprint = gpg.generate(at('2024-01-01'), 'Gale <gale@example.org>', 'ed25519', 'sign', 'never');
    key = gpg.exportPublic(fingerprint);
    keyFile = join(dir, 'gale.asc');
    writeFileSync(keyFile, key);
  });

  it.each([
    ['compressed (gpg --sign --armor)', []],
    ['uncompressed (--compress-algo none)', ['--compress-algo', 'none']],
    ['a text-mode signature (--textmode)', ['--textmode']],
  ])('verifies %s, as GnuPG and Sequoia do', async (_name, options) => {
    const armored = gpg.run(at('2025-01-01'), ['--local-user', `${fingerprint}!`, ...options, '--set-filename', 'NOT-SIGNED.txt', '--sign', '--armor'], TEXT);
    const { manifest, block, path } = await verifyText(armored, [keyFile]);
    expect(block).toMatchObject({ form: 'inline', status: 'ok', signedText: TEXT });
    expect(block.signatures.map((s) => [s.status, s.primaryKeyFingerprint])).toEqual([['verified', fingerprint]]);
    expect(JSON.stringify(manifest)).not.toContain('NOT-SIGNED');
    expect(gnupgSays(path, [key])).toEqual(['GOODSIG']);
    if (sequoia) expect(sequoiaAccepts(path, keyFile)).toBe(true);
  });

  it('agrees with GnuPG and Sequoia on a changed message (bad-signature, BADSIG)', async () => {
    const armored = gpg.run(at('2025-01-01'), ['--local-user', `${fingerprint}!`, '--compress-algo', 'none', '--sign', '--armor'], TEXT);
    const bytes = Buffer.from(await binaryOf(armored));
    bytes.write('weeks', bytes.indexOf('years'));
    const { block, path } = await verifyText(armorMessage(bytes), [keyFile]);
    expect(statuses(block)).toEqual(['bad-signature']);
    expect(gnupgSays(path, [key])).toEqual(['BADSIG']);
    if (sequoia) expect(sequoiaAccepts(path, keyFile)).toBe(false);
  });

  it.skipIf(!sequoia)('verifies a message sq sign makes (partial body lengths), as GnuPG and Sequoia do', async () => {
    const secret = join(dir, 'gale.sec.asc');
    writeFileSync(secret, gpg.run(null, ['--armor', '--export-secret-keys', fingerprint]));
    const input = join(dir, 'sq-input.txt');
    writeFileSync(input, TEXT);
    const signed = spawnSync('sq', ['sign', '--signer-key', secret, input], { encoding: 'utf8' });
    expect(signed.status).toBe(0);
    const { block, path } = await verifyText(signed.stdout, [keyFile]);
    expect(block).toMatchObject({ form: 'inline', status: 'ok', signedText: TEXT });
    expect(statuses(block)).toEqual(['verified']);
    expect(gnupgSays(path, [key])).toEqual(['GOODSIG']);
    expect(sequoiaAccepts(path, keyFile)).toBe(true);
  });
});
