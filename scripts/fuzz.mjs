#!/usr/bin/env node
// Long fuzz run of the properties in test/fuzz/properties.ts (`npm run fuzz`).
//
// It runs `vitest run test/fuzz/properties.test.ts` with PLEDGE_FUZZ_* environment variables,
// so the same properties that run briefly in `npm test` run here with many cases:
//
//   npm run fuzz                                   20,000 cases per property (times RUN_SHARE in the
//                                                  test file: 5x for the two fast parser properties,
//                                                  1/20 for the costly extraction-scales-linearly)
//   npm run fuzz -- --runs 100000                  more cases
//   npm run fuzz -- --seconds 600                  about ten minutes in all, shared by the properties
//   npm run fuzz -- --only parse-block-never-throws,extraction-never-throws
//   npm run fuzz -- --only NAME --seed S --path P  replay a counterexample a failure printed
//   npm run fuzz -- --verbose                      show vitest's own output too
//
// front-matter-scales-linearly is run by this script itself on dist/ (it times parse work, which
// no vitest test may assert); the other names are properties of test/fuzz/properties.ts.
//
// It prints one line per property (cases, time, result), the counterexample of each failure
// with its seed and path, and a closing summary line:
//   fuzz: 8 properties, 160000 cases, 0 failures, 95 s
// Exit code: 0 when every property held, 1 when one failed, 2 when the run itself broke.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TEST_FILE = 'test/fuzz/properties.test.ts';
const PROPERTY_NAMES = [
  'extraction-never-throws',
  'outside-text-never-signed',
  'text-changes-break-verification',
  'renderings-round-trip',
  'split-renderings-never-verify',
  'parse-block-never-throws',
  'block-text-is-signed-text',
  'extraction-scales-linearly',
  'html-encoded-breaks-never-verify',
  'front-matter-capped-or-parsed',
];
/** Checks this script runs itself, on the built dist/: they time work, which no vitest test may assert. */
const SCRIPT_CHECKS = ['front-matter-scales-linearly'];
const ALL_NAMES = [...PROPERTY_NAMES, ...SCRIPT_CHECKS];

function usage(message) {
  if (message) process.stderr.write(`fuzz: ${message}\n`);
  process.stderr.write('usage: node scripts/fuzz.mjs [--runs N] [--seconds S] [--only NAME[,NAME…]] [--seed S --path P] [--verbose]\n' + `properties: ${ALL_NAMES.join(', ')}\n`);
  process.exit(message ? 2 : 0);
}

function parseArguments(argv) {
  const options = { runs: null, seconds: null, only: ALL_NAMES, seed: null, path: null, verbose: false };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const [flag, inline] = argument.includes('=') ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)] : [argument, null];
    const value = () => {
      if (inline !== null) return inline;
      const next = argv[++index];
      if (next === undefined) usage(`${flag} needs a value`);
      return next;
    };
    const positive = (text) => {
      const number = Number(text);
      if (!Number.isFinite(number) || number <= 0) usage(`${flag} needs a positive number, not ${text}`);
      return number;
    };
    switch (flag) {
      case '--runs':
        options.runs = Math.floor(positive(value()));
        break;
      case '--seconds':
        options.seconds = positive(value());
        break;
      case '--only': {
        const names = value()
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean);
        const unknown = names.filter((name) => !ALL_NAMES.includes(name));
        if (unknown.length || !names.length) usage(`unknown property ${unknown.join(', ') || '(none)'}`);
        options.only = names;
        break;
      }
      case '--seed':
        options.seed = value();
        if (!/^-?\d+$/.test(options.seed)) usage(`--seed needs an integer, not ${options.seed}`);
        break;
      case '--path':
        options.path = value();
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        usage();
        break;
      default:
        usage(`unknown argument ${argument}`);
    }
  }
  if (options.path !== null && options.seed === null) usage('--path needs --seed');
  if (options.runs === null && options.seconds === null) options.runs = 20_000;
  return options;
}

