import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { publint } from 'publint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/run-cli.js';

// Issue 17 #1: pledge is published as `pledge-verify` (the name `pledge` is taken on npm). The
// tarball `npm pack` makes is what a user installs: it is linted, installed into a temporary
// global prefix, and its `pledge` command is run from `/`, far from this checkout.
// `npm test` has just built dist/, so the pack skips prepack (rebuilding dist/ would race the
// other test files that run it); the prepack script is checked on its own below.
const work = mkdtempSync(join(tmpdir(), 'pledge-pack-'));
const prefix = join(work, 'prefix');
const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
let tarball = '';
let installed = '';
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], REPO)) as { filename: string }[];
  tarball = join(work, packed!.filename);
  // The dependencies come from npm's cache (npm ci filled it); the registry is asked only if not.
  npm(['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], work);
  installed = join(prefix, 'lib', 'node_modules', 'pledge-verify');
}, 180_000);

const pledgeAt = (cwd: string, args: string[]) => {
  try {
    const stdout = execFileSync(join(prefix, 'bin', 'pledge'), args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '', HOME: work, XDG_CACHE_HOME: join(work, 'cache'), NO_COLOR: '1' } });
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { status: number; stdout: string; stderr: string };
    return { code: failure.status, stdout: failure.stdout + failure.stderr };
  }
};

/** The package's own files (its dependencies, in node_modules/, are not). */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => name !== 'node_modules')
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));

describe('the published package (issue 17 #1)', () => {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));

  it('is named pledge-verify, installs the `pledge` command, builds in prepack (not prepare), and says where it lives', () => {
    expect(manifest).toMatchObject({ name: 'pledge-verify', bin: { pledge: 'bin/pledge.cjs' }, license: 'MIT', scripts: { prepack: 'npm run build' } });
    expect(manifest.scripts).not.toHaveProperty('prepare');
    // A fresh clone's `npm install && npm run example` has no prepare to build dist/: example builds.
    expect(manifest.scripts.example).toMatch(/^npm run build && /);
    expect(manifest.repository.url).toBe('git+https://github.com/pledge-verify/pledge.git');
    expect(manifest.homepage).toMatch(/^https:\/\/github\.com\/pledge-verify\/pledge/);
    expect(manifest.bugs.url).toBe('https://github.com/pledge-verify/pledge/issues');
    expect(readFileSync(join(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
  });

  it('is publint clean, strict, suggestions included', async () => {
    const result = await publint({ pack: { tarball: readFileSync(tarball).buffer }, level: 'suggestion', strict: true });
    expect(result.messages).toEqual([]);
  });

  it('ships its licence, the build and the schemas, and no test, source or map that points nowhere', () => {
    const files = filesUnder(installed).map((path) => relative(installed, path));
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/pledge.cjs', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'schema/manifest-v1.schema.json', 'schema/pledge-config.schema.json']));
    expect(files.filter((path) => /^(src|test|fixtures|action|scripts)\//.test(path))).toEqual([]);
    // Source maps that resolve, or none: every sourceMappingURL and every source it names is in the package.
    const unresolved: string[] = [];
    for (const file of files.filter((path) => path.endsWith('.js'))) {
      const map = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(installed, file), 'utf8'))?.[1];
      if (!map) continue;
      const mapPath = resolve(installed, dirname(file), map);
      if (!existsSync(mapPath)) unresolved.push(`${file} → ${map}`);
      else for (const source of JSON.parse(readFileSync(mapPath, 'utf8')).sources as string[]) if (!existsSync(resolve(dirname(mapPath), source))) unresolved.push(`${map} → ${source}`);
    }
    expect(unresolved).toEqual([]);
  });

  it('runs from / once installed: --version, and the README example verified offline', () => {
    expect(pledgeAt('/', ['--version'])).toEqual({ code: 0, stdout: `${manifest.version}\n` });
    const verified = pledgeAt('/', ['verify', '--offline', '--keyring', join(REPO, 'examples/keys'), join(REPO, 'examples/signed-post.md')]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('✓ verified  Example Signer <signer@example.org>');
  });

  it('ships the CLI bundle with its code caches, and runs through npx from the tarball (issue 15)', () => {
    const bundle = readdirSync(join(installed, 'dist', 'bundle'));
    expect(bundle).toEqual(expect.arrayContaining(['pledge.cjs', 'pledge.cjs.cache', 'commands.cjs', 'commands.cjs.cache', 'openpgp.cjs', 'openpgp.cjs.cache', 'code-cache.cjs']));
    const args = ['exec', '--yes', '--prefer-offline', '--no-audit', '--no-fund', `--package=${tarball}`, '--', 'pledge', 'verify', '--offline', '--keyring', join(REPO, 'examples/keys'), join(REPO, 'examples/signed-post.md')];
    const viaNpx = execFileSync('npm', args, { cwd: work, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', NO_COLOR: '1' } });
    expect(viaNpx).toContain('✓ verified  Example Signer <signer@example.org>');
  }, 120_000);

  it('control: the same run on a tampered copy fails, so the run above proves a verification', () => {
    const copy = join(work, 'tampered.md');
    writeFileSync(copy, readFileSync(join(REPO, 'examples/signed-post.md'), 'utf8').replace('hold me to it.\n-----BEGIN PGP SIGNATURE', 'hold you to it.\n-----BEGIN PGP SIGNATURE'));
    expect(pledgeAt('/', ['verify', '--offline', '--keyring', join(REPO, 'examples/keys'), copy]).code).toBe(1);
  });

  it('exports only the public API: the library, its package.json and the schemas, not the CLI internals', () => {
    const lib = join(prefix, 'lib', 'probe');
    mkdirSync(lib, { recursive: true });
    const probe = join(lib, 'probe.mjs');
    writeFileSync(
      probe,
      `import * as api from 'pledge-verify';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const deep = await import('pledge-verify/dist/cli/main.js').then(() => 'importable', (error) => error.code);
console.log(JSON.stringify({ verifyDocuments: typeof api.verifyDocuments, version: require('pledge-verify/package.json').version, schema: require('pledge-verify/schema/manifest-v1.schema.json').$schema !== undefined, deep }));
`,
    );
    // Resolved as a dependency is: from a file beside the prefix's node_modules.
    mkdirSync(join(lib, 'node_modules'), { recursive: true });
    execFileSync('ln', ['-s', installed, join(lib, 'node_modules', 'pledge-verify')]);
    const result = JSON.parse(execFileSync(process.execPath, [probe], { cwd: '/', encoding: 'utf8' }));
    expect(result).toEqual({ verifyDocuments: 'function', version: manifest.version, schema: true, deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
  });
});
