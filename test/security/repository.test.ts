import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/run-cli.js';

// Signers-repository mode against a hostile pull request (issue 19, item 8). The example
// repository in a git checkout; pinned keys only (--offline), so no server is needed.
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const commit = (dir: string, message: string) => {
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', message);
};

/** The example repository, only its pinned signers (the network ones are dropped). */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-sec-repo-'));
  cpSync(join(REPO, 'examples/signers-repo'), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  commit(dir, 'signers');
  return dir;
}

const findings = (stdout: string) => (JSON.parse(stdout).documents as { path: string; findings?: { code: string }[] }[]).flatMap((d) => (d.findings ?? []).map((f) => `${d.path}:${f.code}`));

describe('signers repository against its pull requests (S rows)', () => {
  it('S-04: a pull request deleting a signer file under appendOnly is a finding; the same deletion on main is not', async () => {
    const dir = checkout();
    git(dir, 'checkout', '-q', '-b', 'pull-request');
    rmSync(join(dir, '_signatures/alan-turing.md'));
    commit(dir, 'remove Alan');
    const attack = await runCli(['verify', '--json', '--offline', '--changed-since', 'main'], {}, dir);
    expect(findings(attack.stdout)).toEqual(['_signatures/alan-turing.md:deleted-signer-file']);
    expect(attack.code).toBe(1);
    // Control: a new signer file and nothing deleted passes.
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'checkout', '-q', '-b', 'control');
    writeFileSync(join(dir, 'notes.txt'), 'unrelated\n');
    commit(dir, 'unrelated');
    const control = await runCli(['verify', '--json', '--offline', '--changed-since', 'main'], {}, dir);
    // No finding; its exit code is that of a pull request changing no signer file at all (no documents).
    expect(findings(control.stdout)).toEqual([]);
    expect(JSON.parse(control.stdout).documents).toEqual([]);
  });
});
