// pledge's benchmark: batch verification against gpgv and plain openpgp.js, memory over
// 100,000 statements, and a cold Keybase lookup against fetching keys one after another.
//
//   npm run bench                       (builds dist/ first)
//   node scripts/bench.mjs [--fresh] [--baseline COMMIT | --no-baseline]
//                                       (dist/ must be built; --fresh regenerates the corpora;
//                                       --baseline: the earlier pledge timed beside this one)
//
// Corpora are generated once under .bench/ (git-ignored) and reused; see scripts/bench/corpus.mjs.
// Every row runs on the same corpus in this one run. Timings are wall clock, best of 3.
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus100k, ensureCorpus10k, ensureNetworkCorpus, NETWORK_USERS, SIGNERS, STATEMENTS } from './bench/corpus.mjs';
import { DETACHED_DOCUMENTS, ensureDetachedCorpus } from './bench/detached-corpus.mjs';
import { startKeybase } from './bench/keybase-server.mjs';
import { measure, RSS_METHOD } from './bench/measure.mjs';
import { measureStartup, median, STARTUP_ROWS } from './bench/startup.mjs';
import { prepareBaseline } from './bench/baseline.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BENCH = join(ROOT, '.bench');
const PLEDGE = join(ROOT, 'bin', 'pledge.cjs');
const INPROC = join(ROOT, 'scripts', 'bench', 'inproc.mjs');
const NODE = process.execPath;

const fresh = process.argv.includes('--fresh');
/**
 * Issue 15's "no slower than today" is timed against the code of that day: the commit before its
 * first change, built under .bench/ and run in turns with this one (a rate written down then is
 * no measure on a machine that has since become slower). --baseline COMMIT names another.
 */
const ISSUE_15_START = '90db323';
const baselineAt = process.argv.indexOf('--baseline');
const baselineCommit = process.argv.includes('--no-baseline') ? null : baselineAt >= 0 ? process.argv[baselineAt + 1] : ISSUE_15_START;
if (baselineCommit === undefined || baselineCommit?.startsWith('-')) {
  console.error('bench: --baseline needs a commit (or --no-baseline)');
  process.exit(2);
}
/** Within the noise of three runs: the working tree is "no slower" down to this fraction of the baseline's rate. */
const NO_SLOWER = 0.95;
const REPEAT = 3;
/** gpgv starts one process per file: time this many files (the first ones: every signer, 5 each). */
const GPGV_SAMPLE = 1000;
const MEMORY_LIMIT_MB = 300;
const KEYBASE_DELAY_MS = 50;
/** Sequential fetches timed, then extrapolated to all NETWORK_USERS. */
const SEQUENTIAL_SAMPLE = 100;
/** Issue 15's goals: rounds of the start-up rows, the short batch and its gpgv ratio, the 10,000 rate. */
const STARTUP_ROUNDS = 10;
const SHORT_BATCH = 2000;
const SHORT_ROUNDS = 3;
const SHORT_GOAL = 20;
const RATE_GOAL = 8000;
/** Each goal: what, measured, goal, PASS/FAIL (printed together in section 5). */
const goals = [];

const log = (line = '') => console.log(line);
/**
 * Rows take turns: every other round runs them in reverse, so that no row is always the one
 * meeting the round's first costs (a file cache that other work emptied, a host just woken).
 */
