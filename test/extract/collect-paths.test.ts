import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectPaths, collectPathsSync, type CollectOptions } from '../../src/extract/collect-paths.js';

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

async function both(paths: string[], options: CollectOptions): Promise<{ sync: string[]; async: string[] }> {
  const async: string[] = [];
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
    const walked = [...collectPathsSync([root])].map((path) => path.slice(root.length + 1));
    expect(walked).toEqual(['a.md', 'sub/B.md', 'sub/d.md', 'sub/deeper/f.md', 'sub/deeper/g.txt', 'z.md']);
  });
});
