/** Issue 17: the library as the README's "Library" section shows it: verifyText over a string or Buffer, renderers, version optional. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as pledge from '../../src/index.js';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';

let alice: TestSigner;
let signed: string;
let keyFile: string;
const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

beforeAll(async () => {
  alice = await createSigner('Alice <alice@example.org>');
  signed = `---\ntitle: In memory\n---\n\n${await clearsign('Held in memory.\n', [alice])}`;
  keyFile = join(await mkdtemp(join(tmpdir(), 'pledge-lib-')), 'alice.asc');
  await writeFile(keyFile, alice.armoredPublicKey);
});

describe('verifyText', () => {
  it('verifies a string with a key file, naming the generator by this package when no version is given', async () => {
    const manifest = await pledge.verifyText(signed, { keyrings: [keyFile], name: 'post.md' });
    expect(manifest.ok).toBe(true);
    expect(manifest.generator).toEqual({ name: 'pledge', version });
    expect(manifest.documents[0]).toMatchObject({ path: 'post.md', status: 'signed' });
    expect(manifest.documents[0]!.blocks[0]!.signatures[0]).toMatchObject({ status: 'verified', primaryKeyFingerprint: alice.fingerprint });
  });

  it('verifies a Buffer with a key given as bytes; the default name is -', async () => {
    const manifest = await pledge.verifyText(Buffer.from(signed), { keyrings: [{ name: 'alice.asc', bytes: Buffer.from(alice.armoredPublicKey) }], version: '9.9.9' });
    expect(manifest.ok).toBe(true);
    expect(manifest.generator.version).toBe('9.9.9');
    expect(manifest.documents[0]!.path).toBe('-');
  });

  it('a changed text is not verified, and no key is no-public-key (no network without discovery)', async () => {
    const changed = await pledge.verifyText(signed.replace('Held', 'Kept'), { keyrings: [keyFile] });
    expect(changed.ok).toBe(false);
    expect(changed.documents[0]!.blocks[0]!.signatures[0]!.status).toBe('bad-signature');
    const keyless = await pledge.verifyText(signed);
    expect(keyless.documents[0]!.blocks[0]!.signatures[0]!.status).toBe('no-public-key');
  });

  it('bytes over the document limit are refused as a file would be', async () => {
    const manifest = await pledge.verifyText(signed, { limits: { maxDocumentBytes: 64 } });
    expect(manifest.documents[0]).toMatchObject({ status: 'unreadable', error: { code: 'input-too-large' } });
  });
});

describe('the renderers', () => {
  it('are exported and render one manifest in each format, the human report without colour by default', async () => {
    const manifest = await pledge.verifyText(signed, { keyrings: [keyFile], name: 'post.md' });
    expect(pledge.renderHuman(manifest)).toContain('1 verified');
    expect(pledge.renderHuman(manifest)).not.toContain('\u001b[');
    expect(pledge.renderMarkdown(manifest)).toContain('post.md');
    expect(pledge.renderJunit(manifest)).toContain('<testsuites');
    expect(pledge.renderGithub(manifest)).toBe('');
    expect(pledge.renderGithubStepSummary(manifest)).toContain('post.md');
    expect(pledge.renderSite(manifest)).toContain('<!doctype html>');
  });

  it('verifyDocuments takes no version either', async () => {
    const manifest = await pledge.verifyDocuments({ paths: [keyFile], keyrings: [] });
    expect(manifest.generator.version).toBe(version);
  });
});
