import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeNow } from '../../src/cli/standard-streams.js';
import { REPO, runCli, runInProcess } from '../helpers/run-cli.js';

const BIN = fileURLToPath(new URL('../../bin/pledge.cjs', import.meta.url));

/** `count` copies of the bundled example in a folder of their own: a batch whose report is long. */
function documents(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'documents-'));
  const text = readFileSync(join(REPO, 'examples', 'signed-post.md'));
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `post-${String(i).padStart(3, '0')}.md`), text);
  return dir;
}

/** The real executable with its stdout's reader gone before it writes: every write meets EPIPE. */
function withReaderGone(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // closes this end of the pipe at once, long before Node has started there
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('standard output (src/cli/standard-streams.ts)', () => {
  // `pledge --version | true` printed a stack trace and exited 1: the version was written to a stream with no error handler.
  it.each([['--version'], ['-V'], ['--help'], ['help', 'verify']])('pledge %s with its reader gone ends quietly, exit 0: the answer is no verdict', async (...args) => {
    expect(await withReaderGone(args)).toEqual({ code: 0, stderr: '' });
  });

  // It exited 0 without having verified anything, and left the manifest's temporary file behind.
  it('stops a run whose reader went away: exit 141 (128 + SIGPIPE), nothing on stderr, no manifest and no temporary file', async () => {
    const dir = documents(50);
    const out = mkdtempSync(join(tmpdir(), 'reader-gone-'));
    expect(await withReaderGone(['verify', '--offline', '--keyring', 'examples/keys', '--manifest', join(out, 'manifest.json'), dir])).toEqual({ code: 141, stderr: '' });
    expect(readdirSync(out)).toEqual([]);
    expect(await withReaderGone(['verify', '--offline', '--json', '--keyring', 'examples/keys', 'examples/signed-post.md'])).toEqual({ code: 141, stderr: '' });
  });

  describe.skipIf(!existsSync('/dev/full'))('standard output on a full disk (/dev/full)', () => {
    const toFull = (args: string[]) => {
      const full = openSync('/dev/full', 'w');
      try {
        return spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      } finally {
        closeSync(full);
      }
    };

    it.each([['--version'], ['--help']])('pledge %s: exit 2 and one line on stderr, no stack trace', (...args) => {
      const result = toFull(args);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe('pledge: cannot write to standard output: ENOSPC: no space left on device, write\n');
    });

    it('a verification stops as at Ctrl-C: exit 2, said on stderr, no manifest left behind', () => {
      const out = mkdtempSync(join(tmpdir(), 'full-'));
      const batch = toFull(['verify', '--offline', '--keyring', 'examples/keys', '--json', '--manifest', join(out, 'manifest.json'), documents(50)]);
      expect(batch.status).toBe(2);
      expect(batch.stderr).toBe('pledge: cannot write to standard output: ENOSPC: no space left on device, write; the run stopped, no manifest was written\n');
      // One document: verified before the report failed, so the run ended whole; the report is still lost.
      const one = toFull(['verify', '--offline', '--keyring', 'examples/keys', 'examples/signed-post.md']);
      expect(one.status).toBe(2);
      expect(one.stderr).toBe('pledge: cannot write to standard output: ENOSPC: no space left on device, write\n');
      expect(readdirSync(out)).toEqual([]);
    });
  });

  it('writes the help through a pipe as the in-process run gives it: 80 columns, no colour codes', async () => {
    const piped = await runCli(['--help']);
    const captured = await runInProcess(['--help']);
    expect(piped).toMatchObject({ code: 0, stderr: '' });
    expect(piped.stdout).toBe(captured.stdout);
    expect(piped.stdout).not.toMatch(/\u001b\[/);
    expect((await runCli(['--version'])).stdout).toBe(`${(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  it.skipIf(process.platform !== 'linux' || spawnSync('mkfifo', ['--version']).status !== 0)('hands what a full non-blocking pipe refused (EAGAIN) to the stream, byte for byte', () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'write-now-')), 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // Both ends in one descriptor, never read: the pipe fills (64 KiB on Linux) and then refuses.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    try {
      const text = 'x'.repeat(200_000);
      const handed: Buffer[] = [];
      const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => (handed.push(chunk), done()) });
      writeNow(fd, text, () => stream);
      const rest = Buffer.concat(handed).length;
      expect(rest).toBeGreaterThan(0);
      // What went to the pipe and what went to the stream are the whole text, once.
      let inPipe = 0;
      const buffer = Buffer.alloc(65_536);
      for (;;) {
        let read = 0;
        try {
          read = readSync(fd, buffer);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break; // emptied
          throw error;
        }
        inPipe += read;
      }
      expect(inPipe).toBeGreaterThan(0);
      expect(inPipe + rest).toBe(text.length);
    } finally {
      closeSync(fd);
    }
  });

  it('throws any other write error (a closed descriptor) rather than dropping the text', () => {
    const fd = openSync(join(tmpdir(), `write-now-${process.pid}`), 'w');
    closeSync(fd);
    expect(() => writeNow(fd, 'text', () => process.stdout)).toThrow(/EBADF/);
  });
});
