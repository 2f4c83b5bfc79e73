/** Issue 17: globs as people know them (picomatch): braces, classes, `!` negation; a glob matching nothing is a warning naming it. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandGlobs, globMatcher, unmatchedGlobs } from '../../src/core/glob.js';
import { GLOB_LIMITS, globProblem } from '../../src/core/glob-shape.js';
import { PledgeError } from '../../src/core/reasons.js';
import { clearsign, createSigner } from '../helpers/sign.js';
import { runCli, runInProcess } from '../helpers/run-cli.js';

/** Before GLOB_LIMITS, matching one path against this aborted Node compiling its regular expression (exit 134, no catch). */
const HOSTILE_GLOB = `${'!('.repeat(2500)}a${')'.repeat(2500)}`;

describe('globMatcher', () => {
  it('reads braces, classes, ** and ./', () => {
    const matches = globMatcher(['*.{md,txt}', 'posts/[a-c]*.html', './docs/**/*.md']);
    expect(['a.md', 'b.txt', 'posts/alpha.html', 'posts/c.html', 'docs/x.md', 'docs/a/b/y.md'].filter(matches)).toHaveLength(6);
    expect(['a.html', 'sub/a.md', 'posts/delta.html', 'docs/x.txt'].filter(matches)).toEqual([]);
  });
  it('! takes paths back out of the list; a list of !globs alone starts from everything; an empty list takes nothing', () => {
    const matches = globMatcher(['**/*.md', '!drafts/**', '!**/README.md']);
    expect(['post.md', 'a/post.md'].every(matches)).toBe(true);
    expect(['drafts/post.md', 'a/README.md', 'README.md'].some(matches)).toBe(false);
    expect(globMatcher(['!*.txt'])('a.md')).toBe(true);
    expect(globMatcher(['!*.txt'])('a.txt')).toBe(false);
    expect(globMatcher([])('a.md')).toBe(false);
  });
});

describe('the shape of a glob (GLOB_LIMITS)', () => {
  it('refuses globs nested past the depth, with more groups or longer than the limits; real globs and escaped brackets pass', () => {
    const nested = (depth: number) => `${'@('.repeat(depth)}a${')'.repeat(depth)}`;
    expect(globProblem(nested(GLOB_LIMITS.depth))).toBeNull();
    expect(globProblem(nested(GLOB_LIMITS.depth + 1))).toBe(`nests groups ${GLOB_LIMITS.depth + 1} deep, over ${GLOB_LIMITS.depth}`);
    expect(globProblem(HOSTILE_GLOB)).toBe(`nests groups 2500 deep, over ${GLOB_LIMITS.depth}`);
    expect(globProblem('{a,b}'.repeat(GLOB_LIMITS.groups))).toBeNull();
    expect(globProblem('{a,b}'.repeat(GLOB_LIMITS.groups + 1))).toBe(`opens ${GLOB_LIMITS.groups + 1} groups, over ${GLOB_LIMITS.groups}`);
    expect(globProblem('a'.repeat(GLOB_LIMITS.length + 1))).toBe(`is ${GLOB_LIMITS.length + 1} characters long, over ${GLOB_LIMITS.length}`);
    expect(globProblem(`${'\\('.repeat(100)}x`)).toBeNull(); // escaped: literal brackets open nothing
    for (const glob of ['**/*.{md,txt}', '!drafts/**', 'posts/[a-c]*.html', 'signers/+(a|b)/*.md', '_signatures/*.asc']) expect(globProblem(glob)).toBeNull();
  });

  it('globMatcher refuses such a glob before picomatch sees it, as a usage error naming it cut short', () => {
    let refusal: unknown = null;
    try {
      globMatcher(['**/*.md', HOSTILE_GLOB]);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(PledgeError);
    expect(refusal).toMatchObject({ code: 'usage', message: `the glob "${HOSTILE_GLOB.slice(0, 57)}…" nests groups 2500 deep, over ${GLOB_LIMITS.depth}` });
  });

  it('from --include, --exclude or a config, the pledge command refuses it (exit 2, where it came from), never aborting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pledge-glob-hostile-'));
    await writeFile(join(dir, 'a.md'), 'no block here\n');
    for (const option of ['--include', '--exclude']) {
      const result = await runCli(['verify', '--offline', '--no-cache', option, HOSTILE_GLOB, dir]);
      expect(result.stderr).not.toContain('FATAL');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`option '${option} <glob>' argument`);
      expect(result.stderr).toContain(`the glob nests groups 2500 deep, over ${GLOB_LIMITS.depth}`);
    }
    expect((await runInProcess(['init'], { cwd: dir })).code).toBe(0);
    const { readFile } = await import('node:fs/promises');
    const config = JSON.parse(await readFile(join(dir, 'pledge.config.json'), 'utf8'));
    await writeFile(join(dir, 'pledge.config.json'), JSON.stringify({ ...config, exclude: [...config.exclude, HOSTILE_GLOB] }));
    const result = await runCli(['verify', '--offline', '--no-cache'], {}, dir);
    expect(result.stderr).not.toContain('FATAL');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pledge.config.json is not a valid pledge config:');
    expect(result.stderr).toContain(`/exclude/${config.exclude.length}: the glob "${HOSTILE_GLOB.slice(0, 57)}…" nests groups 2500 deep`);
  });
});

