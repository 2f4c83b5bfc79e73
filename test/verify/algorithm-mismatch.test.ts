import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { signaturePacketsOf } from '../../src/openpgp/index.js';
import { verifyDocuments } from '../../src/pipeline/run.js';
import { cleartextBlock, clearsign, expectGnupg, newKey, packetBytes, scratchDir, writeIn } from '../security/assert-nothing-unproven.js';

/**
 * A signature whose public-key algorithm field names another algorithm than its issuer key's
 * (EdDSA key, ECDSA claimed) cannot be that key's signature: openpgp.js refuses it before any
 * mathematics, and GnuPG reports BAD signature. `npm run fuzz` found pledge saying `unsupported`
 * ("could not check") for it when the signature type was binary (openpgp.js's path) and
 * `bad-signature` when it was text (the node:crypto fast path): the same alteration, two verdicts.
 * Both paths now say bad-signature, as GnuPG does, whatever the type.
 */
describe('a signature naming another public-key algorithm than its key', () => {
  it('is bad-signature on both paths and for both signature types, as GnuPG says', async () => {
    const alice = await newKey();
    const dir = await scratchDir();
    const ring = await writeIn(dir, 'alice.asc', alice.armored);
    const text = 'We will not build the registry.\n';
    const message = await openpgp.readCleartextMessage({ cleartextMessage: await clearsign(text, [alice]) });
    const genuine = packetBytes(signaturePacketsOf(message));
    // One signature packet, new format, a one-octet length: its body starts at offset 2 with
    // version, signature type and public-key algorithm.
    expect([genuine[0], genuine[2], genuine[4]]).toEqual([0xc2, 4, openpgp.enums.publicKey.eddsaLegacy]);
    const altered = (type: number) => {
      const bytes = Uint8Array.from(genuine);
      bytes[3] = type;
      bytes[4] = openpgp.enums.publicKey.ecdsa;
      return cleartextBlock(text, bytes);
    };
    const files = [await writeIn(dir, 'text.txt', altered(openpgp.enums.signature.text)), await writeIn(dir, 'binary.txt', altered(openpgp.enums.signature.binary))];
    for (const fastPath of [true, false]) {
      const manifest = await verifyDocuments({ paths: files, keyrings: [ring], version: 'test', fastPath });
      const judged = manifest.documents.map((document) => document.blocks[0]!.signatures.map((signature) => [signature.status, signature.reason?.code]));
      expect(judged, `fastPath ${fastPath}`).toEqual([[['bad-signature', 'signature-mismatch']], [['bad-signature', 'signature-mismatch']]]);
    }
    for (const file of files) expectGnupg(file, [alice.armored], { keywords: ['BADSIG'] });
  });
});
