/**
 * threat catalogue, rows C-01…C-22: the cleartext framework. Each row runs the committed fixtures
 * whose id starts with the row id (fixtures/cases.json, made with GnuPG, sq and openpgp.js)
 * through src/pipeline/run.ts, plus inputs made here where a row names a variant the fixtures
 * do not hold. GnuPG's verdict is re-checked live from `--status-fd` lines only.
 */
import { Chalk } from 'chalk';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderGithub } from '../../src/report/render-github.js';
import { renderHuman } from '../../src/report/render-human.js';
import type { Manifest } from '../../src/report/manifest.js';
import {
  assertNothingUnproven,
  cleartextBlock,
  expectGnupg,
  expectGnupgOnFixture,
  fixtureCases,
  newKey,
  runFixture,
  scratchDir,
  signText,
  verdicts,
  verify,
  writeIn,
  type Made,
  okBlock as ok,
  malformedBlock as malformed,
} from './assert-nothing-unproven.js';

const { enums } = openpgp;
const plain = new Chalk({ level: 0 });
const VERIFIED: [string, null] = ['verified', null];
/** RFC 9580 §5.2.3.7 subpacket types (openpgp.js 6.3's typings omit enums.signatureSubpacket). */
const NOTATION_DATA = 20;
const SIGNERS_USER_ID = 28;

/** Runs every fixture of a row: its verdicts, the invariant, and GnuPG's keywords. */
async function row(expectations: Record<string, { verdicts: object[]; gnupg: string[]; unsigned?: string[] }>): Promise<Record<string, Manifest>> {
  const manifests: Record<string, Manifest> = {};
  for (const [id, expected] of Object.entries(expectations)) {
    const { fixture, manifest } = await runFixture(id);
    manifests[id] = manifest;
    expect.soft(verdicts(manifest), id).toEqual(expected.verdicts);
    for (const [index, block] of fixture.expected.blocks.entries()) {
      if (block.signedText !== undefined) expect.soft(manifest.documents[0]!.blocks[index]?.signedText, `${id} block ${index + 1} text`).toBe(block.signedText);
    }
    await assertNothingUnproven(manifest, expected.unsigned ? { unsigned: expected.unsigned } : {});
    expectGnupgOnFixture(fixture, expected.gnupg);
  }
  return manifests;
}

let dir: string;
let alice: Made;
let aliceKeyring: string;

beforeAll(async () => {
  dir = await scratchDir('pledge-sec-c-');
  alice = await newKey('Alice <alice@example.org>');
  aliceKeyring = await writeIn(dir, 'alice.asc', alice.armored);
});

