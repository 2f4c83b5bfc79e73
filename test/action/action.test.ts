import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { REPO, runCli } from '../helpers/run-cli.js';

// Issue 17 #2: the Action is one committed bundle the runner's Node runs with nothing installed.
// It is run here as the runner runs it: `node action/dist/index.cjs` from a copy of the action's
// checkout that has no node_modules, no dist/ and no sources, in a signers repository, with the
// INPUT_* variables the runner sets (INPUT_<NAME upper-cased, spaces as _>, defaults included),
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY.
const BUNDLE = 'action/dist/index.cjs';
const action = parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
};
const work = mkdtempSync(join(tmpdir(), 'pledge-action-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** What `uses: pledge-verify/pledge@…` downloads, less everything the bundle must not need (node_modules, dist/, src/). */
const home = join(work, 'action-home');
beforeAll(() => {
  for (const path of ['action.yml', 'package.json', 'schema', BUNDLE]) cpSync(join(REPO, path), join(home, path), { recursive: true });
});

/** A clone of the example signers repository with main (and signers.json) on origin, as CI checks out. */
function signersRepository(name: string): string {
  const origin = join(work, name, 'origin');
  cpSync(join(REPO, 'examples/signers-repo'), origin, { recursive: true });
  git(origin, 'init', '-q', '-b', 'main');
  git(origin, 'add', '.');
  git(origin, 'commit', '-qm', 'signers');
  git(join(work, name), 'clone', '-q', origin, 'checkout');
  return join(work, name, 'checkout');
}

interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** Runs the bundle as the runner does: every declared input set (its default unless given). */
function runAction(cwd: string, inputs: Record<string, string>): ActionRun {
  const unknown = Object.keys(inputs).filter((name) => !(name in action.inputs));
  expect(unknown).toEqual([]);
  const temp = mkdtempSync(join(work, 'runner-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: temp, RUNNER_TEMP: temp, GITHUB_WORKSPACE: cwd, GITHUB_ACTIONS: 'true', NO_COLOR: '1', XDG_CACHE_HOME: join(temp, 'cache') };
  env.GITHUB_OUTPUT = join(temp, 'output');
  env.GITHUB_STEP_SUMMARY = join(temp, 'summary');
  writeFileSync(env.GITHUB_OUTPUT, '');
  writeFileSync(env.GITHUB_STEP_SUMMARY, '');
  for (const [name, { default: fallback }] of Object.entries(action.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = inputs[name] ?? fallback;
  const result = spawnSync(process.execPath, [join(home, action.runs.main)], { cwd, env, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, outputs: parseOutputs(readFileSync(env.GITHUB_OUTPUT, 'utf8')), summary: readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8') };
}

/** $GITHUB_OUTPUT as the runner reads it: `name=value` lines, or `name<<DELIMITER` … `DELIMITER`. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  return outputs;
}

describe('the committed bundle (issue 17 #2)', () => {
  it('is what the sources build, byte for byte (npm run build:action rebuilds it)', () => {
    const rebuilt = join(work, 'rebuilt.cjs');
    execFileSync(process.execPath, ['scripts/build-action.mjs', '--outfile', rebuilt], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const same = readFileSync(rebuilt).equals(readFileSync(join(REPO, BUNDLE)));
    expect(same, `${BUNDLE} differs from what action/src and src/ build: run npm run build:action and commit it`).toBe(true);
  });

  it('is a Node action whose main is that file, and the only file it runs', () => {
    expect(action.runs).toEqual({ using: 'node24', main: BUNDLE });
    const bundle = readFileSync(join(REPO, BUNDLE), 'utf8');
    // Only Node's own modules are required at run time: every dependency is inside. (Ajv's
    // runtime names, in quotes, are code for its standalone mode, never run here.)
    const required = new Set([...bundle.matchAll(/(?<!['`])\brequire\("([^"]+)"\)/g)].map((match) => match[1]!));
    expect([...required].filter((name) => !name.startsWith('node:') && !['fs', 'path', 'os', 'util', 'url', 'stream', 'events', 'crypto', 'zlib', 'net', 'tls', 'http', 'https', 'http2', 'dns', 'assert', 'buffer', 'worker_threads', 'async_hooks', 'diagnostics_channel', 'perf_hooks', 'querystring', 'string_decoder', 'console', 'child_process', 'readline', 'timers', 'process', 'module', 'sqlite'].includes(name))).toEqual([]);
  });

  it('declares every input the source reads and every output it writes', () => {
    const source = readFileSync(join(REPO, 'action/src/inputs.ts'), 'utf8') + readFileSync(join(REPO, 'action/src/main.ts'), 'utf8');
    const read = [...source.matchAll(/input\(env, '([^']+)'\)|\['([a-z-]+)', '--[a-z-]+'\]/g)].map((match) => match[1] ?? match[2]!);
    expect(new Set(read)).toEqual(new Set(Object.keys(action.inputs)));
    const written = [...source.matchAll(/setOutput\('([^']+)'/g)].map((match) => match[1]!);
    expect(new Set(written)).toEqual(new Set(Object.keys(action.outputs)));
  });
});

describe('the Action in a simulated runner (issue 17 #2)', () => {
  let main: string;
  beforeAll(async () => {
    main = signersRepository('main');
    expect((await runCli(['manifest', '--offline'], {}, main)).code).toBe(0);
    git(main, 'add', 'signers.json');
    git(main, 'commit', '-qm', 'manifest');
  });

  it('on main: --check-manifest passes, outputs the counts and the manifest path, and writes the summary', () => {
    const run = runAction(main, { 'check-manifest': 'signers.json', args: '--offline' });
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(run.outputs).toEqual({ manifest: expect.stringMatching(/pledge-manifest\.json$/), verified: '3', failed: '0', unchecked: '0' });
    const manifest = JSON.parse(readFileSync(run.outputs.manifest!, 'utf8'));
    expectValidManifest(manifest);
    expect(manifest.documents.map((document: { path: string }) => document.path)).toEqual(['_signatures/ada-lovelace.md', '_signatures/alan-turing.md', '_signatures/grace-hopper.md']);
    expect(run.summary.startsWith('### ✅ pledge: 3 signatures verified')).toBe(true);
  });

  it('control: with signers.json out of date, the same run fails', () => {
    writeFileSync(join(main, 'signers.json'), readFileSync(join(main, 'signers.json'), 'utf8').replace('Ada Lovelace', 'Ada King'));
    try {
      expect(runAction(main, { 'check-manifest': 'signers.json', args: '--offline' }).code).toBe(1);
    } finally {
      git(main, 'checkout', '--', 'signers.json');
    }
  });

  it('passes a glob in args to pledge verbatim, never expanded by a shell, and quotes as a shell does', () => {
    const run = runAction(main, { args: `--offline --include _signatures/*.md --exclude "_signatures/no such/*.md"` });
    expect(run.code).toBe(0);
    const command = run.stdout.split('\n').find((line) => line.startsWith('pledge verify '));
    expect(command).toBe(`pledge verify --format github --manifest ${join(run.outputs.manifest!)} --jobs 1 --offline --include '_signatures/*.md' --exclude '_signatures/no such/*.md'`);
  });

  it('refuses args a shell could not split (an open quote), with an error annotation and exit 2', () => {
    const run = runAction(main, { args: `--offline --include "_signatures/*.md` });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^::error title=pledge::input args: /m);
    expect(run.outputs).toEqual({});
  });

  it('hands cache-dir and config to pledge as its options', () => {
    const cache = join(work, 'key cache');
    const run = runAction(main, { 'cache-dir': cache, config: 'pledge.config.json', args: '--offline' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(` --config pledge.config.json --cache-dir '${cache}' --offline`);
  });

  it('on a pull request with a bad signer file: an annotation on it, failed 1, exit 1', () => {
    const pr = signersRepository('pull-request');
    git(pr, 'checkout', '-qb', 'new-signer');
    const ada = readFileSync(join(pr, '_signatures/ada-lovelace.md'), 'utf8');
    writeFileSync(join(pr, '_signatures/ada-king.md'), ada.replace('I, Ada Lovelace, commit', 'I, Ada King, commit').replace('name: Ada Lovelace', 'name: Ada King'));
    git(pr, 'add', '.');
    git(pr, 'commit', '-qm', 'Ada King signs');
    const run = runAction(pr, { 'changed-since': 'origin/main', args: '--offline' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error file=_signatures\/ada-king\.md,line=\d+,endLine=\d+,title=pledge%3A bad-signature::/m);
    expect(run.outputs).toMatchObject({ verified: '0', failed: '1' });
    expect(run.summary).toContain('❌');
    expect(existsSync(run.outputs.manifest!)).toBe(true);
  });
});
