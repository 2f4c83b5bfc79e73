/**
 * threat catalogue, rows O-04, C-25, O-05 (issue 19, round 2): what reaches a CI log, a terminal
 * or a pull-request comment. O-04 runs the built binary (`npm run build` first).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/report/manifest.js';
import { runCli } from '../helpers/run-cli.js';
import { assertNothingUnproven, cleartextBlock, cli, newKey, okBlock as ok, scratchDir, signText, verdicts, writeIn, type Made } from './assert-nothing-unproven.js';

let dir: string;
let alice: Made;
let aliceKeyring: string;

beforeAll(async () => {
  dir = await scratchDir('pledge-sec-o2-');
  alice = await newKey('Alice <alice@example.org>');
  aliceKeyring = await writeIn(dir, 'alice.asc', alice.armored);
});

/** A repository folder holding only `pledge.config.json` with `config` as its bytes. */
async function repositoryWith(name: string, config: string): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder);
  await writeIn(folder, 'pledge.config.json', config);
  return folder;
}

describe('O/C: output, round 2', () => {
  it('O-04: config keys and JSON snippets from the pull request reach stderr of a --format github run escaped', async () => {
    // A key that carries a line break and a workflow command; a value with more commands.
    const hostileKeys = await repositoryWith('o04-keys', '{"documents":["*.md"],"x\\n::error::pwned-key":1,"y\\r\\n::add-mask::secret":2}');
    // Invalid JSON whose error message quotes the text around the fault.
    const hostileJSON = await repositoryWith('o04-json', '{"documents": ["*.md"], "keys": ::set-output name=x::pwned-json ::add-mask::secret}');
    for (const [folder, word] of [[hostileKeys, 'pwned-key'], [hostileJSON, 'pwned-json']] as const) {
      const plain = await runCli(['verify'], {}, folder);
      expect(plain.code).toBe(2);
      // Without --format github the message is as it was: the attacker's text is quoted.
      expect(plain.stderr).toMatch(/^pledge: /);
      const github = await runCli(['verify', '--format', 'github'], {}, folder);
      expect(github.code).toBe(2);
      expect(github.stdout).toBe('');
      const lines = github.stderr.split('\n').filter(Boolean);
      // One line, still readable, naming the file, the fault and the attacker's word.
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^pledge: .*pledge\.config\.json/);
      if (word === 'pwned-key') expect(lines[0]).toContain('is not a valid pledge config');
      if (word === 'pwned-key') expect(lines[0]).toContain(word);
      for (const line of github.stderr.split(/\r?\n|\r/)) expect(line, 'a workflow command at a line start').not.toMatch(/^\s*::/);
      expect(github.stderr).not.toMatch(/::(error|add-mask|set-output)/);
      expect(github.stderr).not.toMatch(/\r/);
    }
    // Control: a plain one-line error reads the same in both formats.
    const plainError = await repositoryWith('o04-control', '{');
    const [human, github] = [await runCli(['verify'], {}, plainError), await runCli(['verify', '--format=github'], {}, plainError)];
    expect(github.code).toBe(2);
    expect(github.stderr).toBe(human.stderr);
    expect(github.stderr).toMatch(/^pledge: .*pledge\.config\.json: .+\n$/);
  });

  it('C-25: invisible and bidi characters (U+061C, tags, U+2061–2064, U+180E, U+3164, U+115F, U+00AD, U+034F) earn confusable-text and are escaped in every report', async () => {
    const invisible = [0x061c, 0xe0001, 0xe0041, 0xe007f, 0x2061, 0x2062, 0x2063, 0x2064, 0x180e, 0x3164, 0x115f, 0x00ad, 0x034f];
    const folder = join(dir, 'c25');
    await mkdir(folder);
    const texts: Record<string, string> = {};
    for (const code of invisible) texts[`u${code.toString(16)}.txt`] = `I agree to pay${String.fromCodePoint(code)} 100 euros.\n`;
    // Controls: plain text, and ordinary accented and CJK text.
    texts['plain.txt'] = 'I agree to pay 100 euros.\n';
    texts['accents.txt'] = 'Café, Straße, Ærø, naïve, 中文テキスト, 한국어 (ok).\n';
    for (const [name, text] of Object.entries(texts)) await writeIn(folder, name, cleartextBlock(text, [await signText(alice, text)]));

    const args = ['verify', '--offline', '--no-cache', '--keyring', aliceKeyring, folder];
    const json = await cli([...args, '--json']);
    expect(json.code).toBe(0);
    const manifest = JSON.parse(json.stdout) as Manifest;
    expect(verdicts(manifest)).toEqual(Object.keys(texts).map(() => ok(['verified', null])));
    const warningsOf = (name: string) => manifest.documents.find((d) => d.path.endsWith(`/${name}`))!.blocks[0]!.signatures[0]!.warnings;
    for (const code of invisible) expect.soft(warningsOf(`u${code.toString(16)}.txt`), `U+${code.toString(16)}`).toContain('confusable-text');
    expect(warningsOf('plain.txt')).toEqual([]);
    expect(warningsOf('accents.txt')).toEqual([]);
    await assertNothingUnproven(manifest);

    for (const format of ['human', 'markdown', 'github']) {
      const run = await cli([...args, '--format', format]);
      for (const code of invisible) {
        const hex = code.toString(16).toUpperCase().padStart(4, '0');
        const escaped = code <= 0xff ? `x${hex.slice(2)}` : code <= 0xffff ? `u${hex}` : `u{${hex}}`;
        expect.soft(run.stdout, `${format}: U+${hex} raw`).not.toContain(String.fromCodePoint(code));
        // The human report quotes signed text only for a problem; the others quote it for the warning.
        if (format !== 'human') expect.soft(run.stdout, `${format}: U+${hex} escaped`).toContain(`\\${escaped}`);
      }
      // A warning for every invisible character, none for the controls: annotations up to GitHub's
      // 10 per step (the 10th saying "and 4 more"), then plain log lines (issue 17 #2).
      if (format === 'github') {
        const lines = run.stdout.split('\n');
        expect(lines.filter((line) => line.startsWith('::warning ') && line.includes('confusable-text'))).toHaveLength(9);
        expect(lines.filter((line) => line.startsWith('::warning title=pledge%3A and 4 more warnings::'))).toHaveLength(1);
        expect(lines.filter((line) => line.startsWith('pledge: warning: ') && line.includes('confusable-text'))).toHaveLength(invisible.length - 9);
      }
    }
  });

  it('O-05: --format markdown leaves no https://, http:// or www. in user IDs and signed text to GitHub\'s autolinker', async () => {
    const mallory = await newKey('Mallory https://evil.example www.evil.example <mallory@example.org>');
    const keyring = await writeIn(dir, 'o05-keys.asc', `${alice.armored}\n${mallory.armored}`);
    const folder = join(dir, 'o05');
    await mkdir(folder);
    const text = 'Pay at http://evil.example/pay, HTTPS://EVIL.example, ftp://x.example or (WWW.evil.example).\n';
    await writeIn(folder, 'mallory.txt', cleartextBlock(text, [await signText(mallory, text)]));
    // The same block with one word changed: a problem, so the signed text is quoted too.
    await writeIn(folder, 'mallory-bad.txt', cleartextBlock(text, [await signText(mallory, text)]).replace('Pay at', 'Pay to'));
    await writeIn(folder, 'alice.txt', cleartextBlock('I agree.\n', [await signText(alice, 'I agree.\n')]));

    const args = ['verify', '--offline', '--no-cache', '--keyring', keyring, folder];
    const manifest = JSON.parse((await cli([...args, '--json'])).stdout) as Manifest;
    expect(verdicts(manifest)).toEqual([ok(['verified', null]), ok(['bad-signature', 'signature-mismatch']), ok(['verified', null])]);
    await assertNothingUnproven(manifest);

    const run = await cli([...args, '--format', 'markdown']);
    expect(run.code).toBe(1);
    // GFM's autolink extension: a scheme followed by "://", or "www." after a non-word character.
    expect(run.stdout).not.toMatch(/[a-z][a-z0-9+.-]*:\/\//i);
    expect(run.stdout).not.toMatch(/(^|[^\w.-])www\./im);
    // Still readable: defanged as https[:]//, www[.] (brackets escaped for Markdown).
    expect(run.stdout).toContain('Mallory https\\[:\\]//evil.example www\\[.\\]evil.example &lt;mallory@example.org&gt;');
    expect(run.stdout).toContain('http\\[:\\]//evil.example/pay, HTTPS\\[:\\]//EVIL.example, ftp\\[:\\]//x.example');
    // Control: an ordinary user ID is unchanged.
    expect(run.stdout).toContain('| Alice &lt;alice@example.org&gt; |');
  });
});
