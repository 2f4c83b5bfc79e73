/**
 * The manifest stays v1 (issue 14): the detached fields are additions, each declared in
 * schema/manifest-v1.schema.json with its type, so a consumer validating strictly knows them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { MANIFEST_VERSION } from '../../src/report/manifest.js';
import { verifyDocuments } from '../../src/pipeline/run.js';
import { manifestIsValid, schemaAt } from '../helpers/manifest-schema.js';
import { createSigner } from '../helpers/sign.js';

type Schema = { $defs: Record<string, { properties: Record<string, unknown> }> };
const schema = schemaAt('schema/manifest-v1.schema.json') as Schema;

describe('the manifest schema for detached signatures', () => {
  it('declares every field a detached document, block and signature carries, and the manifest stays version 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pledge-detached-schema-'));
    const signer = await createSigner();
    writeFileSync(join(dir, 'keys.asc'), signer.armoredPublicKey);
    writeFileSync(join(dir, 'a.txt'), 'statement\n');
    writeFileSync(join(dir, 'a.txt.asc'), await openpgp.sign({ message: await openpgp.createMessage({ text: 'statement\n' }), signingKeys: signer.privateKey, detached: true }));
    const manifest = await verifyDocuments({ paths: [dir], keyrings: [join(dir, 'keys.asc')], version: 'test' });
    expect(manifest.manifestVersion).toBe(1);
    expect(MANIFEST_VERSION).toBe(1);
    expect(manifestIsValid(manifest)).toBe(true);
    const [document] = manifest.documents;
    const undeclared = (definition: string, object: object) => Object.keys(object).filter((key) => !(key in schema.$defs[definition]!.properties));
    expect(undeclared('document', document!)).toEqual([]);
    expect(undeclared('block', document!.blocks[0]!)).toEqual([]);
    expect(undeclared('signature', document!.blocks[0]!.signatures[0]!)).toEqual([]);
    expect(document).toMatchObject({ detachedSignatures: [join(dir, 'a.txt.asc')], blocks: [{ form: 'detached', signatureFile: join(dir, 'a.txt.asc') }] });
  });

  it('holds the new fields to their types: a form outside the three, a malformed data hash, are invalid', async () => {
    const base = { manifestVersion: 1, generator: { name: 'pledge', version: 't' }, ok: false, summary: { documents: 1, blocks: 1, signatures: 0, verified: 0, failed: 0, malformedBlocks: 1, unsignedDocuments: 0, unreadableDocuments: 0, findings: {} }, signers: [], lookups: [] };
    const block = { startLine: 1, endLine: 1, status: 'malformed', error: { code: 'no-signature', message: 'x' }, rendering: [], signedText: null, signedTextSha256: null, hashAlgorithm: null, signatures: [], form: 'detached', signatureFile: 'a.sig' };
    const document = { path: 'a', status: 'signed', error: null, blocks: [block], detachedSignatures: ['a.sig'], signedDataSha256: 'ab'.repeat(32) };
    expect(manifestIsValid({ ...base, documents: [document] })).toBe(true);
    expect(manifestIsValid({ ...base, documents: [{ ...document, blocks: [{ ...block, form: 'attached' }] }] })).toBe(false);
    expect(manifestIsValid({ ...base, documents: [{ ...document, signedDataSha256: 'not a hash' }] })).toBe(false);
    expect(manifestIsValid({ ...base, documents: [{ ...document, detachedSignatures: [1] }] })).toBe(false);
  });
});
