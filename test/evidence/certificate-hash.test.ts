import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { runCli } from '../helpers/run-cli.js';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';

/** The manifest names, per signature, the SHA-256 of the certificate pledge judged it by. */
let dir: string;
let signer: TestSigner;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pledge-cert-'));
  signer = await createSigner('Ada <ada@example.org>');
  writeFileSync(join(dir, 'post.md'), `# Pledge\n\n${await clearsign('I commit.', [signer])}`);
  writeFileSync(join(dir, 'ada.asc'), signer.armoredPublicKey);
  const { privateKey } = await openpgp.revokeKey({ key: signer.privateKey, date: new Date('2025-01-01T00:00:00Z'), reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keyRetired }, format: 'object' });
  writeFileSync(join(dir, 'ada-revoked.asc'), privateKey.toPublic().armor());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const verify = async (keyring: string) => {
  const result = await runCli(['verify', '--offline', '--json', '--keyring', join(dir, keyring), join(dir, 'post.md')]);
  const manifest = JSON.parse(result.stdout);
  expectValidManifest(manifest);
  return manifest.documents[0].blocks[0].signatures[0] as { status: string; certificateSha256?: string; keySource: string };
};

describe('certificateSha256 in the manifest', () => {
  it('is the SHA-256 of the certificate as read (binary packets), the same on every run', async () => {
    const bytes = (await openpgp.readKey({ armoredKey: signer.armoredPublicKey })).write();
    const expected = createHash('sha256').update(bytes).digest('hex');
    const first = await verify('ada.asc');
    expect(first.status).toBe('verified');
    expect(first.keySource).toContain('ada.asc');
    expect(first.certificateSha256).toBe(expected);
    expect((await verify('ada.asc')).certificateSha256).toBe(expected);
  });

  it('control: the same key with a new revocation has another hash (the verdict alone would not show it)', async () => {
    const revoked = await verify('ada-revoked.asc');
    expect(revoked.status).toBe('verified'); // a soft revocation after signing: still verified, with a warning
    expect(revoked.certificateSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(revoked.certificateSha256).not.toBe((await verify('ada.asc')).certificateSha256);
  });

  it('control: the schema refuses a malformed hash', async () => {
    const { manifestIsValid } = await import('../helpers/manifest-schema.js');
    const result = await runCli(['verify', '--offline', '--json', '--keyring', join(dir, 'ada.asc'), join(dir, 'post.md')]);
    const manifest = JSON.parse(result.stdout);
    manifest.documents[0].blocks[0].signatures[0].certificateSha256 = 'not-a-hash';
    expect(manifestIsValid(manifest)).toBe(false);
  });
});
