// Running a command and measuring its wall time and peak resident set size.
//
// Peak RSS comes from GNU time (`/usr/bin/time -f %M`, the kernel's ru_maxrss of the child and
// every descendant it waited for, which is VmHWM at exit) when it is installed; otherwise the
// child's /proc/PID/status VmHWM is polled (which can miss a peak in the last few milliseconds).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time, if it is installed and takes -f %M; else null (BENCH_NO_GNU_TIME=1 forces null, to try the fallback). */
export const GNU_TIME = (() => {
  if (process.env.BENCH_NO_GNU_TIME === '1') return null;
  const probe = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' });
  return probe.status === 0 && /^\d+\s*$/m.test(probe.stderr ?? '') ? '/usr/bin/time' : null;
})();

export const RSS_METHOD = GNU_TIME ? '/usr/bin/time -f %M' : '/proc/PID/status VmHWM, polled';

function vmHWM(pid) {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Clock ticks per second, the unit of /proc/PID/task/TID/stat's CPU times. */
const CLOCK_TICKS = (() => {
  const probe = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(probe.stdout?.trim()) || 100;
})();

/** The process to look into: `pid` itself, or the command GNU time runs as its only child. */
function measuredPid(pid) {
  if (!GNU_TIME) return pid;
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]) || null;
  } catch {
    return null;
  }
}

/** Linux: records the CPU ticks (user + system) each thread of `pid` has used so far into `seen`. */
function sampleThreads(pid, seen) {
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seen.set(tid, { main: tid === String(pid), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the thread ended between the listing and the read: its last sample stands
    }
  }
}

/**
 * Runs `command args` and resolves { seconds, cpuSeconds, code, signal, maxRssKB, stdout, stderr }
 * (cpuSeconds: user + system of the child and its descendants, GNU time only).
 * stdout: 'ignore' (/dev/null) or 'pipe' (collected). The wall time is the parent's view:
 * process start-up included. With `threads` (Linux), the command's threads are sampled every
 * 10 ms and `threadSeconds` gives each one's CPU seconds, last seen, the main thread first and
 * the others busiest first; sampling costs the parent CPU, so such runs are not the timed ones.
 */
export function measure(command, args, { stdout = 'ignore', cwd, env, threads = false } = {}) {
  const scratch = GNU_TIME ? mkdtempSync(join(tmpdir(), 'pledge-bench-time-')) : null;
  const timeFile = scratch ? join(scratch, 'rss') : null;
  const [file, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, argv, { stdio: ['ignore', stdout, 'pipe'], cwd, env });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (err += chunk));
    let polled = 0;
    const poll = GNU_TIME ? null : setInterval(() => (polled = Math.max(polled, vmHWM(child.pid))), 20);
    const seen = new Map();
    let target = null;
    const threadPoll = threads
      ? setInterval(() => {
          target ??= measuredPid(child.pid);
          if (target) sampleThreads(target, seen);
        }, 10)
      : null;
    child.on('error', (error) => {
      if (poll) clearInterval(poll);
      if (threadPoll) clearInterval(threadPoll);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (poll) clearInterval(poll);
      if (threadPoll) clearInterval(threadPoll);
      const samples = [...seen.values()];
      const threadSeconds =
        threads && samples.length
          ? {
              main: (samples.find((thread) => thread.main)?.ticks ?? 0) / CLOCK_TICKS,
              others: samples
                .filter((thread) => !thread.main && thread.ticks > 0)
                .map((thread) => thread.ticks / CLOCK_TICKS)
                .sort((a, b) => b - a),
            }
          : null;
      let maxRssKB = polled || null;
      let cpuSeconds = null;
      if (timeFile) {
        try {
          // GNU time notes "Command exited with non-zero status N" above the format.
          const [rss, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
          maxRssKB = rss || null;
          cpuSeconds = Number.isFinite(user + system) ? user + system : null;
        } catch {
          maxRssKB = null;
        }
        rmSync(scratch, { recursive: true, force: true });
      }
      resolve({ seconds, cpuSeconds, code, signal, maxRssKB, threadSeconds, stdout: out, stderr: err });
    });
  });
}
