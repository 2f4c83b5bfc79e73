import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { REPO, runCli } from '../helpers/run-cli.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { githubHandler } from '../helpers/servers/github.js';
import { keybaseHandler, type KeybaseUser } from '../helpers/servers/keybase.js';

/**
 * The example signers repository (examples/signers-repo) run as its CI would run it: the real
 * CLI in a git checkout, with the signers found only on Keybase or GitHub served by test
 * servers on 127.0.0.1, and a pull request that adds one broken file per kind of failure.
 */
const remote = JSON.parse(readFileSync(join(REPO, 'fixtures/signers-repo/remote.json'), 'utf8')) as {
  keybase: KeybaseUser[];
  github: Record<string, string[]>;
};
let keybase: TestServer;
let github: TestServer;
let cache: string;

beforeAll(async () => {
  keybase = await startServer(keybaseHandler({ users: remote.keybase }));
  github = await startServer(githubHandler({ users: remote.github }));
  cache = mkdtempSync(join(tmpdir(), 'pledge-repo-cache-'));
});
afterAll(async () => {
  await keybase.close();
  await github.close();
  rmSync(cache, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** A fresh git checkout of the example repository on branch main. */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-signers-'));
  cpSync(join(REPO, 'examples/signers-repo'), dir, { recursive: true });
  // The signers whose keys only the test Keybase and GitHub servers serve.
  cpSync(join(REPO, 'fixtures/signers-repo/remote'), join(dir, '_signatures'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'add', '.');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'signers');
  return dir;
}

function commit(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', message);
}

const servers = () => ['--keybase-url', keybase.origin, '--github-url', github.origin, '--cache-dir', cache];
const pledge = (dir: string, args: string[], env: Record<string, string> = {}) => runCli(args, env, dir);

/**
 * The maintainer pins the broken files' keys on main (a pull request cannot pin keys: S-03),
 * then a pull request adds each broken file and edits an existing signer file.
 */
function openBrokenPullRequest(dir: string): void {
  const bad = join(REPO, 'fixtures/signers-repo/bad');
  for (const name of readdirSync(join(bad, 'keys'))) cpSync(join(bad, 'keys', name), join(dir, 'keys', name));
  commit(dir, 'maintainer: pin keys');
  git(dir, 'checkout', '-q', '-b', 'pull-request');
  for (const name of readdirSync(bad).filter((n) => n.endsWith('.md') && n !== 'README.md')) cpSync(join(bad, name), join(dir, '_signatures', name));
  const ada = join(dir, '_signatures/ada-lovelace.md');
  writeFileSync(ada, readFileSync(ada, 'utf8').replace(/^organization: .*$/m, 'organization: Somewhere Else'));
  commit(dir, 'pull request');
}

/** GitHub workflow commands, parsed as the runner parses them. */
function annotations(stdout: string) {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const match = /^::(error|warning) ([^:]*)::(.*)$/.exec(line);
      if (!match) throw new Error(`not a workflow command: ${line}`);
      const properties = Object.fromEntries(match[2]!.split(',').map((pair) => pair.split('=') as [string, string]));
      return { level: match[1]!, file: decodeURIComponent(properties.file ?? ''), title: decodeURIComponent(properties.title ?? ''), message: match[3]! };
    });
}

