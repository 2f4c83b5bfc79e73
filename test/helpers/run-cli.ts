import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** Each test process gets its own key cache, never the user's. */
const CACHE = mkdtempSync(join(tmpdir(), 'pledge-cache-'));
const BIN = fileURLToPath(new URL('../../bin/pledge.cjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real executable, as a user or CI would, from the repository root. */
export function runCli(args: string[], env: Record<string, string> = {}, cwd: string = REPO): Promise<CliResult> {
  return startCli(args, env, cwd).done.then(({ code, stdout, stderr }) => ({ code, stdout, stderr }));
}

/** The same, with the process at hand (to signal it): `done` also says which signal ended it. */
export function startCli(args: string[], env: Record<string, string> = {}, cwd: string = REPO): { child: ChildProcess; done: Promise<CliResult & { signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XDG_CACHE_HOME: CACHE, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/**
 * The CLI in this process (src/cli/main.ts `run`), with captured output and an optional stdin:
 * no build and no process start. Commander reads Option.env() from process.env, so a test of
 * PLEDGE_* variables runs the binary (runCli) instead.
 */
export async function runInProcess(args: string[], options: { cwd?: string; env?: Record<string, string>; stdin?: string | Uint8Array; tty?: boolean } = {}): Promise<CliResult> {
  const { run } = await import('../../src/cli/main.js');
  const { PassThrough, Readable } = await import('node:stream');
  const out = Object.assign(new PassThrough(), { isTTY: options.tty ?? false });
  const err = Object.assign(new PassThrough(), { isTTY: false });
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  out.on('data', (chunk: Buffer) => chunks.stdout.push(chunk));
  err.on('data', (chunk: Buffer) => chunks.stderr.push(chunk));
  const code = await run(['node', 'pledge', ...args], {
    stdout: out,
    stderr: err,
    ...(options.stdin !== undefined ? { stdin: Readable.from([Buffer.from(options.stdin)]) } : {}),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', XDG_CACHE_HOME: CACHE, NO_COLOR: '1', ...options.env },
    cwd: options.cwd ?? REPO,
  });
  return { code, stdout: Buffer.concat(chunks.stdout).toString(), stderr: Buffer.concat(chunks.stderr).toString() };
}
