import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { REPO, runCli } from '../helpers/run-cli.js';

// Issue 20 #2: a pull request that changes no signer file has nothing to verify, and passes
// saying so; the built CLI in a real git checkout of the example repository.
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const commit = (dir: string, message: string) => {
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', message);
};

/** The example repository on main, and a branch that changes only its README and the signers' instructions (excluded). */
function docsOnlyBranch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-docs-pr-'));
  cpSync(join(REPO, 'examples/signers-repo'), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  commit(dir, 'signers');
  git(dir, 'checkout', '-q', '-b', 'docs');
  writeFileSync(join(dir, 'README.md'), '# Our pledge\n\nNow with better words.\n');
  writeFileSync(join(dir, '_signatures/README.md'), 'Sign the statement with your key, then open a pull request.\n');
  commit(dir, 'docs');
  return dir;
}

const verify = (dir: string, ...args: string[]) => runCli(['verify', '--offline', '--changed-since', 'main', ...args], {}, dir);

describe('a pull request that changes no signer file (issue 20 #2)', () => {
  it('passes, and the human report says no signer files changed', async () => {
    const result = await verify(docsOnlyBranch());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('no signer files changed since main\n');
    expect(result.stderr).toBe('');
  });

  it('passes with a valid JSON manifest (ok: true, no documents) and says so on stderr', async () => {
    const dir = docsOnlyBranch();
    const json = await verify(dir, '--json');
    expect(json.code).toBe(0);
    const manifest = JSON.parse(json.stdout);
    expectValidManifest(manifest);
    expect(manifest).toMatchObject({ ok: true, documents: [], signers: [] });
    expect(json.stderr).toBe('pledge: no signer files changed since main\n');
    const github = await verify(dir, '--format', 'github');
    expect(github).toMatchObject({ code: 0, stdout: '', stderr: 'pledge: no signer files changed since main\n' });
    // --manifest writes the same passing manifest.
    expect((await verify(dir, '--quiet', '--manifest', join(dir, '..', `${dir.split('/').pop()}.json`))).code).toBe(0);
  });

  it('control: the same branch with a signer file that fails does not pass', async () => {
    const dir = docsOnlyBranch();
    cpSync(join(REPO, 'fixtures/signers-repo/bad/bad-signature.md'), join(dir, '_signatures/bad-signature.md'));
    commit(dir, 'a bad signer');
    const result = await verify(dir, '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).ok).toBe(false);
    expect(result.stderr).not.toContain('no signer files changed');
  });

  it('control: without --changed-since, a repository with no signer file at all still fails', async () => {
    const dir = docsOnlyBranch();
    for (const name of ['ada-lovelace', 'alan-turing', 'grace-hopper']) rmSync(join(dir, `_signatures/${name}.md`));
    const result = await runCli(['verify', '--offline', '--json'], {}, dir);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, documents: [] });
  });
});
