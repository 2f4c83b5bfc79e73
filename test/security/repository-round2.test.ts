import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { REPO, runCli } from '../helpers/run-cli.js';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';

// Signers-repository mode against a hostile pull request, round 2 (issue 19, item 8): the
// example repository in a git checkout, pinned keys only (--offline), the built CLI.
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const commit = (dir: string, message: string) => {
  git(dir, 'add', '-A');
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', message);
};

/** The example repository on main, only the signers pinned keys alone verify (Alan's GitHub claim needs the network). */
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-sec-repo2-'));
  cpSync(join(REPO, 'examples/signers-repo'), dir, { recursive: true });
  rmSync(join(dir, '_signatures/alan-turing.md'));
  git(dir, 'init', '-q', '-b', 'main');
  commit(dir, 'signers');
  return dir;
}

const branch = (dir: string, name: string) => git(dir, 'checkout', '-q', '-b', name);
const verify = (dir: string, ...args: string[]) => runCli(['verify', '--json', '--offline', ...args], {}, dir);
const pullRequest = (dir: string) => verify(dir, '--changed-since', 'main');
/** Each control: the maintainer makes the change in a direct commit to main, then a pull request adds only the signer's side. */
async function maintainerThenPullRequest(dir: string, onMain: () => void, message: string, inPullRequest: () => void | Promise<void>) {
  git(dir, 'checkout', '-q', 'main');
  onMain();
  commit(dir, message);
  branch(dir, 'control');
  await inPullRequest();
  commit(dir, 'sign');
  return pullRequest(dir);
}

/** The control most rows share: the maintainer pins Mallory's key on main, then her pull request adds her signer file (and `more`). */
const pinMalloryThenSign = (dir: string, more: () => void = () => undefined) =>
  maintainerThenPullRequest(
    dir,
    () => writeFileSync(join(dir, 'keys/mallory.asc'), mallory.armoredPublicKey),
    'maintainer: pin Mallory',
    async () => {
      writeFileSync(join(dir, '_signatures/mallory.md'), await malloryFile('Mallory Example'));
      more();
    },
  );

interface Doc {
  path: string;
  findings?: { code: string; line?: number; message: string }[];
  blocks: { signatures: { status: string; warnings: string[] }[] }[];
}
const documents = (stdout: string) => JSON.parse(stdout).documents as Doc[];
const findings = (stdout: string) => documents(stdout).flatMap((d) => (d.findings ?? []).map((f) => `${d.path}:${f.code}`));
const statuses = (stdout: string) => documents(stdout).flatMap((d) => d.blocks.flatMap((b) => b.signatures.map((s) => `${d.path}:${s.status}`)));

/** A second file by Ada's key, under another name: a duplicate signer. */
const addDuplicate = (dir: string) => cpSync(join(REPO, 'fixtures/signers-repo/bad/duplicate-signer.md'), join(dir, '_signatures/duplicate-signer.md'));

const editConfig = (dir: string, change: (config: Record<string, unknown>) => void) => {
  const file = join(dir, 'pledge.config.json');
  const config = JSON.parse(readFileSync(file, 'utf8'));
  change(config);
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
};

let mallory: TestSigner;
/** A signer file for Mallory's key, saying `name` (the statement template fills it in). */
let malloryFile: (name: string) => Promise<string>;

beforeAll(async () => {
  mallory = await createSigner('Mallory Example <mallory@example.org>');
  malloryFile = async (name) => `---\nname: ${name}\n---\n\n\`\`\`text\n${await clearsign(`I, ${name}, commit to the neveragain.tech pledge.\n`, [mallory])}\`\`\`\n`;
});

