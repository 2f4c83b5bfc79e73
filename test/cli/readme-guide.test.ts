import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/run-cli.js';

// Issue 20, acceptance: the README's maintainer's guide followed in fresh repositories, with the
// built CLI, real git and GnuPG keys in a temporary home. Every pledge command run here must be
// written in the guide (whitespace aside), so the guide cannot drift from what works.
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const GUIDE = README.slice(README.indexOf("### A maintainer's guide"), README.indexOf('### Publishing the signers page')).replace(/\s+/g, ' ');

let work: string;
let gnupg: string;
const gpg = (...args: string[]) => execFileSync('gpg', ['--batch', '--no-tty', ...args], { env: { ...process.env, GNUPGHOME: gnupg }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=Maintainer', '-c', 'user.email=m@example.org', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const commitAll = (dir: string, message: string) => {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', message);
};

/** A new key in the temporary GnuPG home; its fingerprint. */
function newKey(userID: string): string {
  gpg('--passphrase', '', '--quick-gen-key', userID, 'ed25519', 'sign', 'never');
  return /^fpr:+([0-9A-F]{40}):/m.exec(gpg('--with-colons', '--list-keys', userID))![1]!;
}

/** Runs `pledge …` as the guide writes it (FINGERPRINT standing for the key's), after checking the guide does. */
async function guide(cwd: string, command: string, fingerprint = '') {
  expect(GUIDE).toContain(`\`pledge ${command}`);
  const args = [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2]!).replace('FINGERPRINT', fingerprint));
  return runCli(args, { GNUPGHOME: gnupg }, cwd);
}

const errors = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('::error'));

let maintainer: string;
let clone: string;
let ada: string;
let grace: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pledge-guide-'));
  gnupg = join(work, 'gnupg');
  mkdirSync(gnupg, { mode: 0o700 });
  writeFileSync(join(gnupg, 'gpg.conf'), 'pinentry-mode loopback\n');
  ada = newKey('Ada Lovelace <ada@example.org>');
  grace = newKey('Grace Hopper <grace@example.org>');

  // 1. init, in a new git repository.
  maintainer = join(work, 'pledge');
  mkdirSync(maintainer);
  expect(GUIDE).toContain('`git init -b main`');
  git(maintainer, 'init', '-q', '-b', 'main');
  expect((await guide(maintainer, 'init --statement "I, {name}, commit to the neveragain.tech pledge."')).code).toBe(0);
  // 2. pin a key, and the first signer signs.
  expect(GUIDE).toContain('`gpg --armor --export FINGERPRINT > keys/ada.asc`');
  writeFileSync(join(maintainer, 'keys/ada.asc'), gpg('--armor', '--export', ada));
  const signed = await guide(maintainer, 'sign --name "Ada Lovelace" --key FINGERPRINT', ada);
  expect(signed.stderr).toBe('');
  expect(signed.code).toBe(0);
  // 3. commit, manifest, commit the manifest.
  commitAll(maintainer, 'pledge init, Ada');
  const manifest = await guide(maintainer, 'manifest');
  expect(manifest.code).toBe(0);
  git(maintainer, 'add', 'signers.json');
  git(maintainer, 'commit', '-qm', 'signers.json');
  // Clone elsewhere, as CI and every other maintainer do.
  clone = join(work, 'elsewhere', 'pledge');
  execFileSync('git', ['clone', '-q', maintainer, clone]);
}, 60_000);
afterAll(() => {
  execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupg } });
  rmSync(work, { recursive: true, force: true });
});

// The steps run in order and build on each other, as a maintainer's day does.
describe("the README's maintainer's guide, followed in a fresh clone (issue 20, acceptance)", () => {
  it('the manifest lists the pinned signer, asked no server, and names the key relative to the repository', () => {
    const manifest = JSON.parse(readFileSync(join(maintainer, 'signers.json'), 'utf8'));
    expect(manifest).toMatchObject({ ok: true, lookups: [] });
    expect(manifest.signers.map((s: { primaryKeyFingerprint: string }) => s.primaryKeyFingerprint)).toEqual([ada]);
    expect(JSON.stringify(manifest)).not.toContain(work);
  });

  it('the clone passes --check-manifest', async () => {
    const checked = await guide(clone, 'verify --check-manifest signers.json');
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });

  it('a docs-only pull request passes, saying no signer file changed', async () => {
    git(clone, 'checkout', '-q', '-b', 'docs', 'origin/main');
    writeFileSync(join(clone, 'README.md'), '# Our pledge\n');
    commitAll(clone, 'docs');
    const ci = await guide(clone, 'verify --format github --changed-since origin/main');
    expect(ci).toMatchObject({ code: 0, stdout: '', stderr: 'pledge: no signer files changed since origin/main\n' });
  });

  it("a new signer's pull request passes, once the maintainer pinned the key on main", async () => {
    writeFileSync(join(maintainer, 'keys/grace.asc'), gpg('--armor', '--export', grace));
    commitAll(maintainer, 'pin Grace');
    git(clone, 'fetch', '-q');
    git(clone, 'checkout', '-q', '-b', 'grace', 'origin/main');
    const signed = await runCli(['sign', '--name', 'Grace Hopper', '--key', grace], { GNUPGHOME: gnupg }, clone);
    expect(signed.code).toBe(0);
    commitAll(clone, 'Grace signs');
    const ci = await guide(clone, 'verify --format github --changed-since origin/main');
    expect(ci.stdout).toBe('');
    expect(ci.code).toBe(0);
  });

  it('an edited signer file fails with exactly one annotation, on that file', async () => {
    git(clone, 'checkout', '-q', '-b', 'edit', 'origin/main');
    appendFileSync(join(clone, '_signatures/ada-lovelace.md'), '\nAn afterthought.\n');
    commitAll(clone, 'edit Ada');
    const ci = await guide(clone, 'verify --format github --changed-since origin/main');
    expect(ci.code).toBe(1);
    expect(errors(ci.stdout)).toHaveLength(1);
    expect(errors(ci.stdout)[0]).toMatch(/^::error file=_signatures\/ada-lovelace\.md,.*modified-signer-file/);
  });
});