const inTurn = (items, round) => (round % 2 ? [...items].reverse() : items);
/** Reads every file of a corpus once, untimed: the first row timed must not pay for the disk. */
function warmPageCache(dir) {
  for (const name of readdirSync(dir)) readFileSync(join(dir, name));
}
const mb = (kb) => (kb ? (kb * 1024) / 1e6 : null);
const fmtMB = (kb) => (kb ? `${mb(kb).toFixed(0)} MB` : 'n/a');
const fmtRate = (rate) => Math.round(rate).toLocaleString('en-US');
const fmtTime = (s) => (s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`);
const fmtRatio = (x) => (x >= 10 ? x.toFixed(0) : x.toFixed(1)) + '×';
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const failures = [];
const fail = (message) => {
  failures.push(message);
  log(`  FAIL: ${message}`);
};

function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const cell = (value, i) => (align[i] === 'r' ? String(value).padStart(widths[i]) : String(value).padEnd(widths[i]));
  return [headers.map(cell).join('  '), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((row) => row.map(cell).join('  '))].join('\n');
}

if (!existsSync(join(ROOT, 'dist', 'pipeline', 'run.js')) || !existsSync(join(ROOT, 'dist', 'bundle', 'pledge.cjs'))) {
  console.error('bench: dist/ is not built; run `npm run bench` (or `npm run build` first)');
  process.exit(2);
}

const machine = {
  cores: Number(spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()) || cpus().length,
  cpu: /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown CPU',
  node: process.version,
  date: new Date().toISOString().slice(0, 10),
  gpg: spawnSync('gpg', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0] ?? 'no gpg',
  commit: (() => {
    const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim();
    const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim();
    return head ? `${head}${dirty ? ' + uncommitted changes' : ''}` : 'unknown';
  })(),
  openpgp: JSON.parse(readFileSync(join(ROOT, 'node_modules', 'openpgp', 'package.json'), 'utf8')).version,
};
log(`pledge benchmark (pledge ${machine.commit}) — ${machine.date}, ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, openpgp.js ${machine.openpgp}, ${machine.gpg}`);
const startLoad = Number(loadAverage().split(' ')[0]);
log(`load average at start: ${loadAverage()} (1, 5, 15 min)${Number(loadAverage().split(' ')[0]) > 0.5 ? ' — other work is running: timings will be slower and noisier' : ''}`);
log(`peak RSS measured with ${RSS_METHOD} (child processes) and process.resourceUsage().maxRSS (in-process rows, each in a fresh process)`);

// ---------------------------------------------------------------------------------------------
log('\n== 1. Corpus');
const corpus = await ensureCorpus10k(BENCH, fresh, (line) => log(`  ${line}`));
const types = Object.entries(corpus.meta.keyTypes)
  .map(([type, n]) => `${n} ${type}`)
  .join(', ');
log(
  `  ${corpus.generated ? 'generated' : 'reused'} ${corpus.dir}: ${STATEMENTS.toLocaleString('en-US')} statements (${corpus.meta.hash}) from ${SIGNERS} signers (${types})` +
    `\n  generation ${corpus.generated ? 'took' : 'took, when made on ' + corpus.meta.createdAt.slice(0, 10) + ','} ${fmtTime(corpus.meta.keySeconds + corpus.meta.signSeconds)}: keys ${fmtTime(corpus.meta.keySeconds)} (GnuPG), signing ${fmtTime(corpus.meta.signSeconds)} (openpgp.js, 2 threads)`,
);
const docCount = readdirSync(corpus.docs).length;
if (docCount !== STATEMENTS) fail(`corpus has ${docCount} documents, expected ${STATEMENTS}`);

const baseline = baselineCommit ? prepareBaseline(ROOT, BENCH, baselineCommit, (line) => log(`  ${line}`)) : { skipped: '--no-baseline' };
log(
  baseline.skipped
    ? `  baseline: SKIPPED — ${baseline.skipped}`
    : `  baseline: pledge at ${baseline.sha.slice(0, 12)}${baselineCommit === ISSUE_15_START ? ' (the code when issue 15 was filed: its "today")' : ''}, ${baseline.reused ? 'reused' : 'built'} in ${baseline.dir}`,
);
const baselineLabel = baseline.skipped ? null : `pledge at ${baseline.sha.slice(0, 7)}`;

/** `pledge verify --offline --quiet` of the pledge at `bin` (this tree's or the baseline's) over `docs` with `keys`, timed. */
const verifyRun = (bin, keys, docs, options = {}) => measure(NODE, [bin, 'verify', '--offline', '--quiet', '--keyring', keys, docs], { cwd: ROOT, ...options });

const benchStarted = performance.now();

// ---------------------------------------------------------------------------------------------
log(`\n== 1b. Short runs against Node's own start-up (median of ${STARTUP_ROUNDS} rounds, the commands taking turns)`);
const oneDocument = STARTUP_ROWS.find((row) => row.id === 'one-document');
// The baseline's one document, for the record (no goal: the goal is a ratio to node -e 0).
const startupRows = baselineLabel ? [...STARTUP_ROWS, { id: 'baseline-one-document', label: `${baselineLabel}: the same one document`, args: [baseline.bin, ...oneDocument.args.slice(1)] }] : STARTUP_ROWS;
for (const row of await measureStartup(STARTUP_ROUNDS, startupRows)) {
  const verdict =
    row.id === 'node'
      ? '(the unit)'
      : row.goal === undefined
        ? `${fmtRatio(row.ratio)} (for the record)`
        : `${fmtRatio(row.ratio)} ${row.pass ? 'PASS' : 'FAIL'} (goal <= ${row.goal}x${row.stretch ? `, stretch ${row.stretch}x: ${row.ratio <= row.stretch ? 'met' : 'not met'}` : ''})`;
  log(`  ${row.label.padEnd(74)} ${(row.seconds * 1000).toFixed(0).padStart(5)} ms (CPU ${row.cpuSeconds == null ? 'n/a' : `${(row.cpuSeconds * 1000).toFixed(0)} ms`})  ${verdict}`);
  if (row.goal !== undefined) goals.push({ what: `${row.label} / node -e 0`, measured: `${fmtRatio(row.ratio)} (${(row.seconds * 1000).toFixed(0)} ms)`, goal: `<= ${row.goal}x`, pass: row.pass });
}

log(`\n== 1c. ${SHORT_BATCH.toLocaleString('en-US')} statements (the first of the corpus): pledge CLI against a gpgv loop (median of ${SHORT_ROUNDS}, taking turns)`);
const short = join(BENCH, `corpus-${SHORT_BATCH}`, 'docs');
if (!existsSync(short)) {
  mkdirSync(short, { recursive: true });
  for (const name of readdirSync(corpus.docs).sort().slice(0, SHORT_BATCH)) linkSync(join(corpus.docs, name), join(short, name));
}
const gpgvAt = spawnSync('sh', ['-c', 'command -v gpgv'], { encoding: 'utf8' }).stdout.trim();
const shortList = join(BENCH, `gpgv-${SHORT_BATCH}.txt`);
writeFileSync(
  shortList,
  readdirSync(short)
    .sort()
    .map((name) => join(short, name))
    .join('\n') + '\n',
);
const shortRuns = { pledge: [], gpgv: [], baseline: [] };
warmPageCache(short);
const shortPledges = [{ bin: PLEDGE, label: 'pledge verify', runs: shortRuns.pledge }, ...(baselineLabel ? [{ bin: baseline.bin, label: baselineLabel, runs: shortRuns.baseline }] : [])];
for (let round = 0; round < SHORT_ROUNDS; round++) {
  for (const { bin, label, runs } of inTurn(shortPledges, round)) {
    const run = await verifyRun(bin, corpus.keys, short);
    if (run.code !== 0) fail(`${label} on ${SHORT_BATCH} statements exited ${run.code}: ${run.stderr.trim().slice(0, 300)}`);
    runs.push(run.seconds);
  }
  if (!gpgvAt) continue;
  const loop = 'while IFS= read -r f; do gpgv --keyring "$1" "$f" 2>/dev/null || echo "FAILED $f"; done < "$2"';
  const theirs = await measure('bash', ['-c', loop, 'gpgv-loop', corpus.keyring, shortList], { stdout: 'pipe' });
  if (theirs.stdout.includes('FAILED')) fail(`gpgv loop on ${SHORT_BATCH} statements: ${theirs.stdout.split('\n')[0]}`);
  shortRuns.gpgv.push(theirs.seconds);
}
const shortPledge = median(shortRuns.pledge);
log(`  pledge verify (CLI, start-up included): ${fmtTime(shortPledge)}, ${fmtRate(SHORT_BATCH / shortPledge)} statements/s (runs ${shortRuns.pledge.map((x) => x.toFixed(2)).join(' / ')})`);
if (shortRuns.baseline.length) {
  const before = median(shortRuns.baseline);
  log(`  ${baselineLabel} (the same runs, in turns): ${fmtTime(before)}, ${fmtRate(SHORT_BATCH / before)} statements/s; this tree ${fmtRatio(before / shortPledge)} its speed`);
}
if (gpgvAt) {
  const shortGpgv = median(shortRuns.gpgv);
  const ratio = shortGpgv / shortPledge;
  log(`  gpgv loop: ${fmtTime(shortGpgv)}, ${fmtRate(SHORT_BATCH / shortGpgv)} statements/s (runs ${shortRuns.gpgv.map((x) => x.toFixed(2)).join(' / ')})`);
  log(`  pledge / gpgv loop: ${fmtRatio(ratio)} ${ratio >= SHORT_GOAL ? 'PASS' : 'FAIL'} (goal >= ${SHORT_GOAL}x)`);
  goals.push({
    what: `${SHORT_BATCH.toLocaleString('en-US')} statements, pledge / gpgv loop`,
    measured: `${fmtRatio(ratio)} (${fmtRate(SHORT_BATCH / shortPledge)}/s against ${fmtRate(SHORT_BATCH / shortGpgv)}/s)`,
    goal: `>= ${SHORT_GOAL}x`,
    pass: ratio >= SHORT_GOAL,
  });
} else log('  gpgv loop: SKIPPED — gpgv is not installed');

// ---------------------------------------------------------------------------------------------
log(`\n== 2. Verifying ${STATEMENTS.toLocaleString('en-US')} statements (best of ${REPEAT}, the tools taking turns)`);

/** In-process timings run in a fresh Node process each (scripts/bench/inproc.mjs), which reports its own time and maxRSS. */
async function inProcess(args) {
  // pledge's row gets the thread pool bin/pledge.cjs gives the CLI (a library's caller sets it
  // itself); openpgp.js keeps Node's default, which suits its WebCrypto calls.
  // The ceiling row gives every core to the mathematics.
  const size = { pledge: Math.max(1, machine.cores - 1), ceiling: machine.cores }[args[0]];
  const pool = size ? { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? String(size) } : {};
  const env = { ...process.env, ...pool };
  const run = await measure(NODE, [INPROC, ...args], { stdout: 'pipe', cwd: ROOT, env });
  if (run.code !== 0) throw new Error(`inproc ${args.join(' ')} exited ${run.code}: ${run.stderr.trim().slice(0, 500)}`);
  const result = JSON.parse(run.stdout.trim().split('\n').at(-1));
  return {
    seconds: result.seconds,
    cpuSeconds: result.cpuSeconds,
    rssKB: result.maxRssKB,
    n: result.documents,
    check: result.verified === result.documents && result.failed === 0 ? null : `verified ${result.verified}/${result.documents}, ${result.failed} failed`,
  };
}

/** The CLI row of section 2, for this tree's pledge or the baseline's. */
const cliTask = (id, tool, bin) => ({
  id,
  tool,
  ok: `exit code 0 in every run: all ${STATEMENTS.toLocaleString('en-US')} statements verified`,
  async once() {
    const run = await verifyRun(bin, corpus.keys, corpus.docs);
    return { seconds: run.seconds, cpuSeconds: run.cpuSeconds, rssKB: run.maxRssKB, n: STATEMENTS, check: run.code === 0 ? null : `exit code ${run.code}${run.signal ? ` (${run.signal})` : ''}, expected 0: ${run.stderr.trim().slice(0, 500)}` };
  },
});

const tasks = [
  cliTask('pledge-cli', 'pledge verify (CLI process, start-up included)', PLEDGE),
  ...(baselineLabel ? [cliTask('baseline-cli', `${baselineLabel}, the same command (the baseline)`, baseline.bin)] : []),
  {
    id: 'pledge-lib',
    tool: 'pledge verifyDocuments() (in-process)',
    ok: `verified ${STATEMENTS.toLocaleString('en-US')}/${STATEMENTS.toLocaleString('en-US')} in every run`,
    once: () => inProcess(['pledge', corpus.keys, corpus.docs]),
  },
];

const gpgvPath = spawnSync('sh', ['-c', 'command -v gpgv'], { encoding: 'utf8' }).stdout.trim();
if (!gpgvPath) {
  log('  gpgv: SKIPPED — gpgv is not installed (no `gpgv` on PATH)');
} else {
  const list = join(BENCH, 'gpgv-sample.txt');
  const sample = readdirSync(corpus.docs).sort().slice(0, GPGV_SAMPLE);
  writeFileSync(list, sample.map((name) => join(corpus.docs, name)).join('\n') + '\n');
  // The usual shell loop: one gpgv process per file, one at a time.
  const loop = 'while IFS= read -r f; do gpgv --keyring "$1" --status-fd 1 "$f" 2>/dev/null || echo "FAILED $f"; done < "$2"';
  tasks.push({
    id: 'gpgv',
    tool: `gpgv per file, shell loop (${GPGV_SAMPLE.toLocaleString('en-US')}-file sample)`,
    ok: `GOODSIG for all ${sample.length} files of the sample in every run (the first ${sample.length}: all ${SIGNERS} signers, 5 each)`,
    async once() {
      const run = await measure('bash', ['-c', loop, 'gpgv-loop', corpus.keyring, list], { stdout: 'pipe' });
      const good = (run.stdout.match(/^\[GNUPG:\] GOODSIG /gm) ?? []).length;
      const failed = run.stdout.match(/^FAILED .*$/gm) ?? [];
      const check = good === sample.length && failed.length === 0 && run.code === 0 ? null : `${good} GOODSIG of ${sample.length}, ${failed.length} failed (e.g. ${failed[0] ?? '-'})`;
      return { seconds: run.seconds, cpuSeconds: run.cpuSeconds, rssKB: run.maxRssKB, n: sample.length, check };
    },
  });
}

for (const inFlight of [1, 16]) {
  tasks.push({
    id: `openpgp-${inFlight}`,
    tool: `openpgp.js verify() loop, ${inFlight === 1 ? '1 at a time' : `${inFlight} in flight`} (in-process)`,
    ok: `verified ${STATEMENTS.toLocaleString('en-US')}/${STATEMENTS.toLocaleString('en-US')} in every run`,
    once: () => inProcess(['openpgp', corpus.keys, corpus.docs, String(inFlight)]),
  });
}

tasks.push({
  id: 'ceiling',
  tool: `node:crypto alone: signatures parsed and keys prepared untimed, ${machine.cores} threads (the ceiling)`,
  ok: `verified ${STATEMENTS.toLocaleString('en-US')}/${STATEMENTS.toLocaleString('en-US')} in every run`,
  once: () => inProcess(['ceiling', corpus.keys, corpus.docs, '64']),
});

const rows = tasks.map((task) => ({ id: task.id, tool: task.tool, runs: [] }));
warmPageCache(corpus.docs);
for (let round = 1; round <= REPEAT; round++) {
  const order = inTurn([...tasks.entries()], round - 1);
  log(`  round ${round}/${REPEAT}: ` + order.map(([, task]) => task.id).join(', ') + '…');
  for (const [i, task] of order) rows[i].runs.push(await task.once());
}
for (const [i, task] of tasks.entries()) {
  const row = rows[i];
  const problems = row.runs.filter((run) => run.check);
  if (problems.length) fail(`${task.tool}: ${problems.map((run) => run.check).join('; ')}`);
  else log(`  ${task.id}: ${task.ok}`);
  const best = row.runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  Object.assign(row, { n: best.n, seconds: best.seconds, cpuSeconds: best.cpuSeconds, rssKB: Math.max(...row.runs.map((run) => run.rssKB ?? 0)) || null });
}

for (const row of rows) row.rate = row.n / row.seconds;
{
  const cli = rows.find((row) => row.id === 'pledge-cli');
  const rate = STATEMENTS / median(cli.runs.map((run) => run.seconds));
  goals.push({ what: `${STATEMENTS.toLocaleString('en-US')} statements, pledge CLI (median run)`, measured: `${fmtRate(rate)}/s`, goal: `>= ${fmtRate(RATE_GOAL)}/s`, pass: rate >= RATE_GOAL });
  const before = rows.find((row) => row.id === 'baseline-cli');
  if (before) {
    const beforeRate = STATEMENTS / median(before.runs.map((run) => run.seconds));
    goals.push({
      what: `${STATEMENTS.toLocaleString('en-US')} statements, pledge CLI against ${baselineLabel} (same run, medians)`,
      measured: `${fmtRatio(rate / beforeRate)} (${fmtRate(rate)}/s against ${fmtRate(beforeRate)}/s)`,
      goal: `>= ${NO_SLOWER}x (no slower)`,
      pass: rate >= NO_SLOWER * beforeRate,
    });
  }
}
log('');
log(
  table(
    ['tool', 'statements', 'statements/s', 'time (best)', 'all runs', 'CPU (best run)', 'peak RSS'],
    rows.map((row) => [row.tool, row.n.toLocaleString('en-US'), fmtRate(row.rate), fmtTime(row.seconds), row.runs.map((run) => run.seconds.toFixed(2)).join(' / '), row.cpuSeconds == null ? 'n/a' : fmtTime(row.cpuSeconds), fmtMB(row.rssKB)]),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
  ),
);
log('  time: wall clock, the best of the runs; CPU: user + system of that run (in-process rows: the timed part only); peak RSS: the highest of the runs (the gpgv row: the largest single bash/gpgv process).');
log('  verifyDocuments() keeps the whole manifest in memory; the CLI streams it.');
const gpgvRow = rows.find((row) => row.id === 'gpgv');
if (gpgvRow) log(`  gpgv was timed on ${gpgvRow.n.toLocaleString('en-US')} files; at that rate all ${STATEMENTS.toLocaleString('en-US')} would take ~${fmtTime((gpgvRow.seconds * STATEMENTS) / gpgvRow.n)}.`);
const rowOf = (id) => rows.find((row) => row.id === id);
const ratios = [];
for (const [mine, label] of [
  ['pledge-cli', 'pledge CLI'],
  ['pledge-lib', 'pledge in-process'],
]) {
  for (const [other, otherLabel] of [
    ['gpgv', 'gpgv (per-file loop)'],
    ['openpgp-1', 'openpgp.js, 1 at a time'],
    ['openpgp-16', 'openpgp.js, 16 in flight'],
    ['ceiling', 'node:crypto alone (the ceiling)'],
  ]) {
    if (rowOf(mine) && rowOf(other)) ratios.push({ mine, other, text: `${label} / ${otherLabel}`, ratio: rowOf(mine).rate / rowOf(other).rate });
  }
}
// Where the CLI's CPU goes, thread by thread: one more run, untimed (sampling /proc costs CPU).
const sampled = process.platform === 'linux' ? await verifyRun(PLEDGE, corpus.keys, corpus.docs, { threads: true }) : null;
if (sampled?.threadSeconds) {
  const { main, others } = sampled.threadSeconds;
  const total = main + others.reduce((a, b) => a + b, 0);
  log(`  pledge CLI, CPU by thread (one more run, ${fmtTime(sampled.seconds)}, sampled from /proc every 10 ms): main ${fmtTime(main)}; others ${others.map(fmtTime).join(', ')}; total ${fmtTime(total)} for ${cpus().length} cores`);
  log("    (the others, unnamed by Node: libuv's pool, sized to one thread fewer than the cores, runs the signature mathematics; then the reading thread; then V8's compiler and collector threads)");
}
log('');
log('  throughput ratios:');
for (const { text, ratio } of ratios) log(`    ${text.padEnd(52)} ${fmtRatio(ratio)}`);

// ---------------------------------------------------------------------------------------------
log(`\n== 2b. Detached signatures: ${DETACHED_DOCUMENTS} statements × 3 signature files (best of ${REPEAT})`);
const detached = await ensureDetachedCorpus(BENCH, fresh, (line) => log(`  ${line}`));
log(`  ${detached.generated ? 'generated' : 'reused'} ${detached.docs}: ${detached.meta.documents} statements, ${detached.meta.signatures} signature files (armored text type, binary, armored binary type)`);
const detachedRows = [];
{
  const runs = { pledge: [], gpgv: [] };
  // The same files, file by file, as a shell loop over `gpgv SIG DOC` checks them.
  const loop = 'while IFS="$(printf \'\\t\')" read -r sig doc; do gpgv --keyring "$1" --status-fd 1 "$sig" "$doc" 2>/dev/null || echo "FAILED $sig"; done < "$2"';
  for (let round = 0; round < REPEAT; round++) {
    const run = await verifyRun(PLEDGE, detached.keys, detached.docs);
    runs.pledge.push({ seconds: run.seconds, rssKB: run.maxRssKB, check: run.code === 0 ? null : `exit code ${run.code}: ${run.stderr.trim().slice(0, 300)}` });
    if (gpgvPath) {
      const loopRun = await measure('bash', ['-c', loop, 'gpgv-detached', detached.keyring, detached.pairs], { stdout: 'pipe' });
      const good = (loopRun.stdout.match(/^\[GNUPG:\] GOODSIG /gm) ?? []).length;
      runs.gpgv.push({ seconds: loopRun.seconds, rssKB: loopRun.maxRssKB, check: good === detached.meta.signatures ? null : `${good} GOODSIG of ${detached.meta.signatures}` });
    }
  }
  for (const [id, tool] of [
    ['pledge', 'pledge verify DIR (CLI process, start-up included)'],
    ['gpgv', 'gpgv SIG DOC per signature file, shell loop'],
  ]) {
    if (!runs[id].length) continue;
    const problems = runs[id].filter((run) => run.check);
    if (problems.length) fail(`detached, ${tool}: ${problems.map((run) => run.check).join('; ')}`);
    const best = runs[id].reduce((a, b) => (b.seconds < a.seconds ? b : a));
    detachedRows.push({ id, tool, seconds: best.seconds, rate: detached.meta.signatures / best.seconds, runs: runs[id], rssKB: Math.max(...runs[id].map((run) => run.rssKB ?? 0)) || null });
  }
  log('');
  log(
    table(
      ['tool', 'signatures', 'signatures/s', 'time (best)', 'all runs', 'peak RSS'],
      detachedRows.map((row) => [row.tool, detached.meta.signatures.toLocaleString('en-US'), fmtRate(row.rate), fmtTime(row.seconds), row.runs.map((run) => run.seconds.toFixed(2)).join(' / '), fmtMB(row.rssKB)]),
      ['l', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  if (!gpgvPath) log('  gpgv: SKIPPED — gpgv is not installed');
}
const detachedRatio = detachedRows.length === 2 ? detachedRows[0].rate / detachedRows[1].rate : null;
if (detachedRatio !== null) log(`\n  throughput ratio, detached: pledge CLI / gpgv (per-file loop) ${fmtRatio(detachedRatio)}`);

// ---------------------------------------------------------------------------------------------
log('\n== 3. Memory over 100,000 statements (pledge verify --offline --json > /dev/null)');
const big = await ensureCorpus100k(BENCH, corpus, fresh, (line) => log(`  ${line}`));
log(`  ${big.generated ? 'made' : 'reused'} ${big.docs} (${big.meta.copied ? `${big.meta.copied} copies, ` : ''}hard links to corpus-10000, 10 names per statement)`);
const memory = await measure(NODE, [PLEDGE, 'verify', '--offline', '--json', '--keyring', big.keys, big.docs], { stdout: 'ignore', cwd: ROOT });
const memoryMB = mb(memory.maxRssKB);
const memoryPass = memory.code === 0 && memoryMB !== null && memoryMB < MEMORY_LIMIT_MB;
log(`  exit code ${memory.code}${memory.signal ? ` (signal ${memory.signal})` : ''}${memory.code === 0 ? ': all 100,000 verified' : `: ${memory.stderr.trim().slice(0, 500)}`}`);
log(`  time ${fmtTime(memory.seconds)} (CPU ${memory.cpuSeconds == null ? 'n/a' : fmtTime(memory.cpuSeconds)}), ${fmtRate(100_000 / memory.seconds)} statements/s`);
log(`  peak RSS ${fmtMB(memory.maxRssKB)} (limit ${MEMORY_LIMIT_MB} MB): ${memoryPass ? 'PASS' : 'FAIL'}`);
goals.push({ what: '100,000 statements, peak RSS', measured: fmtMB(memory.maxRssKB), goal: `< ${MEMORY_LIMIT_MB} MB`, pass: memoryPass });
if (!memoryPass) fail(`100,000 statements: exit ${memory.code}, peak RSS ${fmtMB(memory.maxRssKB)} (limit ${MEMORY_LIMIT_MB} MB)`);

// ---------------------------------------------------------------------------------------------
log(`\n== 4. Cold network: ${NETWORK_USERS.toLocaleString('en-US')} signers found on a Keybase imitation (${KEYBASE_DELAY_MS} ms per answer)`);
const network = await ensureNetworkCorpus(BENCH, fresh, (line) => log(`  ${line}`));
log(`  ${network.generated ? 'generated' : 'reused'} ${network.dir}: ${network.users.length} Ed25519 keys, one Markdown statement each (front matter keybase: userN)`);
const keybase = await startKeybase(network.users, KEYBASE_DELAY_MS);
let networkResult;
try {
  const cold = await measure(NODE, [PLEDGE, 'verify', '--sources', 'keybase', '--keybase-url', keybase.url, '--no-cache', '--quiet', network.docs], { stdout: 'pipe', cwd: ROOT });
  const stats = { ...keybase.stats, namesPerRequest: [...keybase.stats.namesPerRequest] };
  if (cold.code !== 0) fail(`pledge verify (Keybase) exited ${cold.code}: ${(cold.stdout + cold.stderr).trim().slice(0, 500)}`);
  else log(`  pledge verify: exit code 0, all ${NETWORK_USERS} statements verified`);
  const sizes = stats.namesPerRequest;
  log(
    `  pledge verify --sources keybase --no-cache: ${fmtTime(cold.seconds)} (start-up included; CPU ${cold.cpuSeconds == null ? 'n/a' : fmtTime(cold.cpuSeconds)}), ${stats.requests} requests (usernames per request: ${sizes.length ? `min ${Math.min(...sizes)}, max ${Math.max(...sizes)}` : 'none'}), at most ${stats.maxInFlight} in flight, peak RSS ${fmtMB(cold.maxRssKB)}`,
  );
  log(`    usernames per request, in order: ${sizes.join(' ')}`);
  if (stats.requests > Math.ceil(NETWORK_USERS / 50) * 1.25) log(`  NOTE: ${stats.requests} requests, more than the ${Math.ceil(NETWORK_USERS / 50)} that full batches of 50 would need`);

  keybase.reset();
  const started = performance.now();
  for (const user of network.users.slice(0, SEQUENTIAL_SAMPLE)) {
    const response = await fetch(`${keybase.lookupURL}?key_fingerprint=${user.fingerprint}&fields=basics,public_keys,proofs_summary`);
    const answer = await response.json();
    if (answer.them?.[0]?.basics?.username !== user.username) throw new Error(`sequential fetch of ${user.username} returned the wrong user`);
  }
  const sampleSeconds = (performance.now() - started) / 1000;
  const sequentialSeconds = (sampleSeconds * NETWORK_USERS) / SEQUENTIAL_SAMPLE;
  log(`  fetching one after another: ${SEQUENTIAL_SAMPLE} sequential fetch() by key_fingerprint took ${fmtTime(sampleSeconds)} (${keybase.stats.requests} requests, at most ${keybase.stats.maxInFlight} in flight)`);
  log(`    → ${NETWORK_USERS} would take ${fmtTime(sequentialSeconds)} (extrapolated ×${NETWORK_USERS / SEQUENTIAL_SAMPLE})`);
  const ratio = sequentialSeconds / cold.seconds;
  log(`  sequential / pledge: ${fmtRatio(ratio)} ${ratio > 10 ? '(PASS: > 10×)' : '(FAIL: not > 10×)'}`);
  if (ratio <= 10) fail(`cold network: sequential/pledge only ${fmtRatio(ratio)}`);
  networkResult = { seconds: cold.seconds, requests: stats.requests, maxInFlight: stats.maxInFlight, sequentialSeconds, ratio, code: cold.code };
} finally {
  await keybase.close();
}

const benchSeconds = (performance.now() - benchStarted) / 1000;
log(`\nbenchmark time (corpus ready): ${fmtTime(benchSeconds)}; load average at the end: ${loadAverage()}`);

// ---------------------------------------------------------------------------------------------
log('\n== 5. Summary (for the README)\n');
const summaryRows = rows.map((row) => `| ${row.tool} | ${fmtRate(row.rate)} | ${fmtTime(row.seconds)} | ${fmtMB(row.rssKB)} |`);
const pick = (mine, other) => ratios.find((r) => r.mine === mine && r.other === other);
const ratioLine = [
  pick('pledge-cli', 'gpgv') && `${fmtRatio(pick('pledge-cli', 'gpgv').ratio)} gpgv's per-file loop`,
  pick('pledge-cli', 'openpgp-1') && `${fmtRatio(pick('pledge-cli', 'openpgp-1').ratio)} a one-at-a-time openpgp.js loop`,
  pick('pledge-cli', 'openpgp-16') && `${fmtRatio(pick('pledge-cli', 'openpgp-16').ratio)} the same with 16 in flight`,
  pick('pledge-cli', 'ceiling') && `and 1/${(1 / pick('pledge-cli', 'ceiling').ratio).toFixed(1)} of the ceiling (the signature mathematics alone)`,
]
  .filter(Boolean)
  .join(', ');
const summary = `### Performance

Measured with \`npm run bench\` (pledge ${machine.commit}) on ${machine.date}: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, openpgp.js ${machine.openpgp}, ${machine.gpg}.
${STATEMENTS.toLocaleString('en-US')} cleartext statements (SHA-512) from ${SIGNERS} signers (${types}), verified offline with \`--keyring\`; best of ${REPEAT} runs.

| tool | statements/s | time | peak RSS |
| --- | ---: | ---: | ---: |
${summaryRows.join('\n')}

The pledge CLI's throughput is ${ratioLine}.${gpgvPath ? ` gpgv was timed on the first ${GPGV_SAMPLE.toLocaleString('en-US')} files (one process per file).` : ' gpgv: not measured (not installed).'}
${detachedRatio === null ? '' : `Detached signatures: ${DETACHED_DOCUMENTS} statements × 3 signature files in one \`pledge verify DIR\`: ${fmtRate(detachedRows[0].rate)} signatures/s, ${fmtRatio(detachedRatio)} a \`gpgv SIG DOC\` loop over the same files.\n`}100,000 statements (\`--json\` streamed to /dev/null): ${fmtRate(100_000 / memory.seconds)} statements/s, peak RSS ${fmtMB(memory.maxRssKB)} (${memoryPass ? 'under' : 'NOT under'} ${MEMORY_LIMIT_MB} MB).
Cold network, ${NETWORK_USERS.toLocaleString('en-US')} signers looked up on a local Keybase imitation answering after ${KEYBASE_DELAY_MS} ms: ${fmtTime(networkResult.seconds)} with ${networkResult.requests} batched requests, against ~${fmtTime(networkResult.sequentialSeconds)} fetching the keys one after another (${fmtRatio(networkResult.ratio)}; timed on ${SEQUENTIAL_SAMPLE} and extrapolated).${startLoad > 0.5 ? `\n(Measured with other work on the machine: load average ${startLoad} at the start.)` : ''}`;
log(summary);

log('\n== 6. Goals (issue 15)\n');
log(
  table(
    ['goal', 'measured', 'target', ''],
    goals.map((g) => [g.what, g.measured, g.goal, g.pass ? 'PASS' : 'FAIL']),
    ['l', 'r', 'r', 'l'],
  ),
);
for (const goal of goals.filter((g) => !g.pass)) failures.push(`goal not met: ${goal.what}: ${goal.measured}, target ${goal.goal}`);

if (failures.length) {
  log(`\n${failures.length} check(s) FAILED:`);
  for (const failure of failures) log(`  - ${failure}`);
  process.exitCode = 1;
}
