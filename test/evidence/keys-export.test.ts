import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';

/** `pledge keys export`: the keys a manifest used, minimal, and only the certificates it recorded. */
let dir: string;
let ada: TestSigner;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pledge-export-'));
  ada = await createSigner('Ada <ada@example.org>');
  const friend = await createSigner('Friend <friend@example.org>');
  // Ada's certificate as a keyserver might serve it: a friend's certification on her user ID.
  const certified = await ada.privateKey.toPublic().signAllUsers([friend.privateKey]);
  writeFileSync(join(dir, 'ada.asc'), certified.armor());
  writeFileSync(join(dir, 'post.md'), `# Pledge\n\n${await clearsign('I commit.', [ada])}`);
  const revoked = await openpgp.revokeKey({ key: ada.privateKey, date: new Date('2025-01-01T00:00:00Z'), reasonForRevocation: { flag: openpgp.enums.reasonForRevocation.keyRetired }, format: 'object' });
  writeFileSync(join(dir, 'ada-revoked.asc'), revoked.privateKey.toPublic().armor());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pledge keys export --manifest', () => {
  it('writes FINGERPRINT.asc without third-party certifications or unused subkeys, and it re-verifies the manifest', async () => {
    const verified = await runCli(['verify', '--offline', '--no-cache', '--keyring', join(dir, 'ada.asc'), '--manifest', join(dir, 'm.json'), join(dir, 'post.md')], {}, dir);
    expect(verified.code).toBe(0);
    const exported = await runCli(['keys', 'export', '--no-cache', '--manifest', 'm.json', '-o', 'keys', '--keyring', 'ada.asc'], {}, dir);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const file = join(dir, 'keys', `${ada.fingerprint}.asc`);
    const original = await openpgp.readKey({ armoredKey: readFileSync(join(dir, 'ada.asc'), 'utf8') });
    const minimal = await openpgp.readKey({ armoredKey: readFileSync(file, 'utf8') });
    expect(original.users[0]!.otherCertifications.length).toBe(1);
    expect(minimal.users[0]!.otherCertifications.length).toBe(0);
    expect(original.subkeys.length).toBe(1); // the encryption subkey, which signed nothing
    expect(minimal.subkeys.length).toBe(0);
    expect(minimal.users[0]!.selfCertifications.length).toBe(original.users[0]!.selfCertifications.length);
    const again = await runCli(['verify', '--offline', '--no-cache', '--keyring', file, join(dir, 'post.md')], {}, dir);
    expect(again.code).toBe(0);
  });

  it('control: a certificate that is not the one the manifest recorded (a new revocation) is reported, not exported', async () => {
    await runCli(['verify', '--offline', '--no-cache', '--keyring', join(dir, 'ada.asc'), '--manifest', join(dir, 'm2.json'), join(dir, 'post.md')], {}, dir);
    const exported = await runCli(['keys', 'export', '--no-cache', '--manifest', 'm2.json', '-o', 'keys2', '--keyring', 'ada-revoked.asc'], {}, dir);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain('changed');
    expect(existsSync(join(dir, 'keys2', `${ada.fingerprint}.asc`))).toBe(false);
  });
});
