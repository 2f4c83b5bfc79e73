/**
 * Issue 20, a user's first day: errors where people look and exit codes a script can trust.
 * Every case runs the built CLI (npm run build first) as a user would.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/run-cli.js';

const KEYS = join(REPO, 'examples/keys');
const POST = join(REPO, 'examples/signed-post.md');

/** A folder with the genuine example, a copy with one signed word changed, and nothing else. */
function batch(): { dir: string; good: string; forged: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-first-day-'));
  const text = readFileSync(POST, 'utf8');
  const good = join(dir, 'good.md');
  const forged = join(dir, 'forged.md');
  writeFileSync(good, text);
  const changed = text.replace('SHA512\n\nI hereby commit', 'SHA512\n\nI hereby refuse');
  expect(changed).not.toBe(text);
  writeFileSync(forged, changed);
  return { dir, good, forged };
}

const verify = (...args: string[]) => runCli(['verify', '--offline', '--keyring', KEYS, ...args]);

describe('exit codes in a mixed batch', () => {
  it('a forged signature beside an unreadable file exits 1, not 2 (the forgery never hides behind an input error)', async () => {
    const { dir, forged } = batch();
    const result = await verify(forged, join(dir, 'nonexist.md'));
    expect(result.code).toBe(1);
  });

  it('control: an unreadable file beside a good one still exits 2', async () => {
    const { dir, good } = batch();
    const result = await verify(good, join(dir, 'nonexist.md'));
    expect(result.code).toBe(2);
  });
});

