import { readFileSync } from 'node:fs';
import { Chalk, type ChalkInstance } from 'chalk';
import { CommanderError } from 'commander';
import { PledgeError } from '../core/reasons.js';
import { inspectDocuments, verifyDocuments } from '../pipeline/run.js';
import { renderHuman, renderInspect } from '../report/render-human.js';
import { writeFileAtomic } from '../report/write-file-atomic.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { createProgram, type CommandHandlers } from './program.js';

export interface CliStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function packageVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

/** Colour only on a terminal, never with NO_COLOR (no-color.org), and FORCE_COLOR wins. */
export function colourFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): ChalkInstance {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  const wanted = forced || (stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb');
  return new Chalk({ level: wanted ? 1 : 0 });
}

function handlersFor(streams: CliStreams, version: string, setExit: (code: number) => void): CommandHandlers {
  const out = (text: string) => streams.stdout.write(text);
  return {
    async verify(paths, options) {
      const manifest = await verifyDocuments({
        paths,
        keyrings: options.keyring,
        version,
        limits: options.maxDocumentBytes ? { maxDocumentBytes: options.maxDocumentBytes } : {},
      });
      const json = JSON.stringify(manifest, null, 2) + '\n';
      if (options.manifest) await writeFileAtomic(options.manifest, json);
      if (options.json) out(json);
      else if (!options.quiet) out(renderHuman(manifest, colourFor(streams.stdout, streams.env)));
      setExit(exitCodeFor(manifest));
    },
    async inspect(paths, options) {
      const documents = await inspectDocuments(paths);
      out(options.json ? JSON.stringify({ documents }, null, 2) + '\n' : renderInspect(documents, colourFor(streams.stdout, streams.env)));
      const unreadable = documents.some((document) => document.status === 'unreadable');
      setExit(unreadable ? ExitCode.usage : ExitCode.ok);
    },
  };
}

/** Runs the CLI and returns the exit code; never calls process.exit, so output always flushes. */
export async function run(argv: string[], streams: CliStreams): Promise<number> {
  const version = packageVersion();
  let exitCode: number = ExitCode.ok;
  const program = createProgram(
    version,
    handlersFor(streams, version, (code) => (exitCode = code)),
    { writeOut: (text) => streams.stdout.write(text), writeErr: (text) => streams.stderr.write(text) },
  );
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof PledgeError && error.code !== 'internal') {
      streams.stderr.write(`pledge: ${error.message}\n`);
      return ExitCode.usage;
    }
    const detail = streams.env.PLEDGE_DEBUG ? `\n${(error as Error).stack}` : ' (set PLEDGE_DEBUG=1 for details)';
    streams.stderr.write(`pledge: internal error: ${(error as Error).message}${detail}\nThis is a bug in pledge; please report it.\n`);
    return ExitCode.internal;
  }
}

export async function main(argv: string[]): Promise<void> {
  process.exitCode = await run(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env });
}
