import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { REPO, runCli } from '../helpers/run-cli.js';
import { githubHandler } from '../helpers/servers/github.js';
import { keybaseHandler, type KeybaseUser } from '../helpers/servers/keybase.js';

/**
 * Issue 20 item 1: the committed manifest is a function of the repository alone. Written in one
 * clone (absolute path A, a warm cache), checked in another (path B, a cold cache): the pinned
 * keys are named relative to the repository and a cached key by the source that served it.
 */
const remote = JSON.parse(readFileSync(join(REPO, 'fixtures/signers-repo/remote.json'), 'utf8')) as { keybase: KeybaseUser[]; github: Record<string, string[]> };
let keybase: TestServer;
let github: TestServer;
const temporary: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
};

beforeAll(async () => {
  keybase = await startServer(keybaseHandler({ users: remote.keybase }));
  github = await startServer(githubHandler({ users: remote.github }));
});
afterAll(async () => {
  await keybase.close();
  await github.close();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const servers = (cache: string) => ['--keybase-url', keybase.origin, '--github-url', github.origin, '--cache-dir', cache];

describe('the committed manifest reproduces in another clone (issue 20 item 1)', () => {
  let origin: string;
  beforeAll(async () => {
    origin = join(temp('pledge-maintainer-'), 'signers');
    cpSync(join(REPO, 'examples/signers-repo'), origin, { recursive: true });
    cpSync(join(REPO, 'fixtures/signers-repo/remote'), join(origin, '_signatures'), { recursive: true }); // keys only the test servers serve
    git(origin, 'init', '-q', '-b', 'main');
    git(origin, 'add', '.');
    git(origin, 'commit', '-qm', 'signers');
    const cache = temp('pledge-warm-cache-');
    // Warm the cache first, so the manifest's Keybase and GitHub keys come from it.
    expect((await runCli(['verify', '-q', ...servers(cache)], {}, origin)).code).toBe(0);
    const written = await runCli(['manifest', ...servers(cache)], {}, origin);
    expect(written.code).toBe(0);
    git(origin, 'add', 'signers.json');
    git(origin, 'commit', '-qm', 'manifest');
  });

  it('names pinned keys relative to the repository and cached keys by their original source', () => {
    const manifest = readFileSync(join(origin, 'signers.json'), 'utf8');
    expect(manifest).not.toContain(origin);
    expect(manifest).not.toContain(tmpdir());
    expect(manifest).not.toContain('"keySource": "cache"');
    expect(manifest).toContain('"keySource": "keyring:keys/ada.asc"');
    expect(manifest).toContain('"keySource": "keybase:kjohnson"');
  });

  it('passes --check-manifest in a fresh clone elsewhere with a cold cache', async () => {
    const clone = join(temp('pledge-ci-'), 'checkout');
    execFileSync('git', ['clone', '-q', origin, clone]);
    const checked = await runCli(['verify', '-q', '--check-manifest', 'signers.json', ...servers(temp('pledge-cold-cache-'))], {}, clone);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });

  it('control: a real change (a signer removed) still fails the check', async () => {
    const clone = join(temp('pledge-ci-'), 'checkout');
    execFileSync('git', ['clone', '-q', origin, clone]);
    rmSync(join(clone, '_signatures/margaret-hamilton.md'));
    const checked = await runCli(['verify', '-q', '--check-manifest', 'signers.json', ...servers(temp('pledge-cold-cache-'))], {}, clone);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(/^- .*margaret-hamilton\.md/m);
  });
});