describe('walking with globs', () => {
  let dir: string;
  let key: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pledge-glob-'));
    const signer = await createSigner();
    key = join(dir, '..', `${dir.split('/').pop()}.asc`);
    await writeFile(key, signer.armoredPublicKey);
    const block = await clearsign('Globbed.\n', [signer]);
    await mkdir(join(dir, 'drafts'));
    for (const name of ['a.md', 'b.txt', 'c.html', 'drafts/d.md']) await writeFile(join(dir, name), `${name}\n\n${block}`);
  });

  it('expandGlobs and unmatchedGlobs', async () => {
    expect(await expandGlobs(dir, ['**/*.{md,txt}', '!drafts/**'])).toEqual(['a.md', 'b.txt']);
    expect(await unmatchedGlobs(dir, ['*.md', '*.rst', 'drafts/*', '!nothing'])).toEqual(['*.rst']);
  });

  it('verify --include with braces and negation reads those files only', async () => {
    const result = await runInProcess(['verify', '--offline', '--no-cache', '--json', '-k', key, '--include', '**/*.{md,txt}', '--include', '!drafts/**', dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).documents.map((document: { path: string }) => document.path.split('/').pop())).toEqual(['a.md', 'b.txt']);
  });

  it('an --include or --exclude glob that matches no file is a warning naming it', async () => {
    const result = await runInProcess(['verify', '--offline', '--no-cache', '-k', key, '--include', '*.{md,mdx}', '--include', '*.rst', '--exclude', 'nope/**', dir]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`pledge: warning: --include *.rst matches no file in ${dir}`);
    expect(result.stderr).toContain(`pledge: warning: --exclude nope/** matches no file in ${dir}`);
    expect(result.stderr).not.toContain('*.{md,mdx}');
  });
});

describe('the config globs', () => {
  it('a documents or exclude glob matching no file in the repository is a warning naming it', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'pledge-glob-repo-'));
    expect((await runInProcess(['init'], { cwd: repo })).code).toBe(0);
    const { readFile } = await import('node:fs/promises');
    const config = JSON.parse(await readFile(join(repo, 'pledge.config.json'), 'utf8'));
    await writeFile(join(repo, 'pledge.config.json'), JSON.stringify({ ...config, documents: [...config.documents, 'people/*.{md,txt}'], exclude: [...config.exclude, 'people/[A-Z]*.md'] }));
    const result = await runInProcess(['verify', '--offline', '--no-cache'], { cwd: repo });
    expect(result.stderr).toContain('pledge: warning: pledge.config.json: documents glob people/*.{md,txt} matches no file in the repository');
    expect(result.stderr).toContain('pledge: warning: pledge.config.json: exclude glob people/[A-Z]*.md matches no file in the repository');
    expect(result.stderr).not.toContain('_signatures/');
  });
});
