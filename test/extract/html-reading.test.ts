/**
 * Issue 16, items 1 and 2: an HTML page read as a browser reads it. Every named character
 * reference decodes as the HTML standard says (not nine of them), and highlighting markup that
 * only colours or lays out lines inside a <pre>/<code> is undone; anything that can hide, add,
 * move or reorder text keeps the block malformed.
 */
import { describe, expect, it } from 'vitest';
import { assertNothingUnproven, clearsign, newKey, okBlock, scratchDir, verdicts, verify, writeIn } from '../security/assert-nothing-unproven.js';
import { decodeEntities, decodeLine } from '../../src/extract/line-views.js';

const VERIFIED = okBlock(['verified', null]);
const page = (body: string) => `<!doctype html>\n<html><body>\n<h1>Pledge</h1>\n<pre>${body}</pre>\n</body></html>\n`;

/** Text for HTML: the characters named references spell, written as those references. */
const NAMED: [string, string][] = [
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['\u2019', '&rsquo;'],
  ['\u00E9', '&eacute;'],
  ['\u00A9', '&copy;'],
  ['\u20AC', '&euro;'],
  ['\u00AB', '&laquo;'],
  ['\u00BB', '&raquo;'],
];
const asNamed = (text: string) => NAMED.reduce((html, [character, reference]) => html.split(character).join(reference), text);

describe('HTML character references', () => {
  it('decodes the whole HTML5 table as browsers do: named, legacy without semicolon, numeric remapped, once only', () => {
    expect(decodeEntities('&rsquo;&eacute;&copy;&hearts;&NotNestedGreaterGreater;')).toBe('\u2019\u00E9\u00A9\u2665\u2AA2\u0338');
    // Legacy references need no semicolon; others do, and an unknown name stays as typed.
    expect(decodeEntities('&copy 2026 &notit; &rsquo &bogus;')).toBe('\u00A9 2026 \u00ACit; &rsquo &bogus;');
    // Numeric references in 0x80–0x9F are Windows-1252 to a browser; surrogates are U+FFFD.
    expect(decodeEntities('&#150;&#x93;&#xD800;&#0;')).toBe('\u2013\u201C\uFFFD\uFFFD');
    expect(decodeEntities('&amp;lt; &amp;rsquo;')).toBe('&lt; &rsquo;');
    // D-04 still cuts where a reference decodes to a line break, and only there: a literal CR stays.
    expect(decodeLine('a&NewLine;b&#10c\rd&copy;')).toEqual(['a', 'b', 'c\rd\u00A9']);
  });

  it('a good signature in <pre> whose text has ’ é © written as named references verifies; a changed character is bad-signature', async () => {
    const alice = await newKey();
    const dir = await scratchDir();
    const ring = await writeIn(dir, 'alice.asc', alice.armored);
    const text = 'Caf\u00E9 owners\u2019 pledge \u00A9 2026: \u00ABno more\u00BB, \u20AC0 & <free>.';
    const block = (await clearsign(`${text}\n`, [alice])).replace(/\r/g, '');
    const good = await writeIn(dir, 'good.html', page(asNamed(block)));
    expect(asNamed(block)).toContain('&rsquo;');
    const changed = await writeIn(dir, 'changed.html', page(asNamed(block).replace('&eacute;', '&egrave;')));
    const manifest = await verify([good, changed], { keyrings: [ring] });
    expect(verdicts(manifest)).toEqual([VERIFIED, okBlock(['bad-signature', 'signature-mismatch'])]);
    expect(manifest.documents[0]!.blocks[0]).toMatchObject({ signedText: `${text}\n`, rendering: ['html-entities'] });
    await assertNothingUnproven(await verify([good], { keyrings: [ring] }));
  });
});
