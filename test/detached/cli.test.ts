/**
 * Issue 14 item 4 for detached signatures: what works for cleartext works for them, on the
 * command line — every --format, `pledge inspect`, the reading thread and the workers, the
 * limits, key discovery from a server, progress — and `--signature FILE DOC` / `SIG DOC` as
 * `gpg --verify` takes them. The folder is made by openpgp.js, so this file needs no oracle.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/progress.js';
import { verifyDocuments } from '../../src/pipeline/run.js';
import type { Manifest, ManifestDocument } from '../../src/report/manifest.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { runCli } from '../helpers/run-cli.js';
import { keybaseHandler } from '../helpers/servers/keybase.js';
import { vksHandler } from '../helpers/servers/vks.js';
import { createSigner, type TestSigner } from '../helpers/sign.js';

const STATEMENT = 'We publish this canary every month.\n';
let dir: string;
let folder: string;
let keyring: string;
let alice: TestSigner;
let bob: TestSigner;
let vks: TestServer;

async function detach(signer: TestSigner | TestSigner[], data: string | Uint8Array, armored: boolean): Promise<string | Uint8Array> {
  const message = typeof data === 'string' ? await openpgp.createMessage({ text: data }) : await openpgp.createMessage({ binary: data });
  const options = { message, signingKeys: Array.isArray(signer) ? signer.map((s) => s.privateKey) : signer.privateKey, detached: true, date: new Date('2025-01-01T00:00:00Z') } as const;
  return armored ? openpgp.sign({ ...options, format: 'armored' }) : openpgp.sign({ ...options, format: 'binary' });
}

/**
 * A binary signature naming its issuer by key ID only (older PGP, some hardware tokens): openpgp.js
 * always adds the issuer fingerprint, so the key packet it signs with is seen without one.
 */
async function keyIDOnly(signer: TestSigner, data: Uint8Array): Promise<Uint8Array> {
  const literal = new openpgp.LiteralDataPacket() as unknown as { setBytes(bytes: Uint8Array, format: openpgp.enums.literal): void };
  literal.setBytes(data, openpgp.enums.literal.binary);
  const packet = new openpgp.SignaturePacket();
  packet.signatureType = openpgp.enums.signature.binary;
  packet.publicKeyAlgorithm = signer.privateKey.keyPacket.algorithm;
  packet.hashAlgorithm = openpgp.enums.hash.sha256;
  const withoutFingerprint = Object.create(signer.privateKey.keyPacket, { getFingerprintBytes: { value: () => null } });
  await (packet as unknown as { sign(key: unknown, data: unknown, date: Date, detached: boolean, config: unknown): Promise<void> }).sign(withoutFingerprint, literal, new Date('2025-01-01T00:00:00Z'), true, openpgp.config);
  const packets = new openpgp.PacketList<openpgp.SignaturePacket>();
  packets.push(packet);
  return new openpgp.Signature(packets).write() as Uint8Array;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pledge-detached-cli-'));
  folder = join(dir, 'canaries');
  mkdirSync(folder);
  alice = await createSigner('Alice <alice@example.org>');
  bob = await createSigner('Bob <bob@example.org>');
  const at = (name: string) => join(folder, name);
  writeFileSync(at('canary.txt'), STATEMENT);
  writeFileSync(at('canary.txt.sig.alice'), await detach(alice, STATEMENT, true));
  writeFileSync(at('canary.txt.sig.bob'), await detach(bob, Buffer.from(STATEMENT), false));
  writeFileSync(at('both.txt'), STATEMENT);
  writeFileSync(at('both.txt.sig'), await detach([alice, bob], Buffer.from(STATEMENT), false));
  writeFileSync(at('forged.txt'), 'We publish nothing.\n');
  copyFileSync(at('canary.txt.sig.alice'), at('forged.txt.asc'));
  writeFileSync(at('stray.sig'), await detach(alice, 'gone\n', true));
  keyring = join(dir, 'keys.asc');
  writeFileSync(keyring, alice.armoredPublicKey + bob.armoredPublicKey);
  vks = await startServer(vksHandler({ keys: [alice.armoredPublicKey, bob.armoredPublicKey] }));
});
afterAll(async () => vks?.close());