describe('signers repository (examples/signers-repo)', () => {
  it('passes on its good signers, pinned or found on Keybase and GitHub, with every claim backed', async () => {
    const dir = checkout();
    const result = await pledge(dir, ['verify', '--json', ...servers()]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const manifest = JSON.parse(result.stdout);
    expectValidManifest(manifest);
    expect(manifest.documents.map((d: { path: string }) => d.path)).toEqual(['_signatures/ada-lovelace.md', '_signatures/alan-turing.md', '_signatures/grace-hopper.md', '_signatures/katherine-johnson.md', '_signatures/margaret-hamilton.md']);
    const sources = manifest.documents.map((d: { blocks: { signatures: { status: string; keySource: string }[] }[] }) => d.blocks[0]!.signatures[0]!);
    expect(sources.every((s: { status: string }) => s.status === 'verified')).toBe(true);
    expect(sources.map((s: { keySource: string }) => s.keySource)).toEqual(['keyring:keys/ada.asc', 'keyring:keys/alan.asc', 'keyring:keys/grace.asc', 'keybase:kjohnson', 'github:mhamilton']);
    expect(manifest.signers).toHaveLength(5);
    const github = await pledge(dir, ['verify', '--format', 'github', ...servers()]);
    expect(github.code).toBe(0);
    expect(github.stdout).toBe('');
  });

  it('fails a pull request with one clear annotation per bad file', async () => {
    const dir = checkout();
    openBrokenPullRequest(dir);
    const summary = join(dir, '..', `${dir.split('/').pop()}-summary.md`);
    writeFileSync(summary, '');
    const result = await pledge(dir, ['verify', '--format', 'github', '--changed-since', 'main', ...servers()], { GITHUB_STEP_SUMMARY: summary });
    expect(result.code).toBe(1);
    const errors = annotations(result.stdout).filter((a) => a.level === 'error');
    const byFile = Object.fromEntries(errors.map((a) => [a.file, a.title]));
    expect(byFile).toEqual({
      '_signatures/ada-lovelace.md': 'pledge: modified-signer-file',
      '_signatures/bad-signature.md': 'pledge: bad-signature',
      '_signatures/duplicate-signer.md': 'pledge: duplicate-signer',
      '_signatures/replayed-signature.md': 'pledge: replayed-signature',
      '_signatures/unbacked-github.md': 'pledge: identity-mismatch',
      '_signatures/wrong-statement.md': 'pledge: statement-mismatch',
    });
    expect(errors).toHaveLength(6);
    // The unchanged signers were not annotated, and the step summary got its table.
    expect(errors.some((a) => a.file.includes('grace-hopper'))).toBe(false);
    expect(readFileSync(summary, 'utf8')).toContain('| Document |');
  });

  it('checks a pull request against the committed manifest, and the manifest is deterministic', async () => {
    const dir = checkout();
    expect((await pledge(dir, ['manifest', ...servers()])).code).toBe(0);
    const first = readFileSync(join(dir, 'signers.json'), 'utf8');
    expect((await pledge(dir, ['manifest', ...servers()])).code).toBe(0);
    expect(readFileSync(join(dir, 'signers.json'), 'utf8')).toBe(first);
    expect(JSON.parse(first).lookups).toEqual([]);
    expectValidManifest(JSON.parse(first));
    expect((await pledge(dir, ['verify', '--check-manifest', 'signers.json', '--quiet', ...servers()])).code).toBe(0);
    commit(dir, 'manifest');
    // A pull request that only adds a second file by Ada: duplicates are found through signers.json.
    git(dir, 'checkout', '-q', '-b', 'pr2');
    cpSync(join(REPO, 'fixtures/signers-repo/bad/duplicate-signer.md'), join(dir, '_signatures/duplicate-signer.md'));
    commit(dir, 'second Ada');
    const result = await pledge(dir, ['verify', '--json', '--changed-since', 'main', ...servers()]);
    expect(result.code).toBe(1);
    const manifest = JSON.parse(result.stdout);
    expectValidManifest(manifest);
    expect(manifest.documents.map((d: { path: string }) => d.path)).toEqual(['_signatures/duplicate-signer.md']);
    expect(manifest.documents[0].findings).toMatchObject([{ code: 'duplicate-signer', severity: 'error' }]);
  });

  it('fails --check-manifest with a readable diff when a signer file goes away', async () => {
    const dir = checkout();
    await pledge(dir, ['manifest', ...servers()]);
    rmSync(join(dir, '_signatures/margaret-hamilton.md'));
    const result = await pledge(dir, ['verify', '--check-manifest', 'signers.json', '--quiet', ...servers()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('signers.json no longer matches');
    expect(result.stderr).toMatch(/^- .*margaret-hamilton\.md/m);
  });

  it('--redact keeps fingerprints, statuses and hashes but no user IDs or signed texts', async () => {
    const dir = checkout();
    const manifest = JSON.parse((await pledge(dir, ['verify', '--json', '--redact', ...servers()])).stdout);
    const text = JSON.stringify(manifest);
    expect(text).not.toContain('@example.org');
    expect(text).not.toContain('commit to the neveragain.tech pledge');
    expect(manifest.documents[0].blocks[0]).toMatchObject({ signedText: null, signedTextSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(manifest.signers[0].primaryKeyFingerprint).toMatch(/^[0-9A-F]{40}$/);
  });
});

describe('pledge.config.json', () => {
  it('names the bad field when the config is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pledge-config-'));
    writeFileSync(join(dir, 'pledge.config.json'), JSON.stringify({ documents: ['*.md'], duplicateSigner: 'sometimes', colour: 'blue' }));
    const result = await pledge(dir, ['verify']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/duplicateSigner');
    expect(result.stderr).toContain('"colour"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('pledge init scaffolds a config that validates, keys/, _signatures/ and the workflow, and never overwrites', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pledge-init-'));
    const result = await pledge(dir, ['init', '--statement', 'I, {name}, sign.']);
    expect(result.code).toBe(0);
    for (const file of ['pledge.config.json', 'keys/README.md', '_signatures/README.md', '.github/workflows/pledge.yml']) expect(readdirSync(join(dir, file.split('/').slice(0, -1).join('/') || '.'))).toContain(file.split('/').pop());
    expect(JSON.parse(readFileSync(join(dir, 'pledge.config.json'), 'utf8')).statement).toEqual({ template: 'I, {name}, sign.' });
    const verify = await pledge(dir, ['verify', '--offline']);
    expect(verify.stderr).not.toContain('not a valid pledge config');
    const again = await pledge(dir, ['init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exist');
  });
});

describe('--format github against hostile documents (O-01)', () => {
  it('cannot be made to inject workflow commands through a user ID or a signed text', async () => {
    const { createSigner, clearsign } = await import('../helpers/sign.js');
    const dir = mkdtempSync(join(tmpdir(), 'pledge-inject-'));
    const mallory = await createSigner('Mallory %0A::error::pwned <m@example.org>');
    writeFileSync(join(dir, 'mallory.asc'), mallory.armoredPublicKey);
    const text = 'I agree %0A::error file=x::pwned\n::warning::also pwned %0D%0A\n';
    const block = await clearsign(text, [mallory]);
    writeFileSync(join(dir, 'statement.md'), `---\nname: x\n---\n\n\`\`\`\n${block}\`\`\`\n`);
    // Fails on purpose (statement mismatch through a config), so the user ID and text reach the annotation.
    writeFileSync(join(dir, 'pledge.config.json'), JSON.stringify({ documents: ['*.md'], keys: '.', statement: 'something else' }));
    const result = await pledge(dir, ['verify', '--format', 'github', '--offline']);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^::(error|warning) file=[^:]*::/);
    expect(result.stdout).not.toMatch(/(^|[^%])::error::pwned/);
    expect(result.stdout).not.toContain('\r');
  });
});
