import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/run-cli.js';

/**
 * `pledge sign` with the signers' own tools, in temporary homes: GnuPG with an empty-passphrase
 * key and loopback pinentry (no agent prompt), Sequoia with a key file. pledge never sees the secret key.
 */
let work: string;
let gnupg: string;
let fingerprint: string;
const gpg = (...args: string[]) => execFileSync('gpg', ['--batch', '--no-tty', ...args], { env: { ...process.env, GNUPGHOME: gnupg }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pledge-sign-'));
  gnupg = join(work, 'gnupg');
  mkdirSync(gnupg, { mode: 0o700 });
  writeFileSync(join(gnupg, 'gpg.conf'), 'pinentry-mode loopback\n');
  gpg('--passphrase', '', '--quick-gen-key', 'Grace Signer <grace@example.org>', 'ed25519', 'sign', 'never');
  fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys', 'grace@example.org'))![1]!;
});
afterAll(() => {
  execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupg } });
  rmSync(work, { recursive: true, force: true });
});

/** A git checkout of examples/signers-repo on main, with `pin` (an armored public key) committed as keys/new.asc. */
function repository(pin: string): string {
  const dir = mkdtempSync(join(work, 'repo-'));
  cpSync(join(REPO, 'examples/signers-repo'), dir, { recursive: true });
  if (pin) writeFileSync(join(dir, 'keys/new.asc'), pin);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'signers');
  git(dir, 'checkout', '-q', '-b', 'sign');
  return dir;
}

describe('pledge sign in a signers repository', () => {
  it('GnuPG: writes the signer file, checks it, and the repository CI run passes on it', async () => {
    const dir = repository(gpg('--armor', '--export', fingerprint));
    const signed = await runCli(['sign', '--name', 'Grace Signer', '--key', fingerprint, '--offline', '--field', 'organization=Example Ltd', '--text', 'I sign.'], { GNUPGHOME: gnupg }, dir);
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain('checked offline: good signature by ' + fingerprint);
    expect(signed.stdout).toContain('git add _signatures/grace-signer.md');
    const file = readFileSync(join(dir, '_signatures/grace-signer.md'), 'utf8');
    expect(file).toMatch(/^---\nname: Grace Signer\norganization: Example Ltd\n---\n\nI sign.\n\n```text\n-----BEGIN PGP SIGNED MESSAGE-----/);
    expect(file).toContain('\nI, Grace Signer, commit to the neveragain.tech pledge.\n-----BEGIN PGP SIGNATURE-----');
    // What CI does on the pull request.
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'sign');
    const ci = await runCli(['verify', '--offline', '--changed-since', 'main', '--format', 'github'], {}, dir);
    expect(ci.stderr + ci.stdout).toBe('');
    expect(ci.code).toBe(0);
  });

  it('Sequoia: signs with --signer-file and the file verifies under the repository policy', async () => {
    const key = join(work, 'sq.key.pgp');
    execFileSync('sq', ['key', 'generate', '--userid', 'Alan Signer <alan@example.org>', '--export', key], { stdio: 'ignore' });
    const dir = repository(execFileSync('sq', ['key', 'extract-cert', key], { encoding: 'utf8' }));
    const signed = await runCli(['sign', '--name', 'Alan Signer', '--signer-file', key, '--offline'], {}, dir);
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    expect(signed.stdout).toContain('signed with sq');
    const verified = await runCli(['verify', '--offline'], {}, dir);
    expect(verified.stdout).toMatch(/✓ verified {2}Alan Signer/);
  });

  it('control: without a terminal, a field the statement needs is a usage error, and nothing is written', async () => {
    const dir = repository(gpg('--armor', '--export', fingerprint));
    const result = await runCli(['sign', '--key', fingerprint, '--offline'], { GNUPGHOME: gnupg }, dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--name');
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('control: a key the repository does not pin verifies offline, and pledge says how to publish it', async () => {
    const dir = repository('');
    const result = await runCli(['sign', '--name', 'Grace Signer', '--key', fingerprint, '--offline'], { GNUPGHOME: gnupg }, dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`gpg --export --armor ${fingerprint} > keys/NAME.asc`);
    const ci = await runCli(['verify', '--offline', '_signatures/grace-signer.md', '--config', 'pledge.config.json'], {}, dir);
    expect(ci.code).not.toBe(0);
  });
});

describe('pledge sign FILE (no repository)', () => {
  it('signs the body in place: front matter outside, the block in a fence longer than any inside it', async () => {
    const file = join(work, 'post.md');
    writeFileSync(file, '---\ntitle: My pledge\n---\n\nI commit to this.\n\n```\ncode\n```\n');
    const result = await runCli(['sign', file, '--key', fingerprint], { GNUPGHOME: gnupg }, work);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^---\ntitle: My pledge\n---\n\n````text\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA\d+\n\nI commit to this\.\n\n```\ncode\n```\n-----BEGIN PGP SIGNATURE-----/);
    writeFileSync(join(work, 'grace.asc'), gpg('--armor', '--export', fingerprint));
    const check = await runCli(['verify', '--offline', '--json', '--keyring', join(work, 'grace.asc'), file], {}, work);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout).documents[0].blocks[0].signedText).toBe('I commit to this.\n\n```\ncode\n```');
    // Signing twice is refused: the document already holds a block.
    expect((await runCli(['sign', file, '--key', fingerprint], { GNUPGHOME: gnupg }, work)).code).toBe(2);
  });

  // It passed on gpg's own "clear-sign failed: No secret key", with no word on what to do.
  it('says when gpg holds no secret key (for --key), and how to make or name one; the file is left as it was', async () => {
    const file = join(work, 'unsigned.md');
    writeFileSync(file, 'I commit to this.\n');
    const empty = mkdtempSync(join(work, 'gnupg-empty-'));
    const none = await runCli(['sign', file], { GNUPGHOME: empty }, work);
    expect(none).toMatchObject({ code: 2, stderr: `pledge: gpg has no secret key to sign with (GNUPGHOME ${empty}): make one (gpg --quick-generate-key "Your Name <you@example.org>"), or name one with --key\n` });
    const unknown = await runCli(['sign', file, '--key', 'nobody@example.org'], { GNUPGHOME: gnupg }, work);
    expect(unknown).toMatchObject({ code: 2, stderr: `pledge: gpg has no secret key for --key nobody@example.org (GNUPGHOME ${gnupg}): name one that \`gpg --list-secret-keys\` lists\n` });
    expect(readFileSync(file, 'utf8')).toBe('I commit to this.\n');
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: empty } });
  });
});

describe('the signer instructions', () => {
  it('pledge init writes _signatures/README.md with no literal backslashes, pointing to pledge sign (the package pledge-verify)', async () => {
    const dir = mkdtempSync(join(work, 'init-'));
    expect((await runCli(['init'], {}, dir)).code).toBe(0);
    const readme = readFileSync(join(dir, '_signatures/README.md'), 'utf8');
    expect(readme).not.toContain('\\');
    expect(readme).toContain('npx pledge-verify sign --name');
    expect(readme).toContain('\n```text\n');
  });
});
