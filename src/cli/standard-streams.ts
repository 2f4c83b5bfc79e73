import { fstatSync, writeSync } from 'node:fs';
import { PledgeError } from '../core/reasons.js';
import type { CliStreams } from './context.js';

/*
 * The CLI's streams over the process's own (main.ts). process.stdout and process.stderr are each
 * made when first used: making one for a pipe loads node:net and sets up a socket, about 2.5 ms,
 * a quarter of what `pledge --help` adds to Node's own start-up (issue 15).
 */

/**
 * A short text (the help, the version) written to `fd` at once, without making its stream.
 * EPIPE (the reader went away: `pledge --help | head -1`) drops the rest quietly, as it is no
 * verdict; EAGAIN (a non-blocking pipe that is full) hands it to the stream, which waits for
 * room; any other failure (a full disk) is the user's to know: exit 2, said on stderr.
 */
export function writeNow(fd: number, text: string, stream: () => NodeJS.WritableStream): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') stream().write(bytes.subarray(offset));
    else if (code !== 'EPIPE') throw new PledgeError('input', cannotWrite(error as Error));
  }
}

/** What the user is told when standard output refuses what pledge writes (a full disk, a closed terminal). */
export const cannotWrite = (error: Error): string => `cannot write to standard output: ${error.message}`;

/** The abort reason of a run stopped because its standard output failed (main.ts). */
export const OUTPUT_FAILED = 'output-failed';

/** Is standard output a terminal? Asked of the stream only for a character device: a pipe or a file is none. */
function stdoutIsTerminal(): boolean {
  try {
    return fstatSync(1).isCharacterDevice() && process.stdout.isTTY === true;
  } catch {
    return false; // no descriptor 1 at all
  }
}

/**
 * The process's streams for the CLI. A failure to write standard output (its reader gone, a
 * full disk) goes to `onStdoutFailure`, once; one on standard error is dropped: there is nowhere
 * left to say it, and the exit code still tells the outcome.
 */
export function processStreams(onStdoutFailure: (error: NodeJS.ErrnoException) => void): CliStreams {
  let stdout: NodeJS.WriteStream | null = null;
  let stderr: NodeJS.WriteStream | null = null;
  const madeStdout = () => (stdout ??= process.stdout.on('error', onStdoutFailure));
  return {
    get stdout() {
      return madeStdout();
    },
    get stderr() {
      return (stderr ??= process.stderr.on('error', () => undefined));
    },
    // Opened only when `-` asks for it: the getter sets up a stream handle for the terminal or pipe.
    get stdin() {
      return process.stdin;
    },
    // Once the stream exists it holds the order of what was written: write through it.
    writeOut: (text) => (stdout ? void stdout.write(text) : writeNow(1, text, madeStdout)),
    stdoutIsTerminal,
    env: process.env,
    cwd: process.cwd(),
  };
}
