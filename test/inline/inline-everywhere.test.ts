/**
 * Issue 14 item 4 for inline-signed messages: what works for cleartext works for them too:
 * every --format, `pledge inspect`, key discovery by the issuer fingerprint, the reading thread
 * and the workers, the limits, and replay detection across files. Run through the built CLI.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDocuments } from '../../src/pipeline/run.js';
import { checkRepository } from '../../src/repo/repository-checks.js';
import type { Manifest } from '../../src/report/manifest.js';
import { createSigner, type TestSigner } from '../helpers/sign.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { runCli } from '../helpers/run-cli.js';
import { startServer } from '../helpers/http-server.js';
import { vksHandler } from '../helpers/servers/vks.js';
import { scratch } from '../verify/key-history/tools.js';

const TEXT = 'I back the canary of March.\n';

let dir: string;
let alice: TestSigner;
let keyring: string;
let good: string;
let bad: string;

async function inline(text: string, signer: TestSigner, filename = 'canary.txt'): Promise<string> {
  const message = await openpgp.createMessage({ text, filename });
  return openpgp.sign({ message, signingKeys: signer.privateKey, date: new Date('2024-06-01T00:00:00Z'), format: 'armored' }) as Promise<string>;
}

beforeAll(async () => {
  dir = scratch('pledge-inline-cli-');
  alice = await createSigner('Alice <alice@example.org>');
  keyring = join(dir, 'alice.asc');
  writeFileSync(keyring, alice.armoredPublicKey);
  mkdirSync(join(dir, 'docs'));
  good = join(dir, 'docs', 'good.md');
  writeFileSync(good, `# Canary\n\n${await inline(TEXT, alice)}`);
  // Another signature's message, its literal data changed: the mathematics fails.
  const bytes = Buffer.from((await openpgp.unarmor(await inline(TEXT, alice))).data as Uint8Array);
  bytes.write('April', bytes.indexOf('March'));
  bad = join(dir, 'docs', 'bad.md');
  writeFileSync(bad, `# Canary\n\n${openpgp.armor(openpgp.enums.armor.message, bytes)}`);
});

const verify = (args: string[]) => runCli(['verify', '--offline', '--no-cache', '--keyring', keyring, ...args]);

describe('inline messages in every format', () => {
  it('human: the message, its signed text and each verdict; exit 1 for the bad one', async () => {
    const result = await verify([good, bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('inline-signed message, lines 3–');
    expect(result.stdout).toContain('│ I back the canary of March.');
    expect(result.stdout).toMatch(/✓ verified {2}Alice <alice@example.org>/);
    expect(result.stdout).toMatch(/✗ bad-signature/);
    expect(result.stdout).not.toContain('canary.txt');
  });

  it('json: form inline, valid against the schema, the literal file name nowhere', async () => {
    const result = await verify(['--json', good, bad]);
    const manifest = JSON.parse(result.stdout) as Manifest;
    expectValidManifest(manifest);
    expect(manifest.documents.map((d) => [d.verdict, d.blocks[0]!.form, d.blocks[0]!.signatures[0]!.status])).toEqual([
      ['verified', 'inline', 'verified'],
      ['failed', 'inline', 'bad-signature'],
    ]);
    expect(result.stdout).not.toContain('canary.txt');
  });

  it('github, junit and markdown: the bad message is an error at its line, the good one passes', async () => {
    const github = await verify(['--format', 'github', good, bad]);
    expect(github.stdout).toMatch(/::error file=[^,]*bad\.md,line=3,[^:]*title=pledge%3A bad-signature::/);
    expect(github.stdout).not.toMatch(/::error file=[^,]*good\.md/);
    const junit = await verify(['--format', 'junit', good, bad]);
    expect(junit.stdout).toMatch(/<failure[^>]*type="bad-signature"/);
    expect(junit.stdout.match(/<failure/g)).toHaveLength(1);
    const markdown = await verify(['--format', 'markdown', good, bad]);
    expect(markdown.stdout).toContain('bad-signature');
    expect(markdown.stdout).toContain('good.md');
  });

  it('on worker threads, the same verdicts as on the main thread', async () => {
    const main = JSON.parse((await verify(['--json', '--jobs', '1', join(dir, 'docs')])).stdout) as Manifest;
    const workers = JSON.parse((await verify(['--json', '--jobs', '2', '--workers-after', '0', join(dir, 'docs')])).stdout) as Manifest;
    const verdicts = (manifest: Manifest) => manifest.documents.map((d) => [d.path.split('/').pop(), d.blocks[0]!.form, d.blocks[0]!.signatures.map((s) => s.status)]);
    expect(verdicts(workers)).toEqual(verdicts(main));
    expect(verdicts(main)).toEqual([
      ['bad.md', 'inline', ['bad-signature']],
      ['good.md', 'inline', ['verified']],
    ]);
  });

  it('honours the limits: a message over --max-block-chars is refused before it is read', async () => {
    const result = await verify(['--json', '--max-block-chars', '200', good]);
    expect((JSON.parse(result.stdout) as Manifest).documents[0]!.blocks[0]!.error?.code).toBe('input-too-large');
  });
});

describe('pledge inspect on an inline message', () => {
  it('shows the literal data and what the signature claims, never the file name, verifying nothing', async () => {
    const human = await runCli(['inspect', good]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('inline-signed message');
    expect(human.stdout).toContain(`issuer fingerprint`);
    expect(human.stdout).toContain('I back the canary of March.');
    expect(human.stdout).not.toContain('canary.txt');
    const json = JSON.parse((await runCli(['inspect', '--json', bad])).stdout) as { documents: Manifest['documents'] };
    expect(json.documents[0]!.blocks[0]).toMatchObject({ form: 'inline', signedText: TEXT.replace('March', 'April'), signatures: [{ issuerFingerprint: alice.fingerprint }] });
  });
});

describe('key discovery for an inline message', () => {
  it('looks the issuer fingerprint up like any other (keys.openpgp.org imitation on 127.0.0.1)', async () => {
    const server = await startServer(vksHandler({ keys: [alice.armoredPublicKey] }));
    try {
      const host = new URL(server.origin).host;
      const result = await runCli(['verify', '--json', '--no-cache', '--sources', 'vks', '--vks-url', server.origin, '--allow-host', host, good]);
      const manifest = JSON.parse(result.stdout) as Manifest;
      expect(manifest.documents[0]!.blocks[0]!.signatures[0]).toMatchObject({ status: 'verified', primaryKeyFingerprint: alice.fingerprint, keySource: expect.stringContaining('vks') });
      expect(server.requests.map((request) => request.path)).toContain(`/vks/v1/by-fingerprint/${alice.fingerprint}`);
    } finally {
      await server.close();
    }
  });
});

describe('replay detection for inline messages', () => {
  it('the same inline signature in two signer files is a replay; a new one is not', async () => {
    mkdirSync(join(dir, 'signers'));
    const message = await inline(TEXT, alice);
    writeFileSync(join(dir, 'signers', 'a.md'), message);
    writeFileSync(join(dir, 'signers', 'b.md'), `Copied:\n\n${message}`);
    const manifest = await verifyDocuments({ paths: [join(dir, 'signers')], keyrings: [keyring], version: 'test' });
    checkRepository(manifest.documents, { documents: ['signers/*.md'] }, null, null);
    expect(manifest.documents.map((d) => d.findings?.map((f) => f.code) ?? [])).toEqual([[], ['replayed-signature']]);
  });
});
