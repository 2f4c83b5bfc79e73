import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * scripts/bench/baseline.mjs, which builds an earlier commit for `npm run bench` to time in turns
 * with the working tree (issue 15's "no slower than today"). Tried on a small repository whose
 * build is quick, so that the test times nothing and builds no real pledge.
 */
const SCRIPT = resolve('scripts/bench/baseline.mjs');

type Prepared = { skipped?: string; dir?: string; bin?: string; sha?: string; reused?: boolean };

/** prepareBaseline(root, benchDir, commit) in a Node of its own (a script's ES module, not TypeScript). */
function prepare(root: string, benchDir: string, commit: string): Prepared {
  const code = `import(${JSON.stringify(SCRIPT)}).then(({ prepareBaseline }) => console.log(JSON.stringify(prepareBaseline(...JSON.parse(process.argv[1]), () => {}))))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code, JSON.stringify([root, benchDir, commit])], { encoding: 'utf8' })) as Prepared;
}

function repository(buildScript: string): { root: string; commit: string } {
  const root = mkdtempSync(join(tmpdir(), 'baseline-repo-'));
  mkdirSync(join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'old', private: true, scripts: { build: buildScript } }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' } });
  git('init', '-q');
  git('add', 'package.json');
  git('commit', '-q', '-m', 'old');
  return { root, commit: git('rev-parse', 'HEAD').trim() };
}

describe('the bench baseline (an earlier commit built beside the corpora)', () => {
  it('builds the commit from git archive with this checkout’s node_modules, then reuses it', () => {
    const { root, commit } = repository(`node -e "require('fs').mkdirSync('bin');require('fs').writeFileSync('bin/pledge.cjs','built')"`);
    const bench = join(root, '.bench');
    const first = prepare(root, bench, commit.slice(0, 7));
    expect(first.skipped).toBeUndefined();
    expect(first).toMatchObject({ sha: commit, reused: false });
    expect(readFileSync(first.bin!, 'utf8')).toBe('built');
    expect(existsSync(join(first.dir!, 'node_modules'))).toBe(true);
    expect(prepare(root, bench, commit)).toMatchObject({ dir: first.dir, reused: true });
  });

  it('skips, saying why, a commit the checkout does not hold and a build that fails', () => {
    const { root, commit } = repository('node -e "process.exit(3)"');
    expect(prepare(root, join(root, '.bench'), 'f'.repeat(40)).skipped).toMatch(/is not in this checkout/);
    const failed = prepare(root, join(root, '.bench'), commit);
    expect(failed.skipped).toMatch(/its build failed/);
    // Not marked built: the next run tries again rather than timing a half-built tree.
    expect(prepare(root, join(root, '.bench'), commit).reused).toBeUndefined();
  });
});
