import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';

/**
 * `verify --against`: the yearly check. A manifest made with Ada's certificate (two
 * self-signatures), then the same documents verified again, offline, with the certificate
 * as it is now.
 */
let dir: string;
let ada: TestSigner;
let later: openpgp.PublicKey;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pledge-against-'));
  ada = await createSigner('Ada <ada@example.org>');
  // A second self-signature (a reformat dated before the signature), merged with the first.
  const { publicKey } = await openpgp.reformatKey({ privateKey: ada.privateKey, userIDs: [{ name: 'Ada', email: 'ada@example.org' }], date: new Date('2024-02-01T00:00:00Z'), format: 'object' });
  later = publicKey;
  const both = await ada.privateKey.toPublic().update(later);
  writeFileSync(join(dir, 'both.asc'), both.armor());
  writeFileSync(join(dir, 'post.md'), `# Pledge\n\n${await clearsign('I commit.', [ada])}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function baseline(): Promise<void> {
  writeFileSync(join(dir, 'keys.asc'), readFileSync(join(dir, 'both.asc'), 'utf8'));
  const made = await runCli(['verify', '--offline', '--no-cache', '--keyring', 'keys.asc', '--manifest', 'before.json', 'post.md'], {}, dir);
  expect(made.code).toBe(0);
}
const against = () => runCli(['verify', '--no-cache', '--keyring', 'keys.asc', '--against', 'before.json', 'post.md'], {}, dir);

describe('pledge verify --against', () => {
  it('control: the same certificate gives the same verdict, exit 0', async () => {
    await baseline();
    const result = await against();
    expect(result.stdout).toContain('same verdict      post.md: verified');
    expect(result.code).toBe(0);
  });

  it('a key that gained a revocation: key changed (soft, after signing) or changed verdict (hard), exit 1', async () => {
    await baseline();
    const soft = await openpgp.revokeKey({ key: ada.privateKey, date: new Date('2025-01-01T00:00:00Z'), reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keyRetired }, format: 'object' });
    writeFileSync(join(dir, 'keys.asc'), soft.privateKey.toPublic().armor());
    const softly = await against();
    expect(softly.stdout).toMatch(/key changed {7}post\.md: verified, certificate [0-9a-f]{16}… → [0-9a-f]{16}…/);
    expect(softly.code).toBe(1);
    const hard = await openpgp.revokeKey({ key: ada.privateKey, date: new Date('2025-01-01T00:00:00Z'), reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keyCompromised }, format: 'object' });
    writeFileSync(join(dir, 'keys.asc'), hard.privateKey.toPublic().armor());
    const hardly = await against();
    expect(hardly.stdout).toContain('changed verdict   post.md: verified → revoked-key');
    expect(hardly.code).toBe(1);
  });

  it('a key re-exported with only its newest self-signature: same verdict, key changed, exit 1', async () => {
    await baseline();
    writeFileSync(join(dir, 'keys.asc'), later.armor());
    const result = await against();
    expect(result.stdout).toMatch(/key changed {7}post\.md: verified/);
    expect(result.code).toBe(1);
  });

  it('a key replaced on the source: changed verdict, exit 1', async () => {
    await baseline();
    writeFileSync(join(dir, 'keys.asc'), (await createSigner('Ada <ada@example.org>')).armoredPublicKey);
    const result = await against();
    expect(result.stdout).toContain('changed verdict   post.md: verified → no-public-key');
    expect(result.code).toBe(1);
  });
});