const offline = () => ['--offline', '--keyring', keyring];
const statuses = (document: ManifestDocument | undefined) => document?.blocks.map((block) => [block.signatureFile?.replace(`${folder}/`, ''), block.signatures.map((s) => s.status)]);
const byName = (manifest: Manifest, name: string) => manifest.documents.find((document) => document.path === join(folder, name));

async function verifyJSON(args: string[]): Promise<{ code: number | null; manifest: Manifest; stderr: string }> {
  const result = await runCli(['verify', '--json', ...args]);
  const manifest = JSON.parse(result.stdout) as Manifest;
  expectValidManifest(manifest);
  return { code: result.code, manifest, stderr: result.stderr };
}

describe('a folder of detached signatures through the CLI', () => {
  it('gives the same manifest on the reading thread, with workers and in-process, each document once', async () => {
    const reader = await verifyJSON([...offline(), '--jobs', '1', folder]);
    const workers = await verifyJSON([...offline(), '--jobs', '2', '--workers-after', '0', folder]);
    const inProcess = await verifyDocuments({ paths: [folder], keyrings: [keyring], version: reader.manifest.generator.version });
    expect(reader.manifest.documents.map((document) => document.path)).toEqual(['both.txt', 'canary.txt', 'forged.txt', 'stray.sig'].map((name) => join(folder, name)));
    expect(workers.manifest).toEqual(reader.manifest);
    expect(JSON.parse(JSON.stringify(inProcess))).toEqual(reader.manifest);
    expect(statuses(byName(reader.manifest, 'canary.txt'))).toEqual([
      ['canary.txt.sig.alice', ['verified']],
      ['canary.txt.sig.bob', ['verified']],
    ]);
    expect(statuses(byName(reader.manifest, 'both.txt'))).toEqual([['both.txt.sig', ['verified', 'verified']]]);
    expect(statuses(byName(reader.manifest, 'forged.txt'))).toEqual([['forged.txt.asc', ['bad-signature']]]);
    expect(byName(reader.manifest, 'stray.sig')).toMatchObject({ status: 'unreadable', error: { code: 'orphan-signature' } });
    expect(reader.code).toBe(1);
    expect(reader.manifest.signers.map((signer) => signer.primaryKeyFingerprint)).toEqual([alice.fingerprint, bob.fingerprint]);
  });

  it('lets --include choose the documents: a chosen document keeps the signature files beside it', async () => {
    const { manifest } = await verifyJSON([...offline(), '--include', 'canary.txt', folder]);
    expect(manifest.documents.map((document) => [document.path, document.detachedSignatures?.length])).toEqual([[join(folder, 'canary.txt'), 2]]);
  });

  it('names the signature file in every --format', async () => {
    const human = await runCli(['verify', ...offline(), folder]);
    expect(human.stdout).toContain(`detached signature ${join(folder, 'canary.txt.sig.bob')}`);
    expect(human.stdout).toContain(`unreadable: a detached signature with no document beside it`);
    const github = await runCli(['verify', ...offline(), '--format', 'github', folder]);
    expect(github.stdout).toContain(`::error file=${join(folder, 'forged.txt.asc')},title=pledge%3A bad-signature::`);
    expect(github.stdout).toContain(`::error file=${join(folder, 'stray.sig')},title=pledge%3A unreadable::`);
    const junit = await runCli(['verify', ...offline(), '--format', 'junit', folder]);
    expect(junit.stdout).toContain(`name="detached signature ${join(folder, 'forged.txt.asc')} · `);
    const markdown = await runCli(['verify', ...offline(), '--format', 'markdown', folder]);
    expect(markdown.stdout).toContain(`| ${join(folder, 'canary.txt')} | detached signature ${join(folder, 'canary.txt.sig.alice')} | Alice &lt;alice@example.org&gt; | ✅ verified |`);
    for (const result of [human, github, junit, markdown]) expect(result.code).toBe(1);
  });

  it('shows what a signature file claims with pledge inspect, verifying nothing', async () => {
    const result = await runCli(['inspect', '--json', join(folder, 'canary.txt')]);
    const { documents } = JSON.parse(result.stdout) as { documents: ManifestDocument[] };
    expect(documents[0]!.blocks.map((block) => block.signatures.map((signature) => [signature.issuerFingerprint, signature.signatureFile, 'status' in signature]))).toEqual([
      [[alice.fingerprint, join(folder, 'canary.txt.sig.alice'), false]],
      [[bob.fingerprint, join(folder, 'canary.txt.sig.bob'), false]],
    ]);
    const human = await runCli(['inspect', join(folder, 'canary.txt')]);
    expect(human.stdout).toContain(`detached signature ${join(folder, 'canary.txt.sig.alice')}`);
    expect(human.stdout).toContain('not verified (inspect does not verify)');
  });

  it('finds a signature file\'s key on a key server by its issuer fingerprint, like any other', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'pledge-detached-cache-'));
    const { code, manifest } = await verifyJSON(['--sources', 'vks', '--vks-url', vks.origin, '--cache-dir', cache, join(folder, 'canary.txt')]);
    expect(code).toBe(0);
    expect(manifest.documents[0]!.blocks.map((block) => block.signatures[0]!.keySource)).toEqual(['vks', 'vks']);
    expect(vks.requests.map((request) => request.path)).toEqual(expect.arrayContaining([`/vks/v1/by-fingerprint/${alice.fingerprint}`, `/vks/v1/by-fingerprint/${bob.fingerprint}`]));
  });

  it('finds the key of a signature that names only its issuer key ID, by that key ID', async () => {
    const keyIDDir = mkdtempSync(join(tmpdir(), 'pledge-detached-keyid-'));
    writeFileSync(join(keyIDDir, 'a.txt'), STATEMENT);
    writeFileSync(join(keyIDDir, 'a.txt.sig'), await keyIDOnly(alice, Buffer.from(STATEMENT)));
    const cache = mkdtempSync(join(tmpdir(), 'pledge-detached-cache-'));
    const { code, manifest } = await verifyJSON(['--sources', 'vks', '--vks-url', vks.origin, '--cache-dir', cache, join(keyIDDir, 'a.txt')]);
    const [signature] = manifest.documents[0]!.blocks[0]!.signatures;
    expect([code, signature!.issuerFingerprint, signature!.status, signature!.primaryKeyFingerprint]).toEqual([0, null, 'verified', alice.fingerprint]);
    expect(vks.requests.map((request) => request.path)).toContain(`/vks/v1/by-keyid/${alice.fingerprint.slice(-16)}`);
  });

  it("takes a Markdown post's front matter as the hint for its detached signature's key, as for a cleartext block", async () => {
    const keybase = await startServer(keybaseHandler({ users: [{ username: 'alice', armoredKeys: [alice.armoredPublicKey] }] }));
    try {
      const post = join(dir, 'post.md');
      const text = '---\ntitle: Our pledge\nkeybase: alice\n---\n\nI sign this post.\n';
      writeFileSync(post, text);
      writeFileSync(`${post}.asc`, await detach(alice, Buffer.from(text), true));
      const { code, manifest } = await verifyJSON(['--sources', 'keybase', '--keybase-url', keybase.origin, '--no-cache', post]);
      expect(code).toBe(0);
      expect(manifest.documents[0]!.blocks[0]!.signatures[0]!.keySource).toBe('keybase:alice');
      expect(keybase.requests.some((request) => request.query.get('usernames') === 'alice')).toBe(true);
    } finally {
      await keybase.close();
    }
  });

  it('holds signature files to the limits: --max-signatures and --max-document-bytes', async () => {
    const signatures = await verifyJSON([...offline(), '--max-signatures', '1', join(folder, 'both.txt')]);
    expect(signatures.manifest.documents[0]!.blocks[0]).toMatchObject({ status: 'malformed', form: 'detached', error: { code: 'input-too-large' } });
    const bytes = await verifyJSON([...offline(), '--max-document-bytes', '10', join(folder, 'canary.txt')]);
    expect(bytes.manifest.documents[0]).toMatchObject({ status: 'unreadable', error: { code: 'input-too-large' } });
    expect(signatures.code).toBe(1);
    expect(bytes.code).toBe(2); // an unreadable document, as for cleartext
  });
});