describe('errors go to stderr whatever the format', () => {
  it.each([['--json'], ['--format', 'junit'], ['--format', 'markdown'], ['--format', 'github']])('with %s: the unreadable file and a one-line verdict are on stderr, stdout holds only the format', async (...format) => {
    const { dir, good, forged } = batch();
    const result = await verify(...format, good, forged, join(dir, 'nonexist.md'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('nonexist.md: unreadable');
    expect(result.stderr).toMatch(/^pledge: 2 of 3 documents failed: 1 bad-signature, 1 unreadable$/m);
    if (format[0] === '--json') expect(() => JSON.parse(result.stdout)).not.toThrow();
    expect(result.stdout).not.toContain('documents failed');
  });

  it('-q silences the report and the closing verdict, never the error', async () => {
    const { dir, good } = batch();
    const result = await verify('--json', '-q', good, join(dir, 'nonexist.md'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nonexist.md: unreadable');
    expect(result.stderr).not.toContain('documents failed');
  });

  it('control: a passing run with --json prints nothing on stderr', async () => {
    const { good } = batch();
    const result = await verify('--json', good);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });
});

describe('ordinary mistakes in output paths are usage errors, checked before verifying', () => {
  it('--manifest into a folder that does not exist, or onto a folder: exit 2 naming the path, nothing verified', async () => {
    const { dir, good } = batch();
    for (const target of [join(dir, 'missing', 'signers.json'), dir]) {
      const result = await verify('--manifest', target, good);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--manifest ${target}`);
      expect(result.stderr).not.toContain('bug in pledge');
      expect(result.stdout).toBe('');
    }
  });

  it('--cache-dir on a regular file: exit 2 naming it', async () => {
    const { good } = batch();
    const result = await runCli(['verify', '--keyring', KEYS, '--cache-dir', good, good]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--cache-dir ${good}`);
  });

  it('pledge manifest -o into a missing folder: exit 2 naming it', async () => {
    const { dir } = batch();
    const target = join(dir, 'nowhere', 'signers.json');
    const result = await runCli(['manifest', '--offline', '-o', target], {}, join(REPO, 'examples/signers-repo'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--output ${target}`);
  });

  it('control: --manifest into an existing folder is written', async () => {
    const { dir, good } = batch();
    mkdirSync(join(dir, 'out'));
    const result = await verify('--manifest', join(dir, 'out', 'm.json'), good);
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'out', 'm.json'), 'utf8')).summary.verified).toBe(1);
  });
});

describe('a --keyring file with secret key material', () => {
  it('is used for its public part, with a warning naming the file; armored and binary; control: a public key gives no warning', async () => {
    const { createSigner, clearsign } = await import('../helpers/sign.js');
    const signer = await createSigner('Sam Secret <sam@example.org>');
    const dir = mkdtempSync(join(tmpdir(), 'pledge-secret-'));
    writeFileSync(join(dir, 'post.md'), `${await clearsign('I sign this.', [signer])}`);
    writeFileSync(join(dir, 'sam-secret.asc'), signer.privateKey.armor());
    writeFileSync(join(dir, 'sam-secret.gpg'), signer.privateKey.write());
    writeFileSync(join(dir, 'sam.asc'), signer.armoredPublicKey);
    for (const file of ['sam-secret.asc', 'sam-secret.gpg']) {
      const result = await runCli(['verify', '--offline', '--keyring', file, 'post.md'], {}, dir);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`--keyring ${file} holds a secret key: only its public part is used. Do not commit this file`);
    }
    const control = await runCli(['verify', '--offline', '--keyring', 'sam.asc', 'post.md'], {}, dir);
    expect(control.code).toBe(0);
    expect(control.stderr).toBe('');
  });

  it("pledge init's keys/.gitignore keeps secret-key exports out of git", async () => {
    const { spawnSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'pledge-init-secret-'));
    spawnSync('git', ['init', '-q', dir]);
    expect((await runCli(['init'], {}, dir)).code).toBe(0);
    for (const name of ['alice-secret.asc', 'private.asc', 'bob.sec', 'alice.asc']) writeFileSync(join(dir, 'keys', name), 'x');
    const ignored = spawnSync('git', ['check-ignore', 'keys/alice-secret.asc', 'keys/private.asc', 'keys/bob.sec', 'keys/alice.asc'], { cwd: dir, encoding: 'utf8' }).stdout.trim().split('\n');
    expect(ignored).toEqual(['keys/alice-secret.asc', 'keys/private.asc', 'keys/bob.sec']);
  });
});

describe('the JSON Schemas under Ajv strict mode with ajv-formats', () => {
  it('both compile with every strict check an error, and a manifest from the CLI validates', async () => {
    const { strictAjv, schemaAt, expectValidManifest } = await import('../helpers/manifest-schema.js');
    expect(() => strictAjv().compile(schemaAt('schema/pledge-config.schema.json'))).not.toThrow();
    const { good } = batch();
    const result = await verify('--json', good);
    expectValidManifest(JSON.parse(result.stdout));
  });

  it('control: formats are enforced now (a signature creation time that is not a date-time fails)', async () => {
    const { manifestIsValid } = await import('../helpers/manifest-schema.js');
    const { good } = batch();
    const manifest = JSON.parse((await verify('--json', good)).stdout);
    expect(manifestIsValid(manifest)).toBe(true);
    manifest.documents[0].blocks[0].signatures[0].created = 'yesterday';
    expect(manifestIsValid(manifest)).toBe(false);
  });
});

describe('help text', () => {
  it('has no (default: []) or (default: false) noise, each default once, and options grouped', async () => {
    for (const command of [['verify'], ['manifest'], ['inspect'], ['keys', 'fetch']]) {
      const help = (await runCli([...command, '--help'])).stdout;
      expect(help).not.toMatch(/\(default: (\[\]|false)\)/);
      for (const line of help.split('\n')) expect(line.match(/default/g)?.length ?? 0, line).toBeLessThanOrEqual(1);
    }
    const verifyHelp = (await runCli(['verify', '--help'])).stdout;
    for (const group of ['Input:', 'Keys:', 'Output:', 'Repository:', 'Limits:']) expect(verifyHelp).toContain(`\n${group}\n`);
  });

  it('sizes accept units: --max-document-bytes 1K refuses the 1.3 kB example by name, 10M reads it; a bad size is a usage error', async () => {
    const small = await verify('--json', '--max-document-bytes', '1K', POST);
    expect(small.code).toBe(2);
    expect(JSON.parse(small.stdout).documents[0].error.message).toContain('1024');
    expect((await verify('--max-document-bytes', '10M', POST)).code).toBe(0);
    const bad = await verify('--max-document-bytes', '10 potatoes', POST);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a size such as');
  });
});

describe('pledge keys', () => {
  const FPR = 'E36C640125086AE3DE94589CB8E24E869FE22E89';

  it('keys list names the cache folder, and says so when it is empty', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'pledge-empty-cache-'));
    const human = await runCli(['keys', 'list', '--cache-dir', cache]);
    expect(human.stdout).toBe(`no keys cached in ${cache}\n`);
    expect(JSON.parse((await runCli(['keys', 'list', '--json', '--cache-dir', cache])).stdout)).toEqual({ cacheDirectory: cache, keys: [] });
  });

  // They said "no keys cached in /etc/passwd" and "removed 0 cached keys", where verify says the path is no folder.
  it('keys list and keys clear refuse a --cache-dir that is a file (exit 2), and find none in one that does not exist', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pledge-file-cache-')), 'not-a-folder');
    writeFileSync(file, 'a file\n');
    for (const command of ['list', 'clear']) {
      const result = await runCli(['keys', command, '--cache-dir', file]);
      expect(result).toMatchObject({ code: 2, stdout: '', stderr: `pledge: --cache-dir ${file}: ${file} is not a folder\n` });
      expect(readFileSync(file, 'utf8')).toBe('a file\n');
    }
    const absent = join(tmpdir(), `pledge-absent-cache-${process.pid}`);
    expect(await runCli(['keys', 'list', '--cache-dir', absent])).toMatchObject({ code: 0, stdout: `no keys cached in ${absent}\n` });
    expect(existsSync(absent)).toBe(false);
  });

  it('keys fetch tells "not found" (exit 1) from "unreachable" (exit 3)', async () => {
    const { startServer } = await import('../helpers/http-server.js');
    const { vksHandler } = await import('../helpers/servers/vks.js');
    const cache = mkdtempSync(join(tmpdir(), 'pledge-fetch-cache-'));
    const empty = await startServer(vksHandler({ keys: [] }));
    try {
      const notFound = await runCli(['keys', 'fetch', FPR, '--sources', 'vks', '--vks-url', empty.origin, '--cache-dir', cache]);
      expect(notFound.code).toBe(1);
      expect(notFound.stderr).toContain('not found on vks');
    } finally {
      await empty.close();
    }
    // The same port, now closed: the connection is refused.
    const unreachable = await runCli(['keys', 'fetch', FPR, '--sources', 'vks', '--vks-url', empty.origin, '--cache-dir', cache, '--timeout', '2']);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(/vks could not be reached \(.+\): run again later/);
  });
});

describe('the manifest says what it means (issue 20 #10)', () => {
  it('each document has a verdict and the manifest a top-level ok; a document whose only signature failed is "failed", never just "signed"', async () => {
    const { dir, good, forged } = batch();
    writeFileSync(join(dir, 'plain.txt'), 'no signature here\n');
    const result = await verify('--json', good, forged, join(dir, 'plain.txt'), join(dir, 'nonexist.md'));
    const manifest = JSON.parse(result.stdout);
    expect(manifest.documents.map((document: { verdict: string }) => document.verdict)).toEqual(['verified', 'failed', 'not-signed', 'failed']);
    expect(manifest.documents[1].status).toBe('signed');
    expect(manifest.ok).toBe(false);
    const { expectValidManifest } = await import('../helpers/manifest-schema.js');
    expectValidManifest(manifest);
  });

  it('control: a passing run is ok, and ok is exactly exit code 0', async () => {
    const { good } = batch();
    const result = await verify('--json', good);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).ok).toBe(true);
  });

  it('a key that could not be fetched makes the document could-not-check, not failed', async () => {
    const { documentVerdict } = await import('../../src/report/manifest.js');
    const { good } = batch();
    const manifest = JSON.parse((await verify('--json', good)).stdout);
    const document = manifest.documents[0];
    document.blocks[0].signatures[0].status = 'key-unavailable';
    expect(documentVerdict(document)).toBe('could-not-check');
    document.blocks[0].signatures.push({ ...document.blocks[0].signatures[0], status: 'bad-signature' });
    expect(documentVerdict(document)).toBe('failed');
  });

  it('repository findings are counted in summary.findings, make the document failed, and its key is not listed as a signer', async () => {
    const { ManifestTotals } = await import('../../src/report/manifest.js');
    const { good } = batch();
    const manifest = JSON.parse((await verify('--json', good)).stdout);
    const clean = structuredClone(manifest.documents[0]);
    const replayed = { ...structuredClone(manifest.documents[0]), path: 'copy.md', findings: [{ code: 'replayed-signature', severity: 'error', message: 'copied' }] };
    const totals = new ManifestTotals();
    totals.add(replayed);
    expect(replayed.verdict).toBe('failed');
    expect(totals.summary.findings).toEqual({ 'replayed-signature': 1 });
    expect(totals.signerList()).toEqual([]);
    expect(totals.ok).toBe(false);
    totals.add(clean);
    expect(totals.signerList().map((signer) => signer.documents)).toEqual([[clean.path]]);
  });
});
