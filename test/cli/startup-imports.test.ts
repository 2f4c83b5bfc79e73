import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/run-cli.js';

const SRC = join(REPO, 'src');
/** Static imports that bring code at run time; `import()` and `import type` bring none up front. */
const runtimeImports = (text: string) => [...text.matchAll(/^(?:import|export)(?! type )[^'"]*from '([^']+)'/gm)].map((match) => match[1]!);

/** Every module `entry` loads before any of its code runs: its static imports, followed through src/. */
function loadedBy(entry: string): { modules: string[]; packages: string[] } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    for (const target of runtimeImports(readFileSync(join(SRC, file), 'utf8'))) {
      if (target.startsWith('.')) visit(relative(SRC, join(SRC, file, '..', target.replace(/\.js$/, '.ts'))));
      else if (!target.startsWith('node:')) packages.add(target);
    }
  };
  visit(entry);
  return { modules: [...modules].sort(), packages: [...packages].sort() };
}

describe('start-up', () => {
  it('loads only the option table to print --help or --version: no command, pipeline or openpgp.js (issue 15)', () => {
    const { modules, packages } = loadedBy('cli/main.ts');
    expect(packages).toEqual(['commander']);
    expect(modules.filter((module) => /^(cli\/commands|pipeline|verify|cleartext|extract|sign|repo)\//.test(module))).toEqual([]);
    expect(modules.filter((module) => module.startsWith('discovery/'))).toEqual(['discovery/source-names.ts']);
  });

  it('bundles the CLI so that every file it opens beside its code exists: the thread scripts, package.json, the schema', () => {
    // Built by `npm run build` (scripts/bundle.mjs). A thread script that is not found would not
    // fail: the run would quietly do the work on the main thread.
    const bundle = join(REPO, 'dist', 'bundle');
    const files = readdirSync(bundle).filter((name) => name.endsWith('.cjs'));
    const opened = files.flatMap((name) => [...readFileSync(join(bundle, name), 'utf8').matchAll(/new URL\("([^"]+)", __pledgeModuleURL\)/g)].map((match) => match[1]!));
    expect(opened).toEqual(expect.arrayContaining(['./reader-worker.cjs', './pool-worker.cjs', '../../package.json']));
    expect(opened.filter((target) => !existsSync(join(bundle, target)))).toEqual([]);
    expect(readFileSync(join(REPO, 'bin', 'pledge.cjs'), 'utf8')).toContain("load(join(__dirname, '..', 'dist', 'bundle', 'pledge.cjs'))");
    // openpgp.js is read from its own file, by every thread that verifies, and never by --help.
    expect(files).toEqual(expect.arrayContaining(['pledge.cjs', 'commands.cjs', 'openpgp.cjs', 'code-cache.cjs', 'pool-worker.cjs', 'reader-worker.cjs']));
    // The commands take the shell's own modules (scripts/bundle.mjs): one PledgeError class, so
    // that a command's usage error is not taken for a bug by cli/main.ts's instanceof.
    const commands = readFileSync(join(bundle, 'commands.cjs'), 'utf8');
    expect(commands).not.toMatch(/class PledgeError|function createProgram/);
    expect(commands).toContain('Symbol.for("pledge.shell-modules")]["src/core/reasons.ts"]');
    for (const name of ['commands.cjs', 'pool-worker.cjs']) expect(readFileSync(join(bundle, name), 'utf8')).toContain('require("./code-cache.cjs").load(require("node:path").join(__dirname, "openpgp.cjs"))');
  });

  /** What a real run of the bundle in `root` compiled, asked of its loader in the same process after the run. */
  const probe = (root: string, args: string[]) => {
    const script = `const { load, cacheUse } = require(${JSON.stringify(join(root, 'dist', 'bundle', 'code-cache.cjs'))});
      const silent = () => new (require('node:stream').Writable)({ write: (_chunk, _encoding, done) => done() });
      load(${JSON.stringify(join(root, 'dist', 'bundle', 'pledge.cjs'))}).run(['node', 'pledge', ...${JSON.stringify(args)}], { stdout: silent(), stderr: silent(), env: {}, cwd: ${JSON.stringify(REPO)} })
        .then((code) => console.log(JSON.stringify({ code, use: cacheUse().map(({ file, compiled }) => [require('node:path').basename(file), compiled]), builtIns: process.moduleLoadList.filter((entry) => entry.startsWith('NativeModule ')).map((entry) => entry.slice(13)) })));`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: REPO });
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout) as { code: number; use: [string, string][]; builtIns: string[] };
  };
  const EXAMPLE = ['verify', '--offline', '--keyring', 'examples/keys', 'examples/signed-post.md'];
  /** The example's run in this checkout, probed once for the two tests that ask it (0.2 s each). */
  let exampleRun: ReturnType<typeof probe> | undefined;
  const example = () => (exampleRun ??= probe(REPO, EXAMPLE));

  it('compiles the CLI and openpgp.js from the code cache the build made, and loads openpgp.js only for a command that verifies', () => {
    expect(probe(REPO, ['--help'])).toMatchObject({ code: 0, use: [['pledge.cjs', 'from cache']] });
    expect(example()).toMatchObject({
      code: 0,
      use: [
        ['pledge.cjs', 'from cache'],
        ['commands.cjs', 'from cache'],
        ['openpgp.cjs', 'from cache'],
      ],
    });
  });

  it('loads no built-in module that a one-document verify does not use: it spawns nothing, inflates nothing, resolves no name, asks nothing', () => {
    // src/core/built-ins.ts requires these on first use; each cost the start-up 0.5–1 ms (issue 15).
    const { code, builtIns } = example();
    expect(code).toBe(0);
    expect(builtIns).toContain('crypto'); // the list is Node's own record of what this run loaded
    expect(builtIns.filter((name) => ['child_process', 'dns', 'readline/promises', 'zlib'].includes(name))).toEqual([]);
  });

  it('compiles from source, with the same verdicts, when V8 refuses the caches (those of another Node)', () => {
    // An installed copy whose caches carry another V8's version: the header V8 checks first.
    const root = mkdtempSync(join(tmpdir(), 'pledge-code-cache-'));
    for (const part of ['bin', 'dist/bundle', 'package.json', 'schema']) cpSync(join(REPO, part), join(root, part), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
    for (const name of readdirSync(join(root, 'dist', 'bundle')).filter((file) => file.endsWith('.cache'))) {
      const cache = readFileSync(join(root, 'dist', 'bundle', name));
      for (let index = 4; index < 8; index++) cache[index] = cache[index]! ^ 0xff;
      writeFileSync(join(root, 'dist', 'bundle', name), cache);
    }
    expect(probe(root, EXAMPLE)).toMatchObject({
      code: 0,
      use: [
        ['pledge.cjs', 'from source: cache refused'],
        ['commands.cjs', 'from source: cache refused'],
        ['openpgp.cjs', 'from source: cache refused'],
      ],
    });
    const cli = (at: string, file: string) => spawnSync(process.execPath, [join(at, 'bin', 'pledge.cjs'), 'verify', '--offline', '--json', '--keyring', 'examples/keys', file], { encoding: 'utf8', cwd: REPO });
    const forged = join(root, 'forged.md');
    writeFileSync(forged, readFileSync(join(REPO, 'examples', 'signed-post.md'), 'utf8').replace('\nI hereby commit', '\nI hereby refuse'));
    for (const file of ['examples/signed-post.md', forged]) {
      const [fresh, cached] = [cli(root, file), cli(REPO, file)];
      expect(fresh.status).toBe(cached.status);
      expect(JSON.parse(fresh.stdout).documents).toEqual(JSON.parse(cached.stdout).documents);
    }
    expect(cli(root, forged).status).toBe(1);
  });
});