describe('a document and its signatures named on the command line', () => {
  it('takes --signature FILE DOC, repeatable, and only those signatures', async () => {
    const sigs = ['canary.txt.sig.bob', 'canary.txt.sig.alice'].map((name) => join(folder, name));
    const { code, manifest } = await verifyJSON([...offline(), '--signature', sigs[0]!, '--signature', sigs[1]!, join(folder, 'canary.txt')]);
    expect(code).toBe(0);
    expect(manifest.documents).toHaveLength(1);
    expect(manifest.documents[0]!.detachedSignatures).toEqual(sigs);
    // One signature given: the other file beside the document is not asked.
    const one = await verifyJSON([...offline(), '--signature', sigs[0]!, join(folder, 'canary.txt')]);
    expect(one.manifest.documents[0]!.detachedSignatures).toEqual([sigs[0]]);
  });

  it('takes SIG DOC when the first file is a detached signature, as gpg --verify does, and a signature file alone for its document', async () => {
    const paired = await verifyJSON([...offline(), join(folder, 'forged.txt.asc'), join(folder, 'canary.txt')]);
    expect(paired.manifest.documents.map((document) => [document.path, document.verdict])).toEqual([[join(folder, 'canary.txt'), 'verified']]);
    const alone = await verifyJSON([...offline(), join(folder, 'forged.txt.asc')]);
    expect(alone.manifest.documents.map((document) => [document.path, document.verdict])).toEqual([[join(folder, 'forged.txt'), 'failed']]);
    // Only the signature named, as gpg --verify checks only it: not the other files beside the document.
    const one = await verifyJSON([...offline(), join(folder, 'canary.txt.sig.bob')]);
    expect(one.manifest.documents.map((document) => [document.path, document.detachedSignatures])).toEqual([[join(folder, 'canary.txt'), [join(folder, 'canary.txt.sig.bob')]]]);
    // Two documents are two documents: the first is no signature.
    const two = await verifyJSON([...offline(), join(folder, 'canary.txt'), join(folder, 'forged.txt')]);
    expect(two.manifest.documents).toHaveLength(2);
  });

  it('refuses --signature with other than one document, or a file that is no signature, as a usage error naming it', async () => {
    const sig = join(folder, 'canary.txt.sig.alice');
    const two = await runCli(['verify', ...offline(), '--signature', sig, join(folder, 'canary.txt'), join(folder, 'both.txt')]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--signature needs exactly one document');
    const text = await runCli(['verify', ...offline(), '--signature', join(folder, 'forged.txt'), join(folder, 'canary.txt')]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain(`--signature ${join(folder, 'forged.txt')}: not a detached signature`);
    expect(text.stderr).not.toMatch(/\n\s+at /);
    const page = await runCli(['verify', ...offline(), '--signature', sig, 'https://example.org/canary.txt']);
    expect(page.code).toBe(2);
    expect(page.stderr).toContain('--signature needs a local document');
  });
});

describe('a FIFO named like a signature file', () => {
  it('is never opened waiting for a writer: the document beside it is judged without it', async () => {
    if (process.platform === 'win32') return;
    const fifoDir = mkdtempSync(join(tmpdir(), 'pledge-detached-fifo-'));
    writeFileSync(join(fifoDir, 'a.txt'), STATEMENT);
    execFileSync('mkfifo', [join(fifoDir, 'a.txt.sig')]);
    const manifest = await verifyDocuments({ paths: [fifoDir], keyrings: [keyring], version: 'test' });
    expect(manifest.documents.map((document) => [document.path, document.status])).toEqual([[join(fifoDir, 'a.txt'), 'not-signed']]);
  });
});

describe('progress over a folder of detached signatures', () => {
  it('counts a document with its signature files as the files the walk counted', () => {
    let written = '';
    const progress = new Progress({ write: (chunk: string) => ((written += chunk), true) } as unknown as NodeJS.WritableStream, () => 0);
    progress.setTotal(4);
    progress.document({ path: 'canary.txt', status: 'signed', error: null, blocks: [], detachedSignatures: ['a', 'b', 'c'] });
    expect(written).toContain('4/4 files');
  });
});
