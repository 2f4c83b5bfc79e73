/**
 * Issue 14 item 4 in a signers repository: a detached signature is checked across files like
 * any other (copied beside another document, it is a replay), and in a pull request a changed
 * signature file re-verifies the document it signs.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/report/manifest.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { runCli } from '../helpers/run-cli.js';
import { createSigner, type TestSigner } from '../helpers/sign.js';

let alice: TestSigner;
beforeAll(async () => {
  alice = await createSigner('Alice <alice@example.org>');
});

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, stdio: 'ignore' });

async function detach(text: string): Promise<string> {
  return openpgp.sign({ message: await openpgp.createMessage({ text }), signingKeys: alice.privateKey, detached: true, format: 'armored', date: new Date('2025-01-01T00:00:00Z') });
}

/** A repository of statements, each with alice's detached signature beside it, committed on main. */
async function repository(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-detached-repo-'));
  mkdirSync(join(dir, 'statements'));
  mkdirSync(join(dir, 'keys'));
  writeFileSync(join(dir, 'keys/alice.asc'), alice.armoredPublicKey);
  // One signer signs every statement here: a canary collection, not one-signer-one-file.
  writeFileSync(join(dir, 'pledge.config.json'), JSON.stringify({ documents: ['statements/*'], keys: 'keys', sources: [], duplicateSigner: 'off', replayedSignature: 'error' }));
  for (const name of ['canary-1.txt', 'canary-2.txt']) {
    const text = `Canary ${name}: no secret orders.\n`;
    writeFileSync(join(dir, 'statements', name), text);
    writeFileSync(join(dir, 'statements', `${name}.sig`), await detach(text));
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'statements');
  return dir;
}

async function verify(dir: string, args: string[] = []): Promise<{ code: number | null; manifest: Manifest }> {
  const result = await runCli(['verify', '--offline', '--json', ...args], {}, dir);
  const manifest = JSON.parse(result.stdout) as Manifest;
  expectValidManifest(manifest);
  return { code: result.code, manifest };
}

describe('detached signatures in a signers repository', () => {
  it('verifies each statement with its signature file, the signature files listed under it, not as documents', async () => {
    const { code, manifest } = await verify(await repository());
    expect(code).toBe(0);
    expect(manifest.documents.map((document) => [document.path, document.detachedSignatures, document.verdict])).toEqual([
      ['statements/canary-1.txt', ['statements/canary-1.txt.sig'], 'verified'],
      ['statements/canary-2.txt', ['statements/canary-2.txt.sig'], 'verified'],
    ]);
  });

  it('finds a signature copied beside another document with the same text a replay, and beside a different text a bad signature', async () => {
    const dir = await repository();
    const at = (name: string) => join(dir, 'statements', name);
    copyFileSync(at('canary-1.txt'), at('canary-3.txt'));
    copyFileSync(at('canary-1.txt.sig'), at('canary-3.txt.sig'));
    writeFileSync(at('canary-4.txt'), 'Canary 4: we were served.\n');
    copyFileSync(at('canary-1.txt.sig'), at('canary-4.txt.sig'));
    const { code, manifest } = await verify(dir);
    expect(code).toBe(1);
    const copy = manifest.documents.find((document) => document.path === 'statements/canary-3.txt')!;
    expect(copy.blocks[0]!.signatures[0]!.status).toBe('verified');
    expect(copy.findings).toEqual([expect.objectContaining({ code: 'replayed-signature', severity: 'error', message: expect.stringContaining('statements/canary-1.txt') })]);
    expect(copy.verdict).toBe('failed');
    const moved = manifest.documents.find((document) => document.path === 'statements/canary-4.txt')!;
    expect(moved.blocks[0]!.signatures[0]!.status).toBe('bad-signature');
  });

  it('re-verifies a document whose signature file alone a pull request changed (--changed-since)', async () => {
    const dir = await repository();
    git(dir, 'checkout', '-q', '-b', 'pull-request');
    writeFileSync(join(dir, 'statements/canary-2.txt.sig'), await detach('Canary canary-2.txt: we were served.\n'));
    // Both a statement and its signature changed: the statement is verified once.
    writeFileSync(join(dir, 'statements/canary-1.txt'), 'Canary 1, reworded.\n');
    writeFileSync(join(dir, 'statements/canary-1.txt.sig'), await detach('Canary 1, reworded.\n'));
    git(dir, 'commit', '-qam', 'replace a signature');
    const { code, manifest } = await verify(dir, ['--changed-since', 'main']);
    expect(manifest.documents.map((document) => [document.path, document.blocks.map((block) => block.signatures[0]!.status)])).toEqual([
      ['statements/canary-1.txt', ['verified']],
      ['statements/canary-2.txt', ['bad-signature']],
    ]);
    expect(code).toBe(1);
  });

  it('control: a pull request that changes no statement and no signature file verifies nothing', async () => {
    const dir = await repository();
    git(dir, 'checkout', '-q', '-b', 'pull-request');
    writeFileSync(join(dir, 'README.md'), 'How to sign.\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'docs');
    const { code, manifest } = await verify(dir, ['--changed-since', 'main']);
    expect([code, manifest.documents]).toEqual([0, []]);
  });
});
