/**
 * Issue 19, round 2 of hostile documents: rows D-04 (entity-encoded line breaks in HTML),
 * R-08 (YAML front matter size and depth) and D-05 (a block hidden in an HTML comment, next
 * to a decoy whose armor lines end in non-ASCII spaces).
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { readFrontMatter } from '../../src/extract/front-matter.js';
import { assertNothingUnproven, clearsign, newKey, okBlock, scratchDir, verdicts, verify, writeIn, type Made } from './assert-nothing-unproven.js';

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
    // Under the cap, nesting that overflows yaml's stack is no front matter, and the document still verifies.
    const deep = `---\nx: ${'['.repeat(DEFAULT_LIMITS.maxFrontMatterChars - 10)}\n---\n`;
    expect(readFrontMatter(deep, DEFAULT_LIMITS)).toEqual({ ok: true, data: null });
    const under = await writeIn(dir, 'under.md', `${deep}\n\`\`\`text\n${block}\`\`\`\n`);
    const control = await verify([under], { keyrings: [ring] });
    expect(verdicts(control)).toEqual([VERIFIED]);
    await assertNothingUnproven(control);
  }, 60_000);
});