describe('C: the cleartext framework', () => {
  it('C-01: unsigned text above BEGIN PGP SIGNED MESSAGE and after END never reads as signed', async () => {
    // GnuPG: GOODSIG, and it too ignores the text around the block: agrees.
    const { 'C-01-unsigned-text-around-block': manifest } = await row({
      'C-01-unsigned-text-around-block': { verdicts: [ok(VERIFIED)], gnupg: ['GOODSIG'], unsigned: ['PAY MALLORY', 'owes Mallory'] },
    });
    expect(manifest!.documents[0]!.blocks[0]!.signedText).toBe('I agree to the terms of the pledge.');
  });

  it('C-02: an extra armor header before Hash:, or text before Hash: on its line, is rejected (armor-header)', async () => {
    // GnuPG: ERRSIG rc 1 (it refuses the header too): agrees.
    await row({
      'C-02-extra-armor-header': { verdicts: [malformed('armor-header')], gnupg: ['ERRSIG'] },
      'C-02-text-before-hash-header': { verdicts: [malformed('armor-header')], gnupg: ['ERRSIG'] },
    });
  });

  it('C-03: a Hash: header that is not the signature’s, unknown, or followed by \\v is rejected (hash-header)', async () => {
    // GnuPG: ERRSIG rc 1 on all three: agrees (openpgp.js 6.3.2 alone would verify the \v case).
    await row({
      'C-03-hash-header-mismatch': { verdicts: [malformed('hash-header')], gnupg: ['ERRSIG'] },
      'C-03-hash-header-unknown': { verdicts: [malformed('hash-header')], gnupg: ['ERRSIG'] },
      'C-03-hash-header-vertical-tab': { verdicts: [malformed('hash-header')], gnupg: ['ERRSIG'] },
    });
  });

  it('C-04: a NotDashEscaped: header is rejected (armor-header)', async () => {
    // GnuPG: GOODSIG, because NotDashEscaped: is its own extension. pledge disagrees on purpose:
    // RFC 9580 §7.1 allows only Hash:, and gpg.fail's notdash attack lives in that extension.
    await row({ 'C-04-not-dash-escaped-header': { verdicts: [malformed('armor-header')], gnupg: ['GOODSIG'] } });
  });

  it('C-05: a Comment: header in the signature armor verifies but is never shown or stored', async () => {
    // GnuPG: GOODSIG (it ignores the comment): agrees.
    const { 'C-05-comment-header-in-signature-armor': manifest } = await row({
      'C-05-comment-header-in-signature-armor': { verdicts: [ok(VERIFIED)], gnupg: ['GOODSIG'], unsigned: ['Linus'] },
    });
    expect(JSON.stringify(manifest)).not.toContain('Linus');
    expect(renderHuman(manifest!, plain)).not.toContain('Linus');
    expect(renderGithub(manifest!)).not.toContain('Linus');
  });

  it('C-06: one changed character of the signed text is a bad signature (signature-mismatch)', async () => {
    // GnuPG: BADSIG: agrees.
    await row({ 'C-06-text-changed': { verdicts: [ok(['bad-signature', 'signature-mismatch'])], gnupg: ['BADSIG'] } });
  });

  it('C-07: trailing spaces and tabs added to signed lines still verify, and the manifest shows the normalised text', async () => {
    // GnuPG: GOODSIG: agrees.
    const { 'C-07-trailing-whitespace-added': manifest } = await row({ 'C-07-trailing-whitespace-added': { verdicts: [ok(VERIFIED)], gnupg: ['GOODSIG'] } });
    expect(manifest!.documents[0]!.blocks[0]!.signedText).toBe('I agree to the terms of the pledge.\nSigned in Berlin.');
  });

  it('C-08: a lone CR inside a signed line is rejected by the extractor (bad-line-ending)', async () => {
    // GnuPG: BADSIG (it hashes the CR): agrees that nothing is good.
    await row({ 'C-08-lone-cr-in-line': { verdicts: [malformed('bad-line-ending')], gnupg: ['BADSIG'] } });
  });

  it('C-09: a form feed plus appended text is a bad signature, even after a 20,000-character line', async () => {
    // GnuPG 2.2.40: BADSIG on the short case, but GOODSIG on the long-line case (CVE-2025-68972:
    // it truncates the long line at the form feed). pledge disagrees there on purpose: openpgp.js
    // hashes the form feed and the appended text, and pledge adds no truncation logic.
    await row({
      'C-09-form-feed-appended-text': { verdicts: [ok(['bad-signature', 'signature-mismatch'])], gnupg: ['BADSIG'] },
      'C-09-long-line-truncation': { verdicts: [ok(['bad-signature', 'signature-mismatch'])], gnupg: ['GOODSIG'] },
    });
  });

  it('C-10: a "- " dash-escape added to a plain line verifies, and only the unescaped text is shown', async () => {
    // GnuPG: GOODSIG: agrees.
    const { 'C-10-dash-escape-on-plain-line': manifest } = await row({ 'C-10-dash-escape-on-plain-line': { verdicts: [ok(VERIFIED)], gnupg: ['GOODSIG'] } });
    expect(manifest!.documents[0]!.blocks[0]!.signedText).toBe('I agree to the terms of the pledge.\nSigned in Berlin.');
  });

  it('C-11: any -----X----- line in place of BEGIN PGP SIGNATURE, an unescaped armor line, or a doubled BEGIN is rejected (malformed-armor)', async () => {
    // GnuPG: GOODSIG on "-----ANY TEXT-----" (it ends the text there, like openpgp.js): pledge
    // disagrees on purpose, it requires the exact armor lines. No signature and ERRSIG rc 1 on
    // the other two: agrees.
    await row({
      'C-11-any-text-armor-line': { verdicts: [malformed('malformed-armor')], gnupg: ['GOODSIG'] },
      'C-11-unescaped-armor-line-in-text': { verdicts: [malformed('malformed-armor')], gnupg: [] },
      'C-11-doubled-begin-line': { verdicts: [malformed('malformed-armor')], gnupg: ['ERRSIG'] },
    });
  });

  it('C-12: a genuine and a forged block in one document are judged each on its own, in either order', async () => {
    // GnuPG (run once per block): GOODSIG + BADSIG in both orders: agrees.
    const manifests = await row({
      'C-12-genuine-then-forged-block': { verdicts: [ok(VERIFIED), ok(['bad-signature', 'signature-mismatch'])], gnupg: ['GOODSIG', 'BADSIG'] },
      'C-12-forged-then-genuine-block': { verdicts: [ok(['bad-signature', 'signature-mismatch']), ok(VERIFIED)], gnupg: ['BADSIG', 'GOODSIG'] },
    });
    for (const manifest of Object.values(manifests)) expect(manifest.signers).toHaveLength(1);
  });

  it('C-13: a dash-escaped inner block from another signer is only the outer signer’s text, never the inner signer’s signature', async () => {
    // GnuPG: GOODSIG for Alice only: agrees.
    const { 'C-13-inner-block-in-signed-text': manifest } = await row({ 'C-13-inner-block-in-signed-text': { verdicts: [ok(VERIFIED)], gnupg: ['GOODSIG'] } });
    const [signature] = manifest!.documents[0]!.blocks[0]!.signatures;
    expect(manifest!.signers.map((s) => s.primaryKeyFingerprint)).toEqual([signature!.primaryKeyFingerprint]);
    expect(signature!.userIDs.join()).toContain('alice');
    expect(manifest!.signers.flatMap((s) => s.userIDs).join()).not.toMatch(/bob/i);
  });

  it('C-14: a separator line of U+00A0 or U+2003 is not blank (malformed-armor)', async () => {
    // GnuPG: GOODSIG on both (it trims any whitespace): pledge disagrees on purpose; the RFC
    // blank line is empty or ASCII space/tab only.
    await row({
      'C-14-nbsp-separator-line': { verdicts: [malformed('malformed-armor')], gnupg: ['GOODSIG'] },
      'C-14-em-space-separator-line': { verdicts: [malformed('malformed-armor')], gnupg: ['GOODSIG'] },
    });
  });

  it('C-15: signature armor with no packets, or only an unknown-version packet, is no-signature', async () => {
    // GnuPG: no signature at all (exit 2): agrees.
    await row({
      'C-15-signature-armor-without-packets': { verdicts: [malformed('no-signature')], gnupg: [] },
      'C-15-unknown-version-signature-packet': { verdicts: [malformed('no-signature')], gnupg: [] },
    });
  });

  it('C-16: a standalone, timestamp or certification signature in place of a text signature counts for nothing (no-signature)', async () => {
    // GnuPG: ERRSIG (rc 32, wrong signature class) on all three: agrees that nothing verified.
    await row({
      'C-16-standalone-signature': { verdicts: [malformed('no-signature')], gnupg: ['ERRSIG'] },
      'C-16-timestamp-signature': { verdicts: [malformed('no-signature')], gnupg: ['ERRSIG'] },
    });
    // Made here: Alice's own positive certification of her user ID (type 0x13), a real and
    // valid signature by her key, pasted as the block's signature.
    const certification = alice.publicKey.users[0]!.selfCertifications[0]!;
    expect(certification.signatureType).toBe(enums.signature.certPositive);
    const document = await writeIn(dir, 'c16-certification.txt', cleartextBlock('I agree to the terms of the pledge.\n', [certification]));
    const manifest = await verify([document], { keyrings: [aliceKeyring] });
    expect(verdicts(manifest)).toEqual([malformed('no-signature')]);
    await assertNothingUnproven(manifest);
    expectGnupg(document, [alice.armored], { keywords: ['ERRSIG'], validsig: [] });
  });

  it('C-17: one good and one bad or unknown signature: the good signer is listed, the other recorded as it is', async () => {
    // GnuPG: GOODSIG + ERRSIG rc 9 and GOODSIG + BADSIG: agrees. pledge's block stays "ok" with
    // both verdicts, and exit status 1 (the sq verify choice: one bad signature fails the run).
    const manifests = await row({
      'C-17-good-and-unknown-signer': { verdicts: [ok(VERIFIED, ['no-public-key', 'key-not-found'])], gnupg: ['GOODSIG', 'ERRSIG'] },
      'C-17-good-and-bad-signer': { verdicts: [ok(VERIFIED, ['bad-signature', 'signature-mismatch'])], gnupg: ['GOODSIG', 'BADSIG'] },
    });
    for (const manifest of Object.values(manifests)) {
      const [good] = manifest.documents[0]!.blocks[0]!.signatures;
      expect(manifest.signers.map((s) => s.primaryKeyFingerprint)).toEqual([good!.primaryKeyFingerprint]);
    }
  });

  it('C-18: altered unhashed data (issuer, signer’s user ID, notations) is never shown or trusted', async () => {
    // Fixture: the unhashed issuer key ID swapped to Bob's while the hashed issuer fingerprint
    // names Alice. GnuPG: GOODSIG (it goes by the fingerprint); pledge refuses the contradictory
    // packet (bad-signature): a deliberate difference, and nothing is credited to Bob.
    await row({ 'C-18-unhashed-issuer-swapped': { verdicts: [ok(['bad-signature', 'signature-mismatch'])], gnupg: ['GOODSIG'] } });

    // Made here: Alice's valid signature with an UNHASHED Signer's User ID naming Linus and an
    // unhashed notation "role=admin". The signature still verifies (the hashed data is
    // intact) but neither unhashed claim may reach the manifest or the report.
    const text = 'I agree to the terms of the pledge.\n';
    const signature = await signText(alice, text);
    const encode = (s: string) => new TextEncoder().encode(s);
    signature.unhashedSubpackets.push({ type: SIGNERS_USER_ID, critical: false, body: encode('Linus Torvalds <torvalds@linux-foundation.org>') });
    signature.unhashedSubpackets.push({ type: NOTATION_DATA, critical: false, body: new Uint8Array([0x80, 0, 0, 0, 0, 4, 0, 5, ...encode('role'), ...encode('admin')]) });
    const document = await writeIn(dir, 'c18-unhashed-claims.txt', cleartextBlock(text, [signature]));
    const manifest = await verify([document], { keyrings: [aliceKeyring] });
    expect(verdicts(manifest)).toEqual([ok(VERIFIED)]);
    expect(JSON.stringify(manifest)).not.toMatch(/Linus|torvalds|admin/);
    expect(renderHuman(manifest, plain)).not.toMatch(/Linus|torvalds|admin/);
    await assertNothingUnproven(manifest, { unsigned: ['Linus'] });
    // GnuPG: GOODSIG by Alice: agrees.
    expectGnupg(document, [alice.armored], { keywords: ['GOODSIG'], validsig: [alice.fingerprint] });
  });

  it('C-19: a critical unknown notation or subpacket invalidates the signature (signature-invalid, not a text mismatch)', async () => {
    // GnuPG: BADSIG on both: agrees that the signature is bad. The catalogue's code is
    // invalid:critical-unknown, a different verdict from C-06's digest mismatch: in pledge's
    // vocabulary that is signature-invalid ("openpgp.js rejects it"), since the text is intact.
    await row({
      'C-19-critical-unknown-notation': { verdicts: [ok(['bad-signature', 'signature-invalid'])], gnupg: ['BADSIG'] },
      'C-19-critical-unknown-subpacket': { verdicts: [ok(['bad-signature', 'signature-invalid'])], gnupg: ['BADSIG'] },
    });
  });

  it('C-20: control characters and ANSI escapes in signed text or a user ID verify, are flagged, and never reach a terminal raw', async () => {
    // GnuPG: GOODSIG: agrees on the verdict.
    const { 'C-20-control-characters': manifest } = await row({ 'C-20-control-characters': { verdicts: [ok(VERIFIED)], gnupg: ['GOODSIG'] } });
    expect(manifest!.documents[0]!.blocks[0]!.signatures[0]!.warnings).toContain('control-characters');
    const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
    expect(renderHuman(manifest!, plain)).not.toMatch(RAW_CONTROL);
    expect(renderGithub(manifest!)).not.toMatch(RAW_CONTROL);

    // Made here: a key whose user ID carries ESC[31m, BEL and a backspace.
    const hostile = await newKey('Eve \u001b[31mRED\u001b[0m\u0007\u0008 <eve@example.org>');
    const text = 'I agree to the terms of the pledge.\n';
    const document = await writeIn(dir, 'c20-user-id.txt', cleartextBlock(text, [await signText(hostile, text)]));
    const userManifest = await verify([document], { keyrings: [await writeIn(dir, 'eve.asc', hostile.armored)] });
    expect(verdicts(userManifest)).toEqual([ok(VERIFIED)]);
    expect(renderHuman(userManifest, plain)).not.toMatch(RAW_CONTROL);
    expect(renderGithub(userManifest)).not.toMatch(RAW_CONTROL);
    await assertNothingUnproven(userManifest);

    // A NUL byte: pledge refuses the file as binary (the catalogue's "reject under policy").
    const nul = await writeIn(dir, 'c20-nul.txt', cleartextBlock('I agree\u0000 to the terms.\n', [await signText(alice, 'I agree\u0000 to the terms.\n')]));
    const nulManifest = await verify([nul], { keyrings: [aliceKeyring] });
    expect(nulManifest.documents[0]).toMatchObject({ status: 'unreadable', error: { code: 'binary' }, blocks: [] });
    await assertNothingUnproven(nulManifest);
  });

  it('C-21: bidi overrides, zero-width characters and homoglyphs in text or user IDs verify with confusable-text, shown escaped', async () => {
    // GnuPG: GOODSIG: agrees on the verdict (GnuPG has no such flag).
    const { 'C-21-bidi-override': manifest } = await row({ 'C-21-bidi-override': { verdicts: [ok(VERIFIED)], gnupg: ['GOODSIG'] } });
    expect(manifest!.documents[0]!.blocks[0]!.signatures[0]!.warnings).toContain('confusable-text');
    const RAW_CONFUSABLE = /[\u202a-\u202e\u2066-\u2069\u200b-\u200f]/;
    expect(renderHuman(manifest!, plain)).not.toMatch(RAW_CONFUSABLE);

    const signedBy = async (key: Made, name: string, text: string) => {
      const document = await writeIn(dir, name, cleartextBlock(text, [await signText(key, text)]));
      const result = await verify([document], { keyrings: [await writeIn(dir, `${name}.asc`, key.armored)] });
      await assertNothingUnproven(result);
      return result;
    };
    const warningsOf = (result: Manifest) => result.documents[0]!.blocks[0]!.signatures.map((s) => ({ status: s.status, confusable: s.warnings.includes('confusable-text') }));
    // A zero-width space splitting a word.
    expect.soft(warningsOf(await signedBy(alice, 'c21-zero-width.txt', 'I pay 10\u200b00 EUR.\n')), 'zero-width space').toEqual([{ status: 'verified', confusable: true }]);
    // A homoglyph: "Pаypal" with a Cyrillic а (U+0430) among Latin letters (CVE-2021-42694).
    expect.soft(warningsOf(await signedBy(alice, 'c21-homoglyph.txt', 'I pay P\u0430ypal 1000 EUR.\n')), 'mixed-script homoglyph').toEqual([{ status: 'verified', confusable: true }]);
    // A bidi override inside the signer's user ID.
    const bidi = await newKey('Mallory \u202eelcaro\u202c <mallory@example.org>');
    const userIDResult = await signedBy(bidi, 'c21-user-id.txt', 'I agree to the terms of the pledge.\n');
    expect.soft(warningsOf(userIDResult), 'bidi override in the user ID').toEqual([{ status: 'verified', confusable: true }]);
    expect.soft(renderHuman(userIDResult, plain), 'user ID shown escaped').not.toMatch(RAW_CONFUSABLE);
  });

  it('C-22: an inline-signed message is read as one (issue 14), a lone detached signature is rejected, neither is read as cleartext', async () => {
    // GnuPG: GOODSIG on the inline message, and pledge verifies it as an inline message (its
    // literal data is the signed text, checked against openpgp.js's readMessage): agrees. No
    // signature on the lone detached signature: agrees.
    const { 'C-22-inline-signed-message': inline } = await row({
      'C-22-inline-signed-message': { verdicts: [ok(VERIFIED)], gnupg: ['GOODSIG'], unsigned: ["Alice's statement"] },
      'C-22-detached-signature-alone': { verdicts: [malformed('unsupported-format')], gnupg: [] },
    });
    expect(inline!.documents[0]!.blocks[0]!.form).toBe('inline');
    expect(fixtureCases('C-22')).toHaveLength(2);
  });
});
