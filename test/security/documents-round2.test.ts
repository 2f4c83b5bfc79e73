/**
 * Issue 19, round 2 of hostile documents: rows D-04 (entity-encoded line breaks in HTML),
 * R-08 (YAML front matter size and depth) and D-05 (a block hidden in an HTML comment, next
 * to a decoy whose armor lines end in non-ASCII spaces).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { MAX_FRONT_MATTER_DEPTH, readFrontMatter } from '../../src/extract/front-matter.js';
import { assertNothingUnproven, at, clearsign, cli, malformedBlock, newKey, okBlock, scratchDir, verdicts, verify, writeIn, type Made } from './assert-nothing-unproven.js';

const VERIFIED = okBlock(['verified', null]);
const TEXT = 'I, the undersigned, support the pledge.\n';

async function keyring(dir: string, key: Made): Promise<string> {
  return writeIn(dir, 'alice.asc', key.armored);
}

describe('R: front matter', () => {
  it('R-08: front matter over the cap (a 389 KB key list, 200,000-deep nesting) is refused by name; one hostile document never loses the three good ones', async () => {
    const alice = await newKey();
    const block = await clearsign(TEXT, [alice]);
    const dir = await scratchDir();
    const ring = await keyring(dir, alice);
    const folder = join(dir, 'posts');
    await mkdir(folder);
    const good = (name: string) => writeIn(folder, name, `---\ntitle: ${name}\n---\n\n\`\`\`text\n${block}\`\`\`\n`);
    for (const name of ['a.md', 'c.md', 'd.md']) await good(name);
    // The batch that crashed the heap: nesting far deeper than yaml's stack.
    await writeIn(folder, 'b.md', `---\nx: ${'['.repeat(200_000)}\n---\n\n\`\`\`text\n${block}\`\`\`\n`);
    const manifest = await verify([folder], { keyrings: [ring] });
    const byName = Object.fromEntries(manifest.documents.map((d) => [d.path.split('/').pop(), d]));
    for (const name of ['a.md', 'c.md', 'd.md']) expect(byName[name]).toMatchObject({ status: 'signed' });
    expect(verdicts({ ...manifest, documents: manifest.documents.filter((d) => d !== byName['b.md']) })).toEqual([VERIFIED, VERIFIED, VERIFIED]);
    expect(byName['b.md']).toMatchObject({ status: 'unreadable', error: { code: 'input-too-large' }, blocks: [] });
    expect(byName['b.md']!.error!.message).toContain('--max-front-matter-chars');
    await assertNothingUnproven(manifest);

    // The quadratic case: the verdict of the limit, not a time.
    const flat = Array.from({ length: 40_000 }, (_, i) => `k${i}: v${i}`).join('\n');
    expect(flat.length).toBeGreaterThan(380_000);
    expect(readFrontMatter(`---\n${flat}\n---\n`, DEFAULT_LIMITS)).toMatchObject({ ok: false, reason: { code: 'input-too-large' } });
    // Raised by the option, the same front matter parses.
    const raised = readFrontMatter(`---\n${flat.slice(0, 2_000)}\nend: 1\n---\n`, { maxFrontMatterChars: 2_100 });
    expect(raised).toMatchObject({ ok: true, data: { k0: 'v0', end: 1 } });
    // Under the cap, nesting deeper than yaml's stack is no front matter, and the document still verifies.
    const deep = `---\nx: ${'['.repeat(DEFAULT_LIMITS.maxFrontMatterChars - 10)}\n---\n`;
    expect(readFrontMatter(deep, DEFAULT_LIMITS)).toEqual({ ok: true, data: null });
    const under = await writeIn(dir, 'under.md', `${deep}\n\`\`\`text\n${block}\`\`\`\n`);
    const control = await verify([under], { keyrings: [ring] });
    expect(verdicts(control)).toEqual([VERIFIED]);
    await assertNothingUnproven(control);
  }, 60_000);

  it('R-08: front matter nested past MAX_FRONT_MATTER_DEPTH is no front matter, decided before yaml recurses: the process is never aborted', () => {
    // yaml catches its own stack overflow, but at the stack's edge V8 can abort the process
    // compiling a regular expression ("FATAL ERROR: RegExpCompiler Allocation failed", exit 134),
    // which no catch stops: it took a whole test run down. Called at a few dozen stack depths, as
    // a walk or a caller deep in its own frames would, the old code died within the first ten.
    const script = `import { readFrontMatter } from ${JSON.stringify(at('dist/extract/front-matter.js'))};
      const deep = (frames, call) => (frames === 0 ? call() : deep(frames - 1, call) + 0);
      const outcomes = new Set();
      for (let frames = 0; frames < 40; frames++)
        for (const size of [1000, 8000])
          deep(frames, () => outcomes.add(JSON.stringify(readFrontMatter('---\\nx: ' + '['.repeat(size) + ']'.repeat(size) + '\\n---\\n', { maxFrontMatterChars: 16384 }))));
      process.stdout.write([...outcomes].join('\\n'));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).not.toContain('FATAL ERROR');
    expect({ status: child.status, signal: child.signal, stdout: child.stdout }).toEqual({ status: 0, signal: null, stdout: JSON.stringify({ ok: true, data: null }) });

    // The bound, by collections nested inside the top-level mapping (flow or block): at it the mapping parses, one deeper it is none.
    const flow = (depth: number) => `---\nx: ${'['.repeat(depth)}1${']'.repeat(depth)}\n---\n`;
    expect(readFrontMatter(flow(MAX_FRONT_MATTER_DEPTH), DEFAULT_LIMITS)).toMatchObject({ ok: true, data: { x: [expect.anything()] } });
    expect(readFrontMatter(flow(MAX_FRONT_MATTER_DEPTH + 1), DEFAULT_LIMITS)).toEqual({ ok: true, data: null });
    const block = (depth: number) => `---\n${Array.from({ length: depth }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n')} v\n---\n`;
    expect(readFrontMatter(block(MAX_FRONT_MATTER_DEPTH + 1), DEFAULT_LIMITS)).toMatchObject({ ok: true, data: { k0: expect.anything() } });
    expect(readFrontMatter(block(MAX_FRONT_MATTER_DEPTH + 2), DEFAULT_LIMITS)).toEqual({ ok: true, data: null });
    // A real header (tags, nested author) is far inside it.
    expect(readFrontMatter('---\ntitle: Pledge\ntags: [ethics, pledge]\nauthor:\n  name: Ada\n  links:\n    - https://example.org\n---\n', DEFAULT_LIMITS)).toEqual({
      ok: true,
      data: { title: 'Pledge', tags: ['ethics', 'pledge'], author: { name: 'Ada', links: ['https://example.org'] } },
    });
  });

  it("front matter yaml warns about (an unknown tag) prints nothing: stderr is pledge's own", async () => {
    const alice = await newKey();
    const block = await clearsign(TEXT, [alice]);
    const dir = await scratchDir();
    const ring = await keyring(dir, alice);
    const post = await writeIn(dir, 'tagged.md', `---\ntitle: !custom Pledge\ntags:\n  - ethics\n---\n\n\`\`\`text\n${block}\`\`\`\n`);
    const child = spawnSync(process.execPath, [at('bin/pledge.cjs'), 'verify', '--offline', '--keyring', ring, post], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(child.status).toBe(0);
    expect(child.stdout).toContain('verified');
    // Before: "(node:…) [TAG_RESOLVE_FAILED] YAMLWarning: Unresolved tag: !custom" on stderr.
    expect(child.stderr).toBe('');
  });
});

/** A page with `body` as the text of one <pre>. */
const page = (body: string) => `<!doctype html>\n<html><body>\n<h1>Pledge</h1>\n<pre>${body}</pre>\n</body></html>\n`;

