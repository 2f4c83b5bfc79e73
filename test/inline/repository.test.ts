/**
 * Issue 14 for inline-signed messages in a signers repository: with --changed-since, a pull
 * request adding a signer file that holds an inline-signed message verifies that file (form
 * inline), and a pull request changing no signer file re-verifies nothing. Run through the built CLI.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/report/manifest.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { runCli } from '../helpers/run-cli.js';
import { createSigner, type TestSigner } from '../helpers/sign.js';

let alice: TestSigner;
let bob: TestSigner;
beforeAll(async () => {
  alice = await createSigner('Alice <alice@example.org>');
  bob = await createSigner('Bob <bob@example.org>');
});

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, stdio: 'ignore' });

/** A signer file: a heading, then the pledge as an inline-signed message (BEGIN PGP MESSAGE). */
async function signerFile(signer: TestSigner, text: string): Promise<string> {
  const message = await openpgp.createMessage({ text });
  const armored = await openpgp.sign({ message, signingKeys: signer.privateKey, date: new Date('2025-01-01T00:00:00Z'), format: 'armored' });
  return `# Pledge\n\n${armored}`;
}

/** A signers repository on main: alice's key and her signer file, an inline-signed message. */
async function repository(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-inline-repo-'));
  mkdirSync(join(dir, 'signers'));
  mkdirSync(join(dir, 'keys'));
  writeFileSync(join(dir, 'keys/alice.asc'), alice.armoredPublicKey);
  writeFileSync(join(dir, 'keys/bob.asc'), bob.armoredPublicKey);
  writeFileSync(join(dir, 'pledge.config.json'), JSON.stringify({ documents: ['signers/*.md'], keys: 'keys', sources: [] }));
  writeFileSync(join(dir, 'signers/alice.md'), await signerFile(alice, 'I, Alice, sign the pledge.\n'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'alice signs');
  git(dir, 'checkout', '-q', '-b', 'pull-request');
  return dir;
}

async function verifyChanged(dir: string): Promise<{ code: number | null; manifest: Manifest }> {
  const result = await runCli(['verify', '--offline', '--json', '--changed-since', 'main'], {}, dir);
  const manifest = JSON.parse(result.stdout) as Manifest;
  expectValidManifest(manifest);
  return { code: result.code, manifest };
}

describe('inline-signed messages in a signers repository (--changed-since)', () => {
  it('verifies the signer file a pull request adds, an inline message, and only it', async () => {
    const dir = await repository();
    writeFileSync(join(dir, 'signers/bob.md'), await signerFile(bob, 'I, Bob, sign the pledge.\n'));
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'bob signs');
    const { code, manifest } = await verifyChanged(dir);
    expect(manifest.documents.map((document) => [document.path, document.verdict, document.blocks.map((block) => [block.form, block.signatures[0]!.status])])).toEqual([['signers/bob.md', 'verified', [['inline', 'verified']]]]);
    expect(code).toBe(0);
  });

  it('fails the pull request whose added inline message was altered after signing', async () => {
    const dir = await repository();
    const armored = await signerFile(bob, 'I, Bob, sign the pledge of March.\n');
    const bytes = Buffer.from((await openpgp.unarmor(armored.slice(armored.indexOf('-----BEGIN')))).data as Uint8Array);
    bytes.write('April', bytes.indexOf('March'));
    writeFileSync(join(dir, 'signers/bob.md'), `# Pledge\n\n${openpgp.armor(openpgp.enums.armor.message, bytes)}`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'bob signs, altered');
    const { code, manifest } = await verifyChanged(dir);
    expect(manifest.documents.map((document) => [document.path, document.blocks.map((block) => [block.form, block.signatures[0]!.status])])).toEqual([['signers/bob.md', [['inline', 'bad-signature']]]]);
    expect(code).toBe(1);
  });

  it('control: a pull request that changes no signer file verifies nothing', async () => {
    const dir = await repository();
    writeFileSync(join(dir, 'README.md'), 'How to sign.\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'docs');
    const { code, manifest } = await verifyChanged(dir);
    expect([code, manifest.documents]).toEqual([0, []]);
  });
});
