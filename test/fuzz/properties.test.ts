/**
 * Runs every property of ./properties.ts briefly (a few seconds in all). `npm run fuzz`
 * (scripts/fuzz.mjs) runs the same properties long through these environment variables:
 *
 * - PLEDGE_FUZZ_RUNS          cases per property (default: the small counts below), times RUN_SHARE
 * - PLEDGE_FUZZ_SECONDS       time budget per property, in seconds (cases run so far still count)
 * - PLEDGE_FUZZ_SEED          replay: fast-check's seed …
 * - PLEDGE_FUZZ_PATH          … and counterexample path, from a failure report
 * - PLEDGE_FUZZ_REPORT        a file to which one JSON line per property is appended
 */
import { appendFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { disposeWorkspace, PROPERTIES, type FuzzOptions } from './properties.js';

/** Cases per property in `npm test`. */
const SMALL_RUNS: Record<string, number> = {
  'extraction-never-throws': 1000,
  'outside-text-never-signed': 150,
  'text-changes-break-verification': 200,
  'renderings-round-trip': 200,
  'split-renderings-never-verify': 150,
  'parse-block-never-throws': 300,
  'block-text-is-signed-text': 1000,
  'extraction-scales-linearly': 10,
  'html-encoded-breaks-never-verify': 150,
  'front-matter-capped-or-parsed': 100,
};

/**
 * In a long run, the share of PLEDGE_FUZZ_RUNS each property gets (1 when not listed): a case
 * of extraction-scales-linearly costs many (two 128 KB extractions, three times each), while
 * the two parser properties need no signing, file or key and run about 20 times faster.
 */
const RUN_SHARE: Record<string, number> = { 'extraction-scales-linearly': 1 / 20, 'extraction-never-throws': 5, 'block-text-is-signed-text': 5 };

function positive(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${name} must be a positive number, not ${value}`);
  return number;
}

const runs = positive('PLEDGE_FUZZ_RUNS');
const seconds = positive('PLEDGE_FUZZ_SECONDS');
const seed = process.env.PLEDGE_FUZZ_SEED ? Number(process.env.PLEDGE_FUZZ_SEED) : undefined;
const path = process.env.PLEDGE_FUZZ_PATH || undefined;
const reportFile = process.env.PLEDGE_FUZZ_REPORT || undefined;
const long = runs !== undefined || seconds !== undefined;

afterAll(() => disposeWorkspace());

describe('fuzz properties', () => {
  for (const { name, run } of PROPERTIES) {
    const options: FuzzOptions = {
      numRuns: runs !== undefined ? Math.max(1, Math.floor(runs * (RUN_SHARE[name] ?? 1))) : seconds ? 1e9 : SMALL_RUNS[name]!,
      ...(seed !== undefined ? { seed } : {}),
      ...(path !== undefined ? { path } : {}),
      ...(seconds !== undefined ? { timeLimitMs: seconds * 1000 } : {}),
    };
    // A long run may take hours; its time limit or case count, not vitest, bounds it.
    const timeout = long ? 7 * 24 * 3600 * 1000 : 120_000;
    it(
      name,
      async () => {
        const outcome = await run(options);
        if (reportFile) appendFileSync(reportFile, JSON.stringify(outcome) + '\n');
        if (outcome.failed) throw new Error(`${name} failed after ${outcome.numRuns} cases\n${outcome.report}`);
        expect(outcome.numRuns + outcome.numSkips).toBeGreaterThan(0);
      },
      timeout,
    );
  }
});
