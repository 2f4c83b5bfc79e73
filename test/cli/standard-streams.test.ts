import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeNow } from '../../src/cli/standard-streams.js';
import { REPO, runCli, runInProcess } from '../helpers/run-cli.js';

const BIN = fileURLToPath(new URL('../../bin/pledge.cjs', import.meta.url));

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
  it.each([['--version'], ['-V'], ['--help'], ['help', 'verify'], ['verify', '--offline', '--json', '--keyring', 'examples/keys', 'examples/signed-post.md']])(
    'pledge %s with its reader gone ends quietly, with the exit code of the run',
    async (...args) => {
      expect(await withReaderGone(args)).toEqual({ code: 0, stderr: '' });
    },
  );

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
