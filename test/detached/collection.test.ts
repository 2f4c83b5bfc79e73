import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDocuments } from '../../src/pipeline/run.js';
import type { Manifest, ManifestDocument } from '../../src/report/manifest.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { Gpg } from '../verify/key-history/tools.js';
import { buildCollection, GNUPG_STATUS, SEQUOIA_DISAGREES, gpgvSays, oracleSkipReason, oraclesLive, sqvAccepts, type Collection } from './collection.js';

/**
 * Issue 14 item 1: `pledge verify canaries/` checks, in one run, a folder that `gpgv SIG DOC`
 * and `sqv` check file by file, and gives each signature the verdict they give.
 */
describe.skipIf(!oraclesLive)(`a folder of detached signatures made by GnuPG, Sequoia and openpgp.js${oracleSkipReason}`, () => {
  let collection: Collection;
  let manifest: Manifest;
  const documentAt = (name: string): ManifestDocument | undefined => manifest.documents.find((document) => document.path === join(collection.folder, name));
  /** Signature file → statuses pledge gave its signatures. */
  const verdicts = () => {
    const found: Record<string, string[]> = {};
    for (const document of manifest.documents)
      for (const block of document.blocks) if (block.form === 'detached') found[block.signatureFile!.slice(collection.folder.length + 1)] = block.signatures.map((signature) => signature.status);
    return found;
  };

  beforeAll(async () => {
    collection = await buildCollection();
    manifest = await verifyDocuments({ paths: [collection.folder], keyrings: [collection.keyring], version: 'test' });
  }, 120_000);
  afterAll(() => Gpg.stopAgents());

  it('gives every signature of every signature file the expected verdict, in one run', () => {
    expect(verdicts()).toEqual(collection.expected);
    expectValidManifest(manifest);
  });

  it("agrees with gpgv on every signature and with sqv on every file, asked live", () => {
    const pledge = verdicts();
    for (const [signature, document] of Object.entries(collection.pairs)) {
      const [sig, doc] = [join(collection.folder, signature), join(collection.folder, document)];
      const gnupg = gpgvSays(collection.binaryKeyring, sig, doc).map((keyword) => GNUPG_STATUS[keyword]);
      expect({ signature, statuses: gnupg }).toEqual({ signature, statuses: pledge[signature] });
      const pledgeAccepts = pledge[signature]!.includes('verified') !== SEQUOIA_DISAGREES.has(signature);
      expect({ signature, sqv: sqvAccepts(collection.binaryKeyring, sig, doc) }).toEqual({ signature, sqv: pledgeAccepts });
    }
  });

  it('lists each document with its signature files, the signed data hashed once, and each signature naming its file', () => {
    const canary = documentAt('canary-047.txt')!;
    const names = ['alice', 'bob', 'carol', 'dave', 'mallory'].map((name) => join(collection.folder, `canary-047.txt.sig.${name}`));
    expect(canary.detachedSignatures).toEqual(names);
    expect(canary.signedDataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(canary.blocks.map((block) => block.signatures[0]!.signatureFile)).toEqual(names);
    expect(canary.blocks.every((block) => block.form === 'detached' && block.signedText === null)).toBe(true);
    const verified = canary.blocks.flatMap((block) => block.signatures).filter((signature) => signature.status === 'verified');
    expect(verified.map((signature) => signature.primaryKeyFingerprint)).toEqual([collection.fingerprints.alice, collection.fingerprints.bob, collection.fingerprints.carol, collection.fingerprints.dave]);
    // Mallory's key is missing: the document fails as a whole, as gpgv fails it.
    expect(canary.verdict).toBe('failed');
    expect(documentAt('canary-016.txt')!.verdict).toBe('verified');
    expect(documentAt('SHA256SUMS')!.blocks[0]!.signatures).toHaveLength(2);
  });

  it('never lists a paired signature file as a document of its own', () => {
    const paths = manifest.documents.map((document) => document.path.slice(collection.folder.length + 1));
    expect(paths.filter((path) => path in collection.pairs)).toEqual([]);
  });

  it('reports the orphan and the ambiguous signature file by name, status and reason code', () => {
    expect(documentAt('canary-050.txt.sig')).toMatchObject({ status: 'unreadable', verdict: 'failed', error: { code: 'orphan-signature' } });
    expect(documentAt('notes.txt.sig.bob')).toMatchObject({ status: 'unreadable', verdict: 'failed', error: { code: 'ambiguous-signature' } });
    expect(manifest.ok).toBe(false);
  });

  it('recognises a signature by its content, never by its name: howto.sig is a text, release.tar.gz is signed data', () => {
    expect(documentAt('howto.sig')).toMatchObject({ status: 'not-signed', blocks: [] });
    expect(documentAt('release.tar.gz')).toMatchObject({ status: 'signed', verdict: 'verified' });
  });

  it('judges a text (0x01) signature over the CRLF document as the oracles do, and without a control-character warning for CRLF', () => {
    const bulletin = documentAt('bulletin-12.txt')!;
    expect(bulletin.blocks.map((block) => block.signatures[0]!.status)).toEqual(['verified', 'verified']);
    expect(bulletin.blocks.flatMap((block) => block.signatures[0]!.warnings)).toEqual([]);
    // A lone CR is no line ending: it may hide what precedes it on a terminal.
    expect(documentAt('lone-cr.txt')!.blocks[0]!.signatures[0]!.warnings).toEqual(['control-characters']);
  });
});
