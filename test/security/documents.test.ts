/**
 * threat catalogue, rows D-01…D-03: extracting blocks from untrusted documents. Each row runs the
 * committed fixtures whose id starts with the row id. GnuPG was run on the canonical block
 * (fixtures/blocks/…), since it does not read Markdown or HTML; its verdict is re-checked live.
 */
import { describe, expect, it } from 'vitest';
import { assertNothingUnproven, expectGnupgOnFixture, malformedBlock as malformed, okBlock, runFixture, verdicts } from './assert-nothing-unproven.js';

const VERIFIED = okBlock(['verified', null]);

describe('D: document extraction', () => {
  it('D-01: front matter claiming "signed by Linus" never names a signer, and a claim the key does not back is flagged claim-mismatch', async () => {
    const { fixture, manifest } = await runFixture('D-01-front-matter-claims-linus');
    expect(verdicts(manifest)).toEqual([VERIFIED]);
    const [signature] = manifest.documents[0]!.blocks[0]!.signatures;
    // Identity comes only from the verified key: Alice, by fingerprint.
    expect(manifest.signers).toEqual([{ primaryKeyFingerprint: signature!.primaryKeyFingerprint, userIDs: ['Alice Fixture <alice@example.org>'], documents: [manifest.documents[0]!.path] }]);
    await assertNothingUnproven(manifest, { unsigned: ['Linus', 'torvalds'] });
    // GnuPG (on the block): GOODSIG by Alice: agrees; GnuPG never reads front matter.
    expectGnupgOnFixture(fixture, ['GOODSIG']);
    // The catalogue: "a claim that does not match is warning:claim-mismatch, never a signer".
    // The front matter says author/signer Linus Torvalds; the key is Alice's.
    expect(signature!.warnings as string[]).toContain('claim-mismatch');
  });

  it('D-02: HTML entities are decoded once inside <pre>; hidden or visible text outside the block is never signed; markup inside it is refused', async () => {
    const outside = await runFixture('D-02-hidden-text-outside-pre');
    expect(verdicts(outside.manifest)).toEqual([VERIFIED]);
    expect(outside.manifest.documents[0]!.blocks[0]).toMatchObject({ rendering: ['html-entities'], signedText: 'Alice & Bob agree: the meeting moves to Friday.' });
    await assertNothingUnproven(outside.manifest, { unsigned: ['transfers her domain', 'Bob agrees too', 'Signed by Alice and Bob'] });
    // GnuPG (on the canonical block): GOODSIG: agrees.
    expectGnupgOnFixture(outside.fixture, ['GOODSIG']);

    const inside = await runFixture('D-02-hidden-span-inside-pre');
    expect(verdicts(inside.manifest)).toEqual([malformed('markup-in-block')]);
    await assertNothingUnproven(inside.manifest);
    // GnuPG (on the canonical block, markup already gone): GOODSIG. pledge disagrees on purpose:
    // a reader of the page sees "I do support", the signature covers "I do not support".
    expectGnupgOnFixture(inside.fixture, ['GOODSIG']);
  });

  it('D-03: a block split across fences, indented code or a blockquote is rejected (split-block), never stitched', async () => {
    for (const id of ['D-03-split-across-fences', 'D-03-blockquote-ends-mid-block', 'D-03-indentation-ends-mid-block']) {
      const { fixture, manifest } = await runFixture(id);
      expect.soft(verdicts(manifest), id).toEqual([malformed('split-block')]);
      expect.soft(manifest.signers, id).toEqual([]);
      await assertNothingUnproven(manifest);
      // GnuPG (on the stitched canonical block): GOODSIG. pledge disagrees on purpose: the page
      // shows unsigned prose between the two halves.
      expectGnupgOnFixture(fixture, ['GOODSIG']);
    }
  });
});
