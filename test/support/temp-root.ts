import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * vitest globalSetup: every temporary directory the tests make (some 200 mkdtemp calls, the
 * CLI's own, GnuPG homes, SKS base dirs, browser profiles) lands under one directory for the
 * run, removed when the run ends, pass or fail. TMPDIR is what os.tmpdir() and the programs the
 * tests start read; the test processes are forked after this runs, so they inherit it.
 * PLEDGE_KEEP_TEST_TMP=1 keeps it, for looking at what a failing test left.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'pledge-test-run-'));
  process.env.TMPDIR = root;
  return () => {
    if (process.env.PLEDGE_KEEP_TEST_TMP === '1') console.log(`temporary files kept in ${root}`);
    else rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
}
