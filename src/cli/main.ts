import { CommanderError } from 'commander';
import { PledgeError } from '../core/reasons.js';
import { bundleCommand } from './commands/bundle.js';
import { initCommand } from './commands/init.js';
import { inspectCommand } from './commands/inspect.js';
import { keysClearCommand, keysExportCommand, keysFetchCommand, keysListCommand } from './commands/keys.js';
import { manifestCommand } from './commands/manifest.js';
import { signCommand } from './commands/sign.js';
import { verifyCommand } from './commands/verify.js';
import { packageVersion, type CliStreams, type CommandContext } from './context.js';
import { ExitCode } from './exit-codes.js';
import { createProgram } from './program.js';
import { escapeLogMessage } from '../report/render-github.js';

export type { CliStreams } from './context.js';

/** Runs the CLI and returns the exit code; never calls process.exit, so output always flushes. */
export async function run(argv: string[], streams: CliStreams, signal?: AbortSignal): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const context: CommandContext = { streams, version: packageVersion(), setExit: (code) => (exitCode = code), ...(signal ? { signal } : {}) };
  const program = createProgram(
    context.version,
    {
      verify: (paths, options) => verifyCommand(paths, options, context),
      manifest: (options) => manifestCommand(options, context),
      init: (options) => initCommand(options, context),
      inspect: (paths, options) => inspectCommand(paths, options, context),
      sign: (file, options) => signCommand(file, options, context),
      keysFetch: (query, options) => keysFetchCommand(query, options, context),
      keysList: (options) => keysListCommand(options, context),
      keysExport: (options) => keysExportCommand(options, context),
      bundle: (options) => bundleCommand(options, context),
      keysClear: (options) => keysClearCommand(options, context),
    },
    { writeOut: (text) => streams.stdout.write(text), writeErr: (text) => streams.stderr.write(text) },
  );
  // The options are not parsed yet when parsing is what failed, so argv says whether this is a CI log.
  const github = argv.some((arg, index) => arg === '--format=github' || (arg === '--format' && argv[index + 1] === 'github'));
  const say = (message: string) => (github ? escapeLogMessage(message) : message);
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (error instanceof PledgeError && error.code === 'interrupted') {
      streams.stderr.write('pledge: interrupted; no manifest was written\n');
      return ExitCode.interrupted;
    }
    if (error instanceof PledgeError && error.code !== 'internal') {
      streams.stderr.write(`pledge: ${say(error.message)}\n`);
      return ExitCode.usage;
    }
    const detail = streams.env.PLEDGE_DEBUG ? `\n${(error as Error).stack}` : ' (set PLEDGE_DEBUG=1 for details)';
    streams.stderr.write(`pledge: internal error: ${say(`${(error as Error).message}${detail}`)}\nThis is a bug in pledge; please report it.\n`);
    return ExitCode.internal;
  }
}

export async function main(argv: string[]): Promise<void> {
  // A reader that went away (pledge … | head) is not an error: stop quietly.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  // First Ctrl-C: stop between documents and clean up; a second one: leave at once.
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.exitCode = await run(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() }, interrupt.signal);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