/** The lines of an openpgp.js block, CRs dropped: BEGIN, Hash:, blank, the text line, then the signature armor. */
async function blockLines(text: string, key: Made): Promise<{ head: string[]; signature: string[]; all: string[] }> {
  const all = (await clearsign(text, [key])).replace(/\r/g, '').trimEnd().split('\n');
  const at = all.indexOf(text);
  return { head: all.slice(0, at), signature: all.slice(at + 1), all };
}

describe('D: entity-encoded line breaks in HTML', () => {
  const BREAKS = ['&#10;', '&#xA;', '&#x0a;', '&#010;', '&#0000010;', '&#10', '&#13;', '&#xD;', '&NewLine;', '&#x2028;'];

  it('D-04: a character reference that decodes to a line break inside a <pre> block is refused (encoded-line-break), however it is spelt; hidden armor and unsigned lines never verify', async () => {
    const alice = await newKey();
    const dir = await scratchDir();
    const ring = await keyring(dir, alice);
    const { head, signature, all } = await blockLines('I owe Bob $10.', alice);
    const unsigned = 'I also give Bob my house.';
    for (const encoded of BREAKS) {
      // The genuine armor hides in the text line, joined by the reference; the lines the page
      // shows after it (unsigned text, a second copy of the armor) are what pledge used to check.
      const hidden = await writeIn(dir, 'hidden.html', page(`${head.join('\n')}\nI owe Bob $10.${encoded}${signature.join(encoded)}\n${unsigned}\n${signature.join('\n')}\n`));
      const manifest = await verify([hidden], { keyrings: [ring] });
      expect.soft(verdicts(manifest)[0], encoded).toEqual(malformedBlock('encoded-line-break'));
      expect.soft(manifest.summary.verified, encoded).toBe(0);
      await assertNothingUnproven(manifest, { unsigned: [unsigned] });

      // The whole block on one source line: browsers show a block; it is found and refused, not passed over.
      const oneLine = await writeIn(dir, 'one-line.html', page(`${all.join(encoded)}\n`));
      const single = await verify([oneLine], { keyrings: [ring] });
      expect.soft(single.documents[0], encoded).toMatchObject({ status: 'signed', blocks: [{ startLine: 4, endLine: 4, status: 'malformed', error: { code: 'encoded-line-break' } }] });
      await assertNothingUnproven(single);
    }
  });

  it('D-04 control: the same block with physical line breaks, <br> and ordinary references verifies', async () => {
    const alice = await newKey();
    const dir = await scratchDir();
    const ring = await keyring(dir, alice);
    const { head, signature } = await blockLines('Alice & Bob agree.', alice);
    const plain = await writeIn(dir, 'plain.html', page(`${head.join('\n')}\nAlice &amp; Bob agree&#46;\n${signature.join('\n')}\n`));
    const breaks = await writeIn(dir, 'br.html', page(`${head.join('<br>')}<br>Alice &#x26; Bob agree.<br>${signature.join('<br>\n')}\n`));
    const manifest = await verify([plain, breaks], { keyrings: [ring] });
    expect(verdicts(manifest)).toEqual([VERIFIED, VERIFIED]);
    expect(manifest.documents.map((d) => d.blocks[0]!.signedText)).toEqual(['Alice & Bob agree.', 'Alice & Bob agree.']);
    await assertNothingUnproven(manifest);
  });
});

