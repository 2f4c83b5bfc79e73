import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectPaths, collectPathsSync, nothingToRead, type CollectedPath, type CollectOptions } from '../../src/extract/collect-paths.js';
import { naturalCompare } from '../../src/core/natural-order.js';

/** The reading thread walks with collectPathsSync; everything else with collectPaths. They must agree. */
function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'pledge-walk-'));
  const files: Record<string, string> = {
    'a.md': '',
    'b.txt': '',
    'z.md': '',
    '.gitignore': 'b.txt\n',
    '.hidden/x.md': '',
    'node_modules/y.md': '',
    'sub/.gitignore': '*.log\nbuild/\n',
    'sub/c.log': '',
    'sub/d.md': '',
    'sub/B.md': '',
    'sub/build/e.md': '',
    'sub/deeper/f.md': '',
    'sub/deeper/g.txt': '',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function both(paths: string[], options: CollectOptions): Promise<{ sync: CollectedPath[]; async: CollectedPath[] }> {
  const async: CollectedPath[] = [];
  for await (const path of collectPaths(paths, options)) async.push(path);
  return { sync: [...collectPathsSync(paths, options)], async };
}

describe('collectPathsSync', () => {
  const root = tree();
  const cases: [string, string[], CollectOptions][] = [
    ['defaults', [root], {}],
    ['without .gitignore', [root], { gitignore: false }],
    ['with --include', [root], { include: ['**/*.md'] }],
    ['with --exclude', [root], { exclude: ['sub/deeper/**'] }],
    ['files, a missing path and a directory', [join(root, 'b.txt'), join(root, 'missing.md'), join(root, 'sub')], {}],
  ];
  it.each(cases)('walks as collectPaths does: %s', async (_name, paths, options) => {
    const { sync, async } = await both(paths, options);
    expect(sync).toEqual(async);
    expect(sync.length).toBeGreaterThan(0);
  });

  it('skips hidden entries, node_modules and ignored files, in sorted order', () => {
    const walked = [...collectPathsSync([root])].map(({ path }) => path.slice(root.length + 1));
    expect(walked).toEqual(['a.md', 'sub/B.md', 'sub/d.md', 'sub/deeper/f.md', 'sub/deeper/g.txt', 'z.md']);
  });
});

describe('walk order (issue 20 #6)', () => {
  it('is natural: post-2 before post-10, folders too, the same with both walks', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pledge-natural-'));
    for (const name of ['post-10.md', 'post-2.md', 'post-1.md', 'post-02.md', 'Post-3.md', 'v1.10/a.md', 'v1.9/a.md', 'post-100.md']) {
      mkdirSync(dirname(join(root, name)), { recursive: true });
      writeFileSync(join(root, name), '');
    }
    const { sync, async } = await both([root], {});
    expect(sync).toEqual(async);
    expect(sync.map(({ path }) => path.slice(root.length + 1))).toEqual(['Post-3.md', 'post-1.md', 'post-02.md', 'post-2.md', 'post-10.md', 'post-100.md', 'v1.9/a.md', 'v1.10/a.md']);
    expect(sync.every(({ walked }) => walked)).toBe(true);
  });

  it('control: files named on the command line keep the order they were given in, and are not marked walked', async () => {
    const root = tree();
    const named = [join(root, 'z.md'), join(root, 'a.md')];
    const { sync } = await both(named, {});
    expect(sync).toEqual(named.map((path) => ({ path, walked: false })));
  });

  it('compares in a total, locale-free way: digit runs as numbers of any length, leading zeros as a tie-break', () => {
    const names = ['a10', 'a9', 'a', 'a09', 'a0', 'b', 'A', '99999999999999999999999', '100000000000000000000000', 'a9b', 'a9a'];
    const sorted = [...names].sort(naturalCompare);
    expect(sorted).toEqual(['99999999999999999999999', '100000000000000000000000', 'A', 'a', 'a0', 'a09', 'a9', 'a9a', 'a9b', 'a10', 'b']);
    for (const a of names) for (const b of names) expect(Math.sign(naturalCompare(a, b)) + Math.sign(naturalCompare(b, a))).toBe(0);
  });
});

describe('nothingToRead (issue 20 #6)', () => {
  it('names an empty folder, a folder of images only, a filter that matched nothing and an unexpanded pattern', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pledge-empty-'));
    expect(await nothingToRead(empty)).toBe(`no documents in ${empty}`);
    const images = mkdtempSync(join(tmpdir(), 'pledge-images-'));
    writeFileSync(join(images, 'a.png'), 'x');
    expect(await nothingToRead(images)).toBe(`no documents in ${images} (1 file skipped as not text)`);
    const root = tree();
    expect(await nothingToRead(root, { include: ['**/*.html'] })).toBe(`no documents in ${root} (with --include **/*.html)`);
    expect(await nothingToRead(join(root, 'posts', '*.md'))).toBe(`no file matches ${join(root, 'posts', '*.md')}`);
  });

  it('control: a folder with a document, a file, and a missing plain path (reported later as unreadable) give nothing to say', async () => {
    const root = tree();
    expect(await nothingToRead(root)).toBeNull();
    expect(await nothingToRead(join(root, 'a.md'))).toBeNull();
    expect(await nothingToRead(join(root, 'missing.md'))).toBeNull();
  });
});
