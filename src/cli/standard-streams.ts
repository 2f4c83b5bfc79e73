import { fstatSync, writeSync } from 'node:fs';
import type { CliStreams } from './context.js';

/*
 * The CLI's streams over the process's own (main.ts). process.stdout and process.stderr are each
 * made when first used: making one for a pipe loads node:net and sets up a socket, about 2.5 ms,
 * a quarter of what `pledge --help` adds to Node's own start-up (issue 15), and a run that
 * writes nothing there (`verify --quiet`) need not make it at all.
 */

/** Once made, a stream whose reader went away (pledge … | head) ends the run quietly, with the exit code it had. */
function quietWhenReaderLeaves(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return stream;
}

/**
 * A short text (the help, the version) written to `fd` at once, without making its stream.
 * EPIPE (the reader went away) drops it quietly, as the stream would; EAGAIN (a non-blocking
 * pipe that is full) hands the rest to the stream, which waits for room.
 */
export function writeNow(fd: number, text: string, stream: () => NodeJS.WritableStream): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  try {
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') stream().write(bytes.subarray(offset));
    else if (code !== 'EPIPE') throw error;
  }
}

/** Is standard output a terminal? Asked of the stream only for a character device: a pipe or a file is none. */
function stdoutIsTerminal(): boolean {
  try {
    return fstatSync(1).isCharacterDevice() && process.stdout.isTTY === true;
  } catch {
    return false; // no descriptor 1 at all
  }
}

export function processStreams(): CliStreams {
  let stdout: NodeJS.WriteStream | null = null;
  let stderr: NodeJS.WriteStream | null = null;
  const madeStdout = () => (stdout ??= quietWhenReaderLeaves(process.stdout));
  return {
    get stdout() {
      return madeStdout();
    },
    get stderr() {
      return (stderr ??= quietWhenReaderLeaves(process.stderr));
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
