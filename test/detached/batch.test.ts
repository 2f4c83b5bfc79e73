/**
 * Issue 14 acceptance: a directory of 100 documents × 3 detached signatures each verifies in
 * one run, through the CLI as a user runs it (reading thread included).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/report/manifest.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { runCli } from '../helpers/run-cli.js';
import { createSigner, type TestSigner } from '../helpers/sign.js';

const DOCUMENTS = 100;
let folder: string;
let keyring: string;
let signers: TestSigner[];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-detached-batch-'));
  folder = join(dir, 'canaries');
  mkdirSync(folder);
  signers = [await createSigner('Alice <alice@example.org>'), await createSigner('Bob <bob@example.org>'), await createSigner('Carol <carol@example.org>')];
  keyring = join(dir, 'keys.asc');
  writeFileSync(keyring, signers.map((signer) => signer.armoredPublicKey).join('\n'));
  for (let n = 0; n < DOCUMENTS; n++) {
    const name = `canary-${String(n).padStart(3, '0')}.txt`;
    const text = `Canary ${n}: no secret orders received.\n`;
    writeFileSync(join(folder, name), text);
    for (const [index, signer] of signers.entries()) {
      // Alternately armored text signatures and binary ones, so both readers and both types take part.
      const message = index % 2 ? await openpgp.createMessage({ binary: Buffer.from(text) }) : await openpgp.createMessage({ text });
      const options = { message, signingKeys: signer.privateKey, detached: true, date: new Date('2025-01-01T00:00:00Z') } as const;
      writeFileSync(join(folder, `${name}.sig.${['alice', 'bob', 'carol'][index]}`), index % 2 ? await openpgp.sign({ ...options, format: 'binary' }) : await openpgp.sign({ ...options, format: 'armored' }));
    }
  }
}, 60_000);

describe('100 documents × 3 detached signatures', () => {
  it('verify in one run: 100 documents, 300 signatures, every one verified by its signer', async () => {
    const result = await runCli(['verify', '--offline', '--json', '--keyring', keyring, folder]);
    const manifest = JSON.parse(result.stdout) as Manifest;
    expectValidManifest(manifest);
    expect(result.code).toBe(0);
    expect(manifest.summary).toMatchObject({ documents: DOCUMENTS, blocks: 3 * DOCUMENTS, signatures: 3 * DOCUMENTS, verified: 3 * DOCUMENTS, failed: 0 });
    expect(manifest.documents.every((document) => document.verdict === 'verified' && document.detachedSignatures?.length === 3)).toBe(true);
    expect(manifest.signers.map((signer) => [signer.primaryKeyFingerprint, signer.documents.length])).toEqual(signers.map((signer) => [signer.fingerprint, DOCUMENTS]));
  });
});
