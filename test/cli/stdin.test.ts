/** Issue 17: `cat post.md | pledge verify -` and `-k -`, as gpgv and sqv read stdin. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';
import { runInProcess } from '../helpers/run-cli.js';

let dir: string;
let alice: TestSigner;
let keyFile: string;
let post: string;
let postText: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pledge-stdin-'));
  alice = await createSigner('Alice <alice@example.org>');
  keyFile = join(dir, 'alice.asc');
  await writeFile(keyFile, alice.armoredPublicKey);
  postText = `# Pledge\n\n${await clearsign('I read stdin.\n', [alice])}`;
  post = join(dir, 'post.md');
  await writeFile(post, postText);
});

describe('stdin as -', () => {
  it('verify - reads the document from stdin, named - in the manifest and the report', async () => {
    const json = await runInProcess(['verify', '--offline', '--no-cache', '--json', '-k', keyFile, '-'], { stdin: postText });
    expect(json.code).toBe(0);
    const manifest = JSON.parse(json.stdout);
    expect(manifest.documents).toHaveLength(1);
    expect(manifest.documents[0]).toMatchObject({ path: '-', status: 'signed' });
    expect(manifest.documents[0].blocks[0].signatures[0].status).toBe('verified');
    const human = await runInProcess(['verify', '--offline', '--no-cache', '-k', keyFile, '-'], { stdin: postText });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^- /m);
  });

  it('a tampered document on stdin fails as a file would', async () => {
    const tampered = postText.replace('I read stdin.', 'I read stdout.');
    const result = await runInProcess(['verify', '--offline', '--no-cache', '-k', keyFile, '-'], { stdin: tampered });
    expect(result.code).toBe(1);
    // With a machine format on stdout, stderr still carries the one-line verdict, unless --quiet.
    const json = await runInProcess(['verify', '--offline', '--no-cache', '--json', '-k', keyFile, '-'], { stdin: tampered });
    expect(json.stderr).toBe('pledge: 1 of 1 document failed: 1 bad-signature\n');
    const quiet = await runInProcess(['verify', '--offline', '--no-cache', '--json', '--quiet', '-k', keyFile, '-'], { stdin: tampered });
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(1);
  });

  it('-k - reads the keyring from stdin, named keyring:-', async () => {
    const result = await runInProcess(['verify', '--offline', '--no-cache', '--json', '-k', '-', post], { stdin: alice.armoredPublicKey });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).documents[0].blocks[0].signatures[0].keySource).toBe('keyring:-');
  });

  it('- as both the document and the keyring is a usage error', async () => {
    const result = await runInProcess(['verify', '--offline', '--no-cache', '-k', '-', '-'], { stdin: postText });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('stdin (-) can be the document or the keyring (-k -), not both');
  });

  it('a document on stdin over --max-document-bytes is refused', async () => {
    const result = await runInProcess(['verify', '--offline', '--no-cache', '--max-document-bytes', '100', '-k', keyFile, '-'], { stdin: postText });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the document from stdin is over the limit of 100 bytes');
  });
});