/** Characters a terminal would hide or misplace, as \u escapes (fast-check prints them raw). */
const visible = (text) => text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00A0\u00AD\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFEFF]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function readOutcomes(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function describeOutcome(outcome) {
  const cases = `${outcome.numRuns} cases${outcome.numSkips ? ` (+${outcome.numSkips} skipped)` : ''}`;
  const state = outcome.failed ? 'FAILED' : outcome.interrupted ? 'ok (time limit)' : 'ok';
  return `  ${outcome.name.padEnd(34)} ${cases.padEnd(28)} ${`${(outcome.durationMs / 1000).toFixed(1)} s`.padStart(9)}  ${state}`;
}

/** Front matter of about `size` characters, in shapes yaml is slow or deep on. */
const FRONT_MATTER_SHAPES = {
  'flat-keys': (n) => Array.from({ length: n }, (_, i) => `k${i}: v${i}`).join('\n'),
  list: (n) => `x:\n${Array.from({ length: n }, (_, i) => `  - v${i}`).join('\n')}`,
  'flow-map': (n) => `x: {${Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join(', ')}}`,
  nested: (n) => `x: ${'['.repeat(n)}${']'.repeat(n)}`,
  'long-string': (n) => `title: "${'x'.repeat(n * 8)}"`,
};

/**
 * R-08: the work readFrontMatter does grows linearly with the front matter, under its cap
 * (parsed) and over it (refused without parsing). Per shape: the fastest of five runs at 1/8
 * of the cap and at the cap, then at 8 and 64 times the cap; 8 times the size may take at most
 * 24 times as long (plus 5 ms of noise), where a quadratic step takes 64 times.
 */
async function frontMatterScalesLinearly() {
  const started = Date.now();
  const { readFrontMatter } = await import(join(root, 'dist/extract/front-matter.js'));
  const { DEFAULT_LIMITS } = await import(join(root, 'dist/core/limits.js'));
  const cap = DEFAULT_LIMITS.maxFrontMatterChars;
  const ofSize = (make, size) => {
    let n = 1;
    while (make(n).length < size) n *= 2;
    return `---\n${make(n).slice(0, size)}\n---\n\nwords\n`;
  };
  const fastest = (text) => {
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const at = performance.now();
      readFrontMatter(text, DEFAULT_LIMITS);
      best = Math.min(best, performance.now() - at);
    }
    return best;
  };
  const problems = [];
  for (const [shape, make] of Object.entries(FRONT_MATTER_SHAPES)) {
    for (const [small, large] of [
      [cap / 8, cap],
      [8 * cap, 64 * cap],
    ]) {
      const [a, b] = [fastest(ofSize(make, small)), fastest(ofSize(make, large))];
      if (b > 24 * a + 5) problems.push(`${shape}: ${small} characters ${a.toFixed(2)} ms, ${large} characters ${b.toFixed(2)} ms`);
    }
  }
  const cases = Object.keys(FRONT_MATTER_SHAPES).length * 2;
  return {
    name: 'front-matter-scales-linearly',
    numRuns: cases,
    numSkips: 0,
    failed: problems.length > 0,
    interrupted: false,
    seed: 0,
    counterexamplePath: null,
    report: problems.length ? `front matter work grew faster than its size:\n${problems.join('\n')}` : null,
    durationMs: Date.now() - started,
  };
}

