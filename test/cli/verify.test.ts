import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';
import { runCli, REPO } from '../helpers/run-cli.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';

const SEED = join(REPO, 'fixtures/seeds/keybase-signed-post.md');

let dir: string;
let alice: TestSigner;
let keyFile: string;
let signedPost: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pledge-cli-'));
  alice = await createSigner('Alice <alice@example.org>');
  keyFile = join(dir, 'alice.asc');
  await writeFile(keyFile, alice.armoredPublicKey);
  signedPost = join(dir, 'post.md');
  const block = await clearsign('I hereby commit to the pledge.\n', [alice]);
  await writeFile(signedPost, `---\ntitle: pledge\n---\n\n\`\`\`text\n${block}\`\`\`\n`);
});

describe('pledge verify', () => {
  describe('when the seed post is verified offline without its key', () => {
    it('reports the block at lines 31–46, the exact sentence and no-public-key with a hint naming Keybase', async () => {
      const human = await runCli(['verify', '--offline', SEED]);
      expect(human.code).toBe(1);
      expect(human.stdout).toContain('lines 31–46');
      expect(human.stdout).toContain('no-public-key');
      expect(human.stdout).toMatch(/Keybase/);
      const json = await runCli(['verify', '--offline', '--json', SEED]);
      const manifest = JSON.parse(json.stdout);
      const block = manifest.documents[0].blocks[0];
      expect(block).toMatchObject({ startLine: 31, endLine: 46, status: 'ok', hashAlgorithm: 'SHA512' });
      expect(block.signedText).toBe('I hereby commit to the neveragain.tech pledge. Please stand with me and hold me to it.');
      expect(block.signatures).toMatchObject([{ status: 'no-public-key', issuerKeyID: '936A4EC5C21C369F', created: '2016-12-20T20:00:57Z', reason: { code: 'key-not-found' } }]);
      expect(manifest.signers).toEqual([]);
    });
  });

  describe('when a post is signed by a key in --keyring', () => {
    it('exits 0 and the --json manifest validates against the committed JSON Schema', async () => {
      const result = await runCli(['verify', '--offline', '--json', '--keyring', keyFile, signedPost]);
      expect(result.code).toBe(0);
      const manifest = JSON.parse(result.stdout);
      expectValidManifest(manifest);
      expect(manifest.summary).toMatchObject({ documents: 1, blocks: 1, signatures: 1, verified: 1, failed: 0 });
      expect(manifest.signers).toEqual([{ primaryKeyFingerprint: alice.fingerprint, userIDs: ['Alice <alice@example.org>'], documents: [signedPost] }]);
      expect(manifest.documents[0].blocks[0].signatures[0]).toMatchObject({
        status: 'verified',
        primaryKeyFingerprint: alice.fingerprint,
        keySource: `keyring:${basename(keyFile)}`, // outside the working directory: its name alone, never an absolute path
        warnings: [],
        reason: null,
      });
    });

    it('writes --manifest atomically and prints the human report with no colour when NO_COLOR is set', async () => {
      const manifestFile = join(dir, 'manifest.json');
      const result = await runCli(['verify', '--offline', '--manifest', manifestFile, '--keyring', keyFile, signedPost]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('✓ verified  Alice <alice@example.org>');
      expect(result.stdout).not.toContain('\u001b[');
      expect(JSON.parse(await readFile(manifestFile, 'utf8')).summary.verified).toBe(1);
      expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    });
  });

  describe('when --keyring is a binary file holding several keys', () => {
    it('reads every key in it', async () => {
      const bob = await createSigner('Bob <bob@example.org>');
      const binary = join(dir, 'both.gpg');
      const keys = await Promise.all([alice, bob].map(async (signer) => (await readKey({ armoredKey: signer.armoredPublicKey })).write()));
      await writeFile(binary, Buffer.concat(keys));
      const bobPost = join(dir, 'bob.txt');
      await writeFile(bobPost, await clearsign('Bob agrees.\n', [bob]));
      const result = await runCli(['verify', '--offline', '--json', '--keyring', binary, signedPost, bobPost]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout).signers.map((s: { primaryKeyFingerprint: string }) => s.primaryKeyFingerprint)).toEqual([alice.fingerprint, bob.fingerprint]);
    });
  });

  describe('when the signed text was changed', () => {
    it('exits 1 with bad-signature and a signer list without the key', async () => {
      const tampered = join(dir, 'tampered.md');
      await writeFile(tampered, (await readFile(signedPost, 'utf8')).replace('the pledge', 'the p1edge'));
      const result = await runCli(['verify', '--json', '--offline', '--keyring', keyFile, tampered]);
      expect(result.code).toBe(1);
      const manifest = JSON.parse(result.stdout);
      expect(manifest.documents[0].blocks[0].signatures[0]).toMatchObject({ status: 'bad-signature', reason: { code: 'signature-mismatch' } });
      expect(manifest.signers).toEqual([]);
    });
  });

  describe('exit codes for user mistakes', () => {
    it('exits 2 with no stack trace for a missing document', async () => {
      const result = await runCli(['verify', '--offline', join(dir, 'missing.md')]);
      expect(result.code).toBe(2);
      expect(result.stdout).toContain('unreadable: no such file');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
    it('exits 2 for a missing --keyring and for an unknown option', async () => {
      const keyring = await runCli(['verify', '--keyring', join(dir, 'nope.asc'), signedPost]);
      expect(keyring.code).toBe(2);
      expect(keyring.stderr).toContain('nope.asc: no such file or directory');
      expect((await runCli(['verify', '--bogus', signedPost])).code).toBe(2);
    });
    it('exits 1 for a document with no signed block (never 0 with nothing verified)', async () => {
      const plain = join(dir, 'plain.md');
      await writeFile(plain, '# nothing signed\n');
      const result = await runCli(['verify', '--offline', plain]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('not signed');
    });
    it('prints --version and --help with examples and exit codes, exit 0', async () => {
      const version = await runCli(['--version']);
      expect(version.code).toBe(0);
      expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
      const help = await runCli(['verify', '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Examples:');
      expect(help.stdout).toContain('Exit codes:');
    });
  });
});

describe('pledge inspect', () => {
  it('shows the seed block, its issuer, hash, creation time and the exact text, verifying nothing', async () => {
    const result = await runCli(['inspect', SEED]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('lines 31–46');
    expect(result.stdout).toContain('936A4EC5C21C369F');
    expect(result.stdout).toContain('SHA512');
    expect(result.stdout).toContain('2016-12-20T20:00:57Z');
    expect(result.stdout).toContain('│ I hereby commit to the neveragain.tech pledge. Please stand with me and hold me to it.');
    const json = JSON.parse((await runCli(['inspect', '--json', SEED])).stdout);
    expect(json.documents[0].blocks[0].signatures[0]).toEqual({
      issuerKeyID: '936A4EC5C21C369F',
      issuerFingerprint: null,
      created: '2016-12-20T20:00:57Z',
      hashAlgorithm: 'SHA512',
      publicKeyAlgorithm: 'RSA',
      signatureSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});