/** A block whose BEGIN, BEGIN PGP SIGNATURE and END lines end in `blank`: renderers show armor, openpgp.js reads text. */
function decoy(block: string, text: string, blank: string): string {
  const [, signature] = block.replace(/\r/g, '').split(/\n(?=-----BEGIN PGP SIGNATURE-----)/);
  const disguise = (line: string) => (/^-----(BEGIN|END) PGP /.test(line) ? line + blank : line);
  return [`-----BEGIN PGP SIGNED MESSAGE-----`, 'Hash: SHA512', '', text, ...signature!.trimEnd().split('\n')].map(disguise).join('\n') + '\n';
}

describe('D: blocks no renderer shows', () => {
  const GENUINE = 'I support the proposal.';
  const SHOWN = 'I oppose the proposal.';

  it('D-05: a block inside an HTML comment (Markdown or HTML) is refused (hidden-block); the decoy beside it, armor lines ending in U+00A0, is reported (disguised-armor), in the manifest and the report', async () => {
    const alice = await newKey();
    const dir = await scratchDir();
    const ring = await keyring(dir, alice);
    const block = (await clearsign(GENUINE, [alice])).replace(/\r/g, '');
    const shown = decoy(block, SHOWN, '\u00A0');
    const markdown = await writeIn(dir, 'post.md', `# Petition\n\n<!--\n\`\`\`text\n${block}\`\`\`\n-->\n\n\`\`\`text\n${shown}\`\`\`\n`);
    const html = await writeIn(dir, 'page.html', page(`</pre>\n<!-- <pre>${block}</pre> -->\n<pre>${shown}`));
    // Inside a <pre>, a comment around the block's lines: none of them holds a tag.
    const inPre = await writeIn(dir, 'in-pre.html', page(`<!--\n${block}-->\n${shown}`));
    const manifest = await verify([markdown, html, inPre], { keyrings: [ring] });
    for (const document of manifest.documents) {
      expect.soft(verdicts({ ...manifest, documents: [document] }), document.path).toEqual([malformedBlock('hidden-block'), malformedBlock('disguised-armor')]);
    }
    const shownBlock = manifest.documents[0]!.blocks[1]!;
    expect(shownBlock.error!.message).toMatch(new RegExp(`^line ${shownBlock.startLine} shows "-----BEGIN PGP SIGNED MESSAGE-----" with U\\+00A0 beside it`));
    expect(manifest.summary.verified).toBe(0);
    await assertNothingUnproven(manifest, { unsigned: [SHOWN] });

    const report = await cli(['verify', '--offline', '--no-cache', '--keyring', ring, markdown]);
    expect(report.code).not.toBe(0);
    expect(report.stdout).toContain('hidden-block');
    expect(report.stdout).toContain('disguised-armor');
  });

  it('D-05: an armor line with any non-ASCII blank or invisible character around it is reported (disguised-armor), never passed over', async () => {
    const alice = await newKey();
    const dir = await scratchDir();
    const ring = await keyring(dir, alice);
    const block = (await clearsign(GENUINE, [alice])).replace(/\r/g, '');
    const paths: string[] = [];
    for (const blank of ['\u00A0', '\u2007', '\u202F', '\u3000', '\u200B', '\uFEFF', '\u00AD']) {
      paths.push(await writeIn(dir, `trailing-${blank.codePointAt(0)!.toString(16)}.md`, `\`\`\`text\n${decoy(block, SHOWN, blank)}\`\`\`\n`));
    }
    // Leading, and on one armor line only (the END line of a genuine block).
    paths.push(await writeIn(dir, 'leading.md', `\`\`\`text\n${block.replace(/^/gm, (_, at: number) => (at === 0 ? '\u00A0' : ''))}\`\`\`\n`));
    paths.push(await writeIn(dir, 'end-only.txt', block.replace('-----END PGP SIGNATURE-----', '-----END PGP SIGNATURE-----\u3000')));
    const manifest = await verify(paths, { keyrings: [ring] });
    for (const document of manifest.documents) expect.soft(verdicts({ ...manifest, documents: [document] }), document.path).toEqual([malformedBlock('disguised-armor')]);
    await assertNothingUnproven(manifest, { unsigned: [SHOWN] });
  });

  it('D-05 control: comments that close before the block, "<!--" in a code fence or a <textarea>, and ASCII trailing spaces leave a genuine block verified', async () => {
    const alice = await newKey();
    const dir = await scratchDir();
    const ring = await keyring(dir, alice);
    const block = (await clearsign(GENUINE, [alice])).replace(/\r/g, '');
    const spaced = block.replace(/^(-----(?:BEGIN|END) PGP [A-Z ]+-----)$/gm, '$1 \t');
    const paths = [
      await writeIn(dir, 'closed.md', `# Petition\n\n<!-- a note for editors -->\n\n<!--\nseveral\nlines\n-->\n\n\`\`\`text\n${block}\`\`\`\n`),
      await writeIn(dir, 'in-fence.md', `\`\`\`html\n<!-- shown as typed\n\`\`\`\n\n\`\`\`text\n${block}\`\`\`\n`),
      await writeIn(dir, 'closed.html', page(`</pre>\n<!-- <pre>old</pre> --><textarea><!--</textarea>\n<pre>\n${block}`)),
    ];
    const manifest = await verify(paths, { keyrings: [ring] });
    expect(verdicts(manifest)).toEqual([VERIFIED, VERIFIED, VERIFIED]);
    await assertNothingUnproven(manifest);
    // Trailing ASCII spaces and tabs on armor lines are read as before (openpgp.js itself would not take the BEGIN line).
    const spaces = await verify([await writeIn(dir, 'spaces.txt', spaced)], { keyrings: [ring] });
    expect(verdicts(spaces)).toEqual([VERIFIED]);
    await assertNothingUnproven(spaces, { recheckText: false });
  });
});
