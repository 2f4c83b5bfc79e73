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

/** The README's `npx pledge …` lines, as argument lists (none of them quotes an argument). */
function readmeCommands(): string[][] {
  const readme = readFileSync(join(EXAMPLE, 'README.md'), 'utf8');
  return [...readme.matchAll(/^ {4}npx pledge ([^#\n]*?)\s*(?:#.*)?$/gm)].map((match) => match[1]!.split(/\s+/));
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
