import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { expect, it } from 'vitest';

// The tests' temporary files go under one directory per run, removed at its end (temp-root.ts):
// a run of the suite leaves nothing in the machine's /tmp.
it('makes temporary directories under the run’s own root, which the programs the tests start use too', () => {
  expect(basename(tmpdir())).toMatch(/^pledge-test-run-/);
  const made = mkdtempSync(join(tmpdir(), 'pledge-temp-root-'));
  expect(dirname(made)).toBe(tmpdir());
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("node:os").tmpdir())'], { encoding: 'utf8' });
  expect(child.stdout).toBe(tmpdir());
});
