/**
 * Issue 16: pages built by the static-site generators people use verify, and what a reader's
 * browser shows of the block is what pledge says is signed. The seed post is built with the
 * real Hugo (default highlighting, and Chroma with classes) and the real Pandoc, verified by the
 * built CLI, then opened in headless Chromium to compare innerText with the extracted block.
 * Missing tools skip with a printed reason, unless PLEDGE_REQUIRE_BROWSER=1 (CI) or
 * PLEDGE_REQUIRE_GENERATORS=1.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, copyFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { REPO, runCli } from '../helpers/run-cli.js';
import { announceSkip, browserSkipReason, launchBrowser, shownLines } from '../helpers/browser.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { extractBlocks } from '../../src/extract/extract-blocks.js';
import { decodeDocument } from '../../src/extract/read-document.js';

const REQUIRED = process.env['PLEDGE_REQUIRE_BROWSER'] === '1' || process.env['PLEDGE_REQUIRE_GENERATORS'] === '1';
const has = (tool: string) => spawnSync(tool, ['--version']).status === 0 || spawnSync(tool, ['version']).status === 0;
const HUGO = has('hugo');
const PANDOC = has('pandoc');
for (const [tool, present] of [
  ['hugo', HUGO],
  ['pandoc', PANDOC],
] as const)
  if (!present && !REQUIRED) console.warn(`test/web/generators.test.ts: ${tool} tests skipped: ${tool} not found (apt-get install ${tool}); set PLEDGE_REQUIRE_GENERATORS=1 to make this an error`);
announceSkip('test/web/generators.test.ts');

const POST = join(REPO, 'examples/signed-post.md');
const KEYS = join(REPO, 'examples/keys');
/** The example signers repository's files: statements signed in a ```text fence, as signers write them. */
const SIGNERS = join(REPO, 'examples/signers-repo/_signatures');
const SIGNER_FILES = readdirSync(SIGNERS)
  .filter((name) => name.endsWith('.md') && name !== 'README.md')
  .map((name) => join(SIGNERS, name));
const SIGNER_KEYS = join(REPO, 'examples/signers-repo/keys');
const SOURCES = [POST, ...SIGNER_FILES];

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
}

/** A tiny Hugo site with the seed post; `config` is appended to hugo.toml. Returns the built pages. */
function buildHugo(config: string): string[] {
  const site = mkdtempSync(join(tmpdir(), 'pledge-hugo-'));
  mkdirSync(join(site, 'content/posts'), { recursive: true });
  mkdirSync(join(site, 'layouts/_default'), { recursive: true });
  for (const source of SOURCES) copyFileSync(source, join(site, 'content/posts', basename(source)));
  writeFileSync(join(site, 'hugo.toml'), `baseURL = "https://blog.example/"\ntitle = "Pledges"\n${config}`);
  writeFileSync(join(site, 'layouts/_default/single.html'), '<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n');
  run('hugo', ['--quiet'], site);
  const pages = readdirSync(join(site, 'public/posts'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('index.html') && name !== 'index.html');
  return pages.map((name) => join(site, 'public/posts', name));
}

function buildPandoc(): string[] {
  const folder = mkdtempSync(join(tmpdir(), 'pledge-pandoc-'));
  return SOURCES.map((source) => {
    const out = join(folder, basename(source).replace(/\.md$/, '.html'));
    run('pandoc', [source, '-s', '-o', out], REPO);
    return out;
  });
}

/** The page built from the seed post. */
const seedPage = (pages: string[]) => pages.find((page) => /signed-post|neveragain/.test(page))!;

/** The blocks pledge extracts from a page, as the library's extract step returns them. */
function extracted(page: string) {
  const read = decodeDocument(page, readFileSync(page));
  if (!read.ok) throw new Error(`unreadable: ${page}`);
  return extractBlocks(read.document, DEFAULT_LIMITS);
}

const GENERATORS: [string, boolean, () => string[]][] = [
  ['Hugo, default highlighting', HUGO, () => buildHugo('')],
  ['Hugo, Chroma with classes (noClasses = false)', HUGO, () => buildHugo('[markup.highlight]\nnoClasses = false\n')],
  ['Pandoc -s', PANDOC, buildPandoc],
];

describe('pages built by real static-site generators', () => {
  const built = new Map<string, string[]>();
  let browser: Browser | undefined;
  beforeAll(async () => {
    for (const [name, present, build] of GENERATORS) if (present || REQUIRED) built.set(name, build());
    if (!browserSkipReason()) browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => browser?.close());

  for (const [name, present] of GENERATORS) {
    it.skipIf(!present && !REQUIRED)(`${name}: pledge verify (built CLI, offline) verifies the seed post's page and the example signers' pages`, async () => {
      const pages = built.get(name)!;
      expect(pages).toHaveLength(SOURCES.length);
      const result = await runCli(['verify', '--offline', '--keyring', KEYS, '--keyring', SIGNER_KEYS, '--json', ...pages]);
      expect(result.code, result.stderr).toBe(0);
      const manifest = JSON.parse(result.stdout);
      expect(manifest.summary.verified).toBe(SOURCES.length);
      for (const document of manifest.documents) expect(document.blocks.map((block: { signatures: { status: string }[] }) => block.signatures[0]!.status)).toEqual(['verified']);
      const seed = manifest.documents.find((document: { path: string }) => /signed-post|neveragain/.test(document.path));
      expect(seed.blocks[0].signedText).toContain('I hereby commit to the neveragain.tech pledge.');
    });

    it.skipIf((!present && !REQUIRED) || !!browserSkipReason())(`${name}: the lines Chromium shows of the <pre> are the block pledge extracted`, async () => {
      for (const page of built.get(name)!) {
        const [block] = extracted(page);
        expect(block?.error).toBeNull();
        const { shown, innerText } = await shownLines(browser!, page);
        expect(shown).toBe(block!.armored.replace(/\n+$/, ''));
        // Where no flex item adds line breaks, innerText itself is the block.
        if (!name.includes('default')) expect(innerText.replace(/\n+$/, '')).toBe(block!.armored.replace(/\n+$/, ''));
      }
    });
  }

  it.skipIf(!!browserSkipReason())('a page whose block holds hidden text (a display:none span) is refused by pledge, and Chromium indeed hides it', async () => {
    const hugo = HUGO || REQUIRED ? seedPage(built.get(GENERATORS[0]![0])!) : undefined;
    const source = readFileSync(hugo ?? seedPage(buildPandoc()), 'utf8');
    const hidden = source.replace('I hereby commit', 'I hereby <span style="display:none">do not </span>commit');
    expect(hidden).not.toBe(source);
    const page = join(mkdtempSync(join(tmpdir(), 'pledge-hidden-')), 'index.html');
    writeFileSync(page, hidden);
    const result = await runCli(['verify', '--offline', '--keyring', KEYS, '--json', page]);
    const manifest = JSON.parse(result.stdout);
    expect(result.code).not.toBe(0);
    expect(manifest.summary.verified).toBe(0);
    expect(manifest.documents[0].blocks[0]).toMatchObject({ status: 'malformed', error: { code: 'markup-in-block' } });
    expect(manifest.documents[0].blocks[0].error.message).toContain('display:none');
    const { shown } = await shownLines(browser!, page);
    expect(shown).toContain('I hereby commit');
    expect(shown).not.toContain('do not');
  });
});
