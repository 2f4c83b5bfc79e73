// Short runs timed against Node's own start-up: the commands take turns, round after round, and
// each is summarised by its median wall time (a shared machine's noise hits every row alike).
//
//   node scripts/bench/startup.mjs [rounds]      prints the rows alone (dist/ must be built)
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { measure } from './measure.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PLEDGE = join(ROOT, 'bin', 'pledge.cjs');
const NODE = process.execPath;

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The commands, `node -e 0` first: every other row is a ratio to it. `goal` is the ratio to pass. */
export const STARTUP_ROWS = [
  { id: 'node', label: 'node -e 0', args: ['-e', '0'] },
  { id: 'version', label: 'pledge --version', args: [PLEDGE, '--version'], goal: 1.2 },
  { id: 'help', label: 'pledge --help', args: [PLEDGE, '--help'], goal: 1.2 },
  {
    id: 'one-document',
    label: 'pledge verify --offline --keyring examples/keys examples/signed-post.md',
    args: [PLEDGE, 'verify', '--offline', '--keyring', 'examples/keys', 'examples/signed-post.md'],
    goal: 2,
    stretch: 1.3,
  },
];

/**
 * Runs every row `rounds` times, alternating; resolves each row with its median wall and CPU
 * seconds and its ratio to `node -e 0`. A row that exits non-zero throws: its time means nothing.
 */
export async function measureStartup(rounds, rows = STARTUP_ROWS) {
  const runs = new Map(rows.map((row) => [row.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (const row of rows) {
      const run = await measure(NODE, row.args, { cwd: ROOT, stdout: 'pipe' });
      if (run.code !== 0) throw new Error(`${row.label} exited ${run.code}: ${run.stderr.trim().slice(0, 300)}`);
      runs.get(row.id).push(run);
    }
  }
  const base = median(runs.get(rows[0].id).map((run) => run.seconds));
  return rows.map((row) => {
    const seconds = median(runs.get(row.id).map((run) => run.seconds));
    const cpu = runs.get(row.id).map((run) => run.cpuSeconds);
    return { ...row, seconds, cpuSeconds: cpu.includes(null) ? null : median(cpu), ratio: seconds / base, pass: row.goal === undefined ? null : seconds / base <= row.goal };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? 10);
  for (const row of await measureStartup(rounds)) {
    const verdict = row.goal === undefined ? '' : `${row.pass ? 'PASS' : 'FAIL'} (goal <= ${row.goal}x${row.stretch ? `, stretch ${row.stretch}x` : ''})`;
    console.log(`${row.label.padEnd(72)} ${(row.seconds * 1000).toFixed(0).padStart(5)} ms  CPU ${row.cpuSeconds === null ? 'n/a' : (row.cpuSeconds * 1000).toFixed(0).padStart(5) + ' ms'}  ${row.ratio.toFixed(2)}x  ${verdict}`);
  }
}
