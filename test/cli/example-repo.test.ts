import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { REPO, runCli } from '../helpers/run-cli.js';

// Issue 20 #3: the example signers repository passes as shipped. The commands are read from its
// README ("Running it locally"), so the test breaks when the README and the example part ways.
const EXAMPLE = join(REPO, 'examples/signers-repo');
const temporary: string[] = [];
afterAll(() => temporary.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The README's `npx pledge-verify …` lines (the package's name), as argument lists (none quotes an argument). */
function readmeCommands(): string[][] {
  const readme = readFileSync(join(EXAMPLE, 'README.md'), 'utf8');
  return [...readme.matchAll(/^ {4}npx pledge-verify ([^#\n]*?)\s*(?:#.*)?$/gm)].map((match) => match[1]!.split(/\s+/));
}

/** A clone of the example with `main` on `origin`, as a maintainer's checkout is; `edit` runs on the origin first. */
function clone(edit?: (dir: string) => void): string {
  const work = mkdtempSync(join(tmpdir(), 'pledge-example-'));
  temporary.push(work);
  const origin = join(work, 'origin');
  cpSync(EXAMPLE, origin, { recursive: true });
  edit?.(origin);
  git(origin, 'init', '-q', '-b', 'main');
  git(origin, 'add', '.');
  git(origin, 'commit', '-qm', 'signers');
  git(work, 'clone', '-q', origin, 'checkout');
  return join(work, 'checkout');
}

// A private cache, so that no test shares state with another or with the user's cache.
const run = (dir: string, args: string[]) => runCli(args, { XDG_CACHE_HOME: join(dir, '..', 'cache') }, dir);

describe('examples/signers-repo as shipped (issue 20 #3)', () => {
  const commands = readmeCommands();

  it('its README lists the commands this test runs', () => {
    expect(commands.map((args) => args.slice(0, 2).join(' '))).toEqual(['verify', 'verify --offline', 'verify --changed-since', 'manifest', 'verify --check-manifest', 'site --manifest']);
  });

  it('every README command passes, in order, and none asks a server', async () => {
    const dir = clone();
    for (const args of commands) {
      const result = await run(dir, args);
      expect({ args, code: result.code, stderr: result.stderr.replace(/^pledge: wrote .*\n/gm, '') }).toEqual({ args, code: 0, stderr: '' });
    }
    const json = await run(dir, ['verify', '--json']);
    const manifest = JSON.parse(json.stdout);
    expectValidManifest(manifest);
    expect(manifest).toMatchObject({ ok: true, lookups: [] });
    expect(manifest.documents.map((d: { verdict: string }) => d.verdict)).toEqual(['verified', 'verified', 'verified']);
  });

  it('every verify and manifest command passes with --offline added', async () => {
    const dir = clone();
    for (const args of commands.filter(([command]) => command !== 'site')) {
      const result = await run(dir, args.includes('--offline') ? args : [...args, '--offline']);
      expect({ args, code: result.code }).toEqual({ args, code: 0 });
    }
  });

  it('control: with one signer file edited, the README commands verify and verify --offline fail', async () => {
    const dir = clone((origin) => {
      const alan = join(origin, '_signatures/alan-turing.md');
      writeFileSync(alan, readFileSync(alan, 'utf8').replace('I, Alan Turing, commit', 'I, Alan M. Turing, commit'));
    });
    for (const args of commands.slice(0, 2)) {
      const result = await run(dir, args);
      expect({ args, code: result.code }).toEqual({ args, code: 1 });
      expect(result.stdout).toContain('_signatures/alan-turing.md');
    }
  });
});

// With --offline no server is asked, so the advice must not be "a key server could not be reached".
describe('--offline hints say that no server was asked (issue 20 #3)', () => {
  /** The example plus Alan's GitHub claim (outside the signed block) and Katherine, whose key only Keybase serves. */
  const withNetworkSigners = () =>
    clone((origin) => {
      const alan = join(origin, '_signatures/alan-turing.md');
      writeFileSync(alan, readFileSync(alan, 'utf8').replace('occupation_title: Researcher\n', 'occupation_title: Researcher\ngithub_user: aturing\n'));
      cpSync(join(REPO, 'fixtures/signers-repo/remote/katherine-johnson.md'), join(origin, '_signatures/katherine-johnson.md'));
    });
  const signatureOf = (manifest: { documents: { path: string; blocks: { signatures: { status: string; reason: { code: string; detail?: string } | null }[] }[] }[] }, name: string) =>
    manifest.documents.find((d) => d.path === `_signatures/${name}.md`)!.blocks[0]!.signatures[0]!;

  it('a pinned signer whose account claim was not checked, and a key in no local place: detail offline-no-server-asked', async () => {
    const dir = withNetworkSigners();
    const human = await run(dir, ['verify', '--offline']);
    expect(human.code).toBe(1);
    expect(human.stdout).not.toContain('could not be reached');
    expect(human.stdout.replace(/\s+/g, ' ')).toContain('hint: --offline asked no server, so an account the front matter names could not be checked: run without --offline');
    expect(human.stdout.replace(/\s+/g, ' ')).toContain('is not in the pinned keys, --keyring or the cache, and --offline asked no server');
    const manifest = JSON.parse((await run(dir, ['verify', '--offline', '--json'])).stdout);
    expectValidManifest(manifest);
    expect(signatureOf(manifest, 'alan-turing')).toMatchObject({ status: 'key-unavailable', reason: { code: 'key-unavailable', detail: 'offline-no-server-asked' } });
    expect(signatureOf(manifest, 'katherine-johnson')).toMatchObject({ status: 'no-public-key', reason: { code: 'key-not-found', detail: 'offline-no-server-asked' } });
  });

  it('control: online, with the servers down, the same files say a server could not be reached (no offline detail)', async () => {
    const dir = withNetworkSigners();
    const down = ['--github-url', 'http://127.0.0.1:1', '--keybase-url', 'http://127.0.0.1:1'];
    const human = await run(dir, ['verify', ...down]);
    expect(human.stdout.replace(/\s+/g, ' ')).toContain('hint: a key server could not be reached: run again later');
    const manifest = JSON.parse((await run(dir, ['verify', '--json', ...down])).stdout);
    expect(signatureOf(manifest, 'alan-turing').reason).toMatchObject({ code: 'key-unavailable' });
    expect(signatureOf(manifest, 'alan-turing').reason).not.toHaveProperty('detail');
    expect(signatureOf(manifest, 'katherine-johnson').reason).not.toHaveProperty('detail');
  });
});