describe('signers repository against its pull requests, round 2 (S rows)', () => {
  it("S-01: a pull request that empties the committed manifest is still checked against the merge base's; the same change on main is the maintainer's", async () => {
    const dir = checkout();
    expect((await runCli(['manifest', '--offline'], {}, dir)).code).toBe(0);
    commit(dir, 'manifest');
    const committed = readFileSync(join(dir, 'signers.json'), 'utf8');
    const emptied = JSON.stringify({ ...JSON.parse(readFileSync(join(dir, 'signers.json'), 'utf8')), documents: [], signers: [] }, null, 2) + '\n';
    branch(dir, 'attack');
    writeFileSync(join(dir, 'signers.json'), emptied);
    addDuplicate(dir);
    commit(dir, 'forget Ada, then sign again');
    const attack = await pullRequest(dir);
    expect(findings(attack.stdout)).toEqual(['_signatures/duplicate-signer.md:duplicate-signer', 'signers.json:protected-file-changed']);
    const protectedFinding = documents(attack.stdout).find((d) => d.path === 'signers.json')!.findings![0]!;
    // The finding points at the first line the pull request changed.
    const before = committed.split('\n');
    expect(protectedFinding.line).toBe(emptied.split('\n').findIndex((line, at) => line !== before[at]) + 1);
    expect(protectedFinding.message).toContain('direct commit to the base branch (main)');
    expect(attack.code).toBe(1);
    expectValidManifest(JSON.parse(attack.stdout));
    // Control: the maintainer empties the list on main; a pull request adding the file is judged by that.
    const control = await maintainerThenPullRequest(
      dir,
      () => {
        writeFileSync(join(dir, 'signers.json'), emptied);
      },
      'maintainer: reset the list',
      () => {
        addDuplicate(dir);
      },
    );
    expect(findings(control.stdout)).toEqual([]);
    expect(control.code).toBe(0);
  });

  it("S-02: a pull request that sets duplicateSigner off is judged by the merge base's config; the same change on main passes", async () => {
    const dir = checkout();
    branch(dir, 'attack');
    editConfig(dir, (config) => (config.duplicateSigner = 'off'));
    addDuplicate(dir);
    commit(dir, 'duplicates are fine now');
    const attack = await pullRequest(dir);
    expect(findings(attack.stdout)).toEqual(['_signatures/duplicate-signer.md:duplicate-signer', 'pledge.config.json:protected-file-changed']);
    const config = documents(attack.stdout).find((d) => d.path === 'pledge.config.json')!.findings![0]!;
    expect(config.line).toBe(
      readFileSync(join(dir, 'pledge.config.json'), 'utf8')
        .split('\n')
        .findIndex((line) => line.includes('"duplicateSigner"')) + 1,
    );
    expect(attack.code).toBe(1);
    // The github format gives the protected file its own annotation, at the line.
    const github = await runCli(['verify', '--format', 'github', '--offline', '--changed-since', 'main'], {}, dir);
    expect(github.stdout).toMatch(new RegExp(`^::error file=pledge\\.config\\.json,line=${config.line},endLine=${config.line},title=pledge%3A protected-file-changed::`, 'm'));
    expect(github.stdout).not.toContain('title=pledge%3A not-signed');
    // Control: the maintainer turns the rule off on main; the same file then passes.
    const control = await maintainerThenPullRequest(
      dir,
      () => {
        editConfig(dir, (config) => (config.duplicateSigner = 'off'));
      },
      'maintainer: duplicates allowed',
      () => {
        addDuplicate(dir);
      },
    );
    expect(findings(control.stdout)).toEqual([]);
    expect(control.code).toBe(0);
  });

  it('S-03: a pull request that pins its own key in keys/ does not get it trusted; the same key pinned on main does', async () => {
    const dir = checkout();
    branch(dir, 'attack');
    writeFileSync(join(dir, 'keys/mallory.asc'), mallory.armoredPublicKey);
    writeFileSync(join(dir, '_signatures/mallory.md'), await malloryFile('Mallory Example'));
    commit(dir, 'sign, and vouch for myself');
    const attack = await pullRequest(dir);
    expect(findings(attack.stdout)).toEqual(['keys/mallory.asc:protected-file-changed']);
    expect(statuses(attack.stdout)).toEqual(['_signatures/mallory.md:no-public-key']);
    expect(documents(attack.stdout).find((d) => d.path === 'keys/mallory.asc')!.findings![0]!).toMatchObject({ line: 1, message: expect.stringContaining('adds a pinned key') });
    expect(attack.code).toBe(1);
    // A pinned key the pull request edits is also protected, and the merge base's copy is used.
    git(dir, 'checkout', '-q', 'main');
    branch(dir, 'attack-edit');
    writeFileSync(join(dir, 'keys/alan.asc'), `${readFileSync(join(dir, 'keys/alan.asc'), 'utf8')}${mallory.armoredPublicKey}`);
    writeFileSync(join(dir, '_signatures/mallory.md'), await malloryFile('Mallory Example'));
    commit(dir, "hide my key beside Alan's");
    const edit = await pullRequest(dir);
    expect(findings(edit.stdout)).toEqual(['keys/alan.asc:protected-file-changed']);
    expect(statuses(edit.stdout)).toEqual(['_signatures/mallory.md:no-public-key']);
    // Control: the maintainer pins the key on main; the pull request with only the signer file passes.
    const control = await pinMalloryThenSign(dir);
    expect(findings(control.stdout)).toEqual([]);
    expect(statuses(control.stdout)).toEqual(['_signatures/mallory.md:verified']);
    expect(control.code).toBe(0);
  });

  it("S-03: a pull request that adds its key to the allowed signers list is judged by the merge base's list; the same line added on main passes", async () => {
    const dir = checkout();
    const ada = '0B0C87365E699AB6C5C3EABE82C4C1ED61774935';
    writeFileSync(join(dir, 'keys/mallory.asc'), mallory.armoredPublicKey);
    writeFileSync(join(dir, 'allowed-signers.txt'), `${ada}\n`);
    editConfig(dir, (config) => (config.allowedSigners = 'allowed-signers.txt'));
    commit(dir, 'maintainer: allowed list');
    branch(dir, 'attack');
    writeFileSync(join(dir, 'allowed-signers.txt'), `${ada}\n${mallory.fingerprint}\n`);
    writeFileSync(join(dir, '_signatures/mallory.md'), await malloryFile('Mallory Example'));
    commit(dir, 'allow myself');
    const attack = await pullRequest(dir);
    expect(findings(attack.stdout)).toEqual(['_signatures/mallory.md:signer-not-allowed', 'allowed-signers.txt:protected-file-changed']);
    expect(documents(attack.stdout).find((d) => d.path === 'allowed-signers.txt')!.findings![0]!.line).toBe(2);
    expect(attack.code).toBe(1);
    // Control: the maintainer allows Mallory on main; the pull request with only her file passes.
    const control = await maintainerThenPullRequest(
      dir,
      () => {
        writeFileSync(join(dir, 'allowed-signers.txt'), `${ada}\n${mallory.fingerprint}\n`);
      },
      'maintainer: allow Mallory',
      async () => {
        writeFileSync(join(dir, '_signatures/mallory.md'), await malloryFile('Mallory Example'));
      },
    );
    expect(findings(control.stdout)).toEqual([]);
    expect(control.code).toBe(0);
  });

  it('S-05: files in the signer folder that the globs skip are findings, in a pull request and on main; matching and excluded files are not', async () => {
    const dir = checkout();
    branch(dir, 'attack');
    mkdirSync(join(dir, '_signatures/2024'));
    cpSync(join(REPO, 'fixtures/signers-repo/bad/bad-signature.md'), join(dir, '_signatures/2024/x.md'));
    cpSync(join(REPO, 'fixtures/signers-repo/bad/bad-signature.md'), join(dir, '_signatures/X.MD'));
    commit(dir, 'signers the globs do not see');
    const attack = await pullRequest(dir);
    expect(findings(attack.stdout)).toEqual(['_signatures/2024/x.md:unmatched-signer-file', '_signatures/X.MD:unmatched-signer-file']);
    expect(attack.code).toBe(1);
    const full = await verify(dir);
    expect(findings(full.stdout)).toEqual(['_signatures/2024/x.md:unmatched-signer-file', '_signatures/X.MD:unmatched-signer-file']);
    expect(full.code).toBe(1);
    // Control: a matching signer file and an edit to the excluded README pass.
    const control = await pinMalloryThenSign(dir, () => writeFileSync(join(dir, '_signatures/README.md'), 'How to sign.\n'));
    expect(findings(control.stdout)).toEqual([]);
    expect(control.code).toBe(0);
    expect((await verify(dir)).code).toBe(0);
  });

  it("S-06: a front-matter name no user ID of the key carries is a claim-mismatch warning; the key's own name is not", async () => {
    const dir = checkout();
    writeFileSync(join(dir, 'keys/mallory.asc'), mallory.armoredPublicKey);
    writeFileSync(join(dir, '_signatures/mallory.md'), await malloryFile('Linus Torvalds'));
    commit(dir, 'a famous name');
    const attack = await verify(dir);
    const signature = (path: string, stdout: string) => documents(stdout).find((d) => d.path === path)!.blocks[0]!.signatures[0]!;
    expect(signature('_signatures/mallory.md', attack.stdout)).toMatchObject({ status: 'verified', warnings: ['claim-mismatch'] });
    // Control: the name the key carries, and every example signer's own name.
    writeFileSync(join(dir, '_signatures/mallory.md'), await malloryFile('Mallory Example'));
    const control = await verify(dir);
    expect(signature('_signatures/mallory.md', control.stdout)).toMatchObject({ status: 'verified', warnings: [] });
    expect(documents(control.stdout).flatMap((d) => d.blocks.flatMap((b) => b.signatures.flatMap((s) => s.warnings)))).toEqual([]);
    expect(control.code).toBe(0);
  });
});
