import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/run-cli.js';

/** Each thread of a process and its niceness (/proc/PID/task/TID/stat, field 19). */
function threadNiceness(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    // After "pid (comm) ": state is field 3, niceness field 19.
    threads.set(Number(task), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return threads;
}

/** Can a process here lower one of its own threads (a sandbox may refuse setpriority)? */
function threadsCanBeLowered(): boolean {
  const probe = `const os = require('node:os'); const [task] = require('node:fs').readdirSync('/proc/self/task').filter((t) => Number(t) !== process.pid); try { os.setPriority(Number(task), 19); process.stdout.write('yes'); } catch { process.stdout.write('no'); }`;
  return spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).stdout === 'yes';
}

const linux = process.platform === 'linux';
const skipReason = !linux ? `thread priorities are per thread only on Linux (this is ${process.platform})` : !threadsCanBeLowered() ? 'this machine does not let a process lower its own threads (setpriority refused)' : null;
if (skipReason) console.log(`skipped: test/cli/thread-priority.test.ts: ${skipReason}`);

// bin/pledge.cjs lowers V8's helper threads (compilation, concurrent collection), which exist
// before any of pledge's code runs, so that the threads doing the work take the cores first
// (a third of a short batch's CPU went to them). The process itself, and the threads it starts
// later, keep the priority they were given.
describe.skipIf(skipReason !== null)('thread priorities', () => {
  it('runs V8’s helper threads at the lowest priority and the main thread at its own', async () => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'pledge.cjs'), 'verify', '--offline', '--keyring', 'examples/keys', '-'], { cwd: REPO, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    // It waits for its document on stdin: by then the option table has been read and the helpers lowered.
    let threads = new Map<number, number>();
    for (let tries = 0; tries < 100; tries++) {
      threads = threadNiceness(child.pid!);
      if ([...threads.values()].filter((nice) => nice === 19).length >= 4) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.stdin.end(readFileSync(join(REPO, 'examples', 'signed-post.md')));
    expect(await done).toBe(0);
    expect(stdout).toContain('1 verified');

    // The process keeps the priority it was started with (this test's own, under `nice` or not).
    expect(threads.get(child.pid!)).toBe(getPriority());
    const lowered = [...threads].filter(([task, nice]) => task !== child.pid && nice === 19);
    // Node 20 starts four platform workers, and a thread for delayed tasks.
    expect(lowered.length).toBeGreaterThanOrEqual(4);
  });
});
