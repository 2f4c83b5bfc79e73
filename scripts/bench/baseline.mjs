// The pledge of an earlier commit, built beside the corpora, so that `npm run bench` can time it
// in the same run as the working tree: "no slower than before" measured on this machine, now,
// rather than against a rate written down on a machine that has since become slower or faster.
//
// The commit's files come from `git archive` (no worktree to clean up); its build uses this
// checkout's node_modules (a symbolic link), so nothing is downloaded. Built once, then reused.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The earlier commit's bin/pledge.cjs, built under `benchDir`, or { skipped } with the reason
 * (not a git checkout, a shallow clone without the commit, a build that failed).
 */
export function prepareBaseline(root, benchDir, commit, log) {
  const resolved = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`], { cwd: root, encoding: 'utf8' });
  if (resolved.status !== 0) return { skipped: `commit ${commit} is not in this checkout (a shallow clone, or not a git checkout)` };
  const sha = resolved.stdout.trim();
  const dir = join(benchDir, `baseline-${sha.slice(0, 12)}`);
  const bin = join(dir, 'bin', 'pledge.cjs');
  const built = join(dir, '.built');
  if (existsSync(built)) return { dir, bin, sha, reused: true };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`building the baseline ${sha.slice(0, 12)} in ${dir} (once)…`);
  const archive = spawnSync('sh', ['-c', 'git archive --format=tar "$1" | tar -x -C "$2"', 'baseline', sha, dir], { cwd: root, encoding: 'utf8' });
  if (archive.status !== 0) return { skipped: `git archive ${sha.slice(0, 12)} failed: ${archive.stderr.trim().slice(0, 200)}` };
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const build = spawnSync('npm', ['run', 'build'], { cwd: dir, encoding: 'utf8' });
  if (build.status !== 0) return { skipped: `its build failed: ${(build.stdout + build.stderr).trim().split('\n').slice(-3).join(' / ').slice(0, 300)}` };
  writeFileSync(built, `${sha}\n`);
  return { dir, bin, sha, reused: false };
}