async function main() {
  // `npm run fuzz | head` closes stdout early: that is not an error.
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
  });
  const options = parseArguments(process.argv.slice(2));
  const workDirectory = mkdtempSync(join(tmpdir(), 'pledge-fuzz-run-'));
  const reportFile = join(workDirectory, 'outcomes.jsonl');
  const perPropertySeconds = options.seconds === null ? null : options.seconds / options.only.length;
  const env = {
    ...process.env,
    PLEDGE_FUZZ_RUNS: String(options.runs ?? 1e9),
    PLEDGE_FUZZ_REPORT: reportFile,
  };
  delete env.PLEDGE_FUZZ_SECONDS;
  delete env.PLEDGE_FUZZ_SEED;
  delete env.PLEDGE_FUZZ_PATH;
  if (perPropertySeconds !== null) env.PLEDGE_FUZZ_SECONDS = String(perPropertySeconds);
  if (options.seed !== null) env.PLEDGE_FUZZ_SEED = options.seed;
  if (options.path !== null) env.PLEDGE_FUZZ_PATH = options.path;

  const budget = [options.runs !== null ? `${options.runs} cases` : null, perPropertySeconds !== null ? `${Math.round(perPropertySeconds)} s` : null].filter(Boolean).join(' or ');
  process.stdout.write(`fuzz: ${options.only.length} ${options.only.length === 1 ? 'property' : 'properties'}, up to ${budget} each${options.seed !== null ? `, seed ${options.seed}${options.path ? ` path ${options.path}` : ''}` : ''}` + `\n`);

  const properties = options.only.filter((name) => PROPERTY_NAMES.includes(name));
  const pattern = `^fuzz properties (${properties.map(escapeRegExp).join('|')})$`;
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  const started = Date.now();
  // With only this script's own checks selected, vitest has nothing to run: an empty child stands in.
  const args = properties.length ? [vitest, 'run', TEST_FILE, '-t', pattern] : ['-e', ''];
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk) => {
    output += chunk;
    if (options.verbose) process.stdout.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  // Print each property's line as soon as its test appends it.
  let printed = 0;
  const printNew = () => {
    const outcomes = readOutcomes(reportFile);
    for (; printed < outcomes.length; printed++) process.stdout.write(`${describeOutcome(outcomes[printed])}\n`);
  };
  const timer = setInterval(printNew, 1000);
  const stop = () => child.kill('SIGINT');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const exitCode = await new Promise((resolveExit) => child.on('close', (code, signal) => resolveExit(code ?? (signal ? 130 : 1))));
  clearInterval(timer);
  printNew();

  const outcomes = readOutcomes(reportFile);
  if (options.only.includes('front-matter-scales-linearly')) {
    const outcome = await frontMatterScalesLinearly();
    outcomes.push(outcome);
    process.stdout.write(`${describeOutcome(outcome)}\n`);
  }
  rmSync(workDirectory, { recursive: true, force: true });
  const failures = outcomes.filter((outcome) => outcome.failed);
  for (const failure of failures) {
    // The report without the stack frames of fast-check and vitest.
    const report = (failure.report ?? '')
      .split('\n')
      .filter((line) => !/^\s+at /.test(line))
      .join('\n');
    process.stdout.write(`\n--- ${failure.name}: failed after ${failure.numRuns} cases\n${visible(report)}\n`);
    if (failure.counterexamplePath !== null) {
      process.stdout.write(
        `replay: npm run fuzz -- --only ${failure.name} --seed ${failure.seed} --path '${failure.counterexamplePath}'\n` +
          `    or: PLEDGE_FUZZ_SEED=${failure.seed} PLEDGE_FUZZ_PATH='${failure.counterexamplePath}' npx vitest run ${TEST_FILE} -t ${failure.name}\n`,
      );
    }
  }

  const missing = options.only.filter((name) => !outcomes.some((outcome) => outcome.name === name));
  const broken = missing.length > 0 || (exitCode !== 0 && failures.length === 0);
  if (broken) {
    if (!options.verbose) process.stdout.write(`\n--- vitest output\n${output.slice(-20_000)}\n`);
    if (missing.length) process.stdout.write(`fuzz: no result for ${missing.join(', ')} (vitest exited with ${exitCode})\n`);
  }
  const cases = outcomes.reduce((sum, outcome) => sum + outcome.numRuns, 0);
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write(`\nfuzz: ${outcomes.length} ${outcomes.length === 1 ? 'property' : 'properties'}, ${cases} cases, ${failures.length} failure${failures.length === 1 ? '' : 's'}, ${seconds} s\n`);
  process.exitCode = broken ? 2 : failures.length ? 1 : 0;
}

await main();
