import { CommanderError } from 'commander';
import { PledgeError } from '../core/reasons.js';
import type { CliStreams, ColourMode, CommandContext } from './context.js';
import { ExitCode } from './exit-codes.js';
import { createProgram, EXIT_CODES_HELP } from './program.js';
import { dropUnsetVariables } from './environment.js';
import { packageVersion } from '../core/package-version.js';
import { writeSync } from 'node:fs';
import { cannotWrite, OUTPUT_FAILED, processStreams } from './standard-streams.js';

export type { CliStreams } from './context.js';

/** Runs the CLI and returns the exit code; never calls process.exit, so output always flushes. */
export async function run(argv: string[], streams: CliStreams, signal?: AbortSignal): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const context: CommandContext = { streams, version: packageVersion(), setExit: (code) => (exitCode = code), ...(signal ? { signal } : {}) };
  const program = createProgram(
    context.version,
    // Each command's modules (the pipeline, openpgp.js, yaml…) load when it runs, not to print --help.
    {
      verify: async (paths, options) => (await import('./commands/verify.js')).verifyCommand(paths, options, context),
      manifest: async (options) => (await import('./commands/manifest.js')).manifestCommand(options, context),
      init: async (options) => (await import('./commands/init.js')).initCommand(options, context),
      inspect: async (paths, options) => (await import('./commands/inspect.js')).inspectCommand(paths, options, context),
      site: async (options) => (await import('./commands/site.js')).siteCommand(options, context),
      sign: async (file, options) => (await import('./commands/sign.js')).signCommand(file, options, context),
      keysFetch: async (query, options) => (await import('./commands/keys.js')).keysFetchCommand(query, options, context),
      keysList: async (options) => (await import('./commands/keys.js')).keysListCommand(options, context),
      keysExport: async (options) => (await import('./commands/keys.js')).keysExportCommand(options, context),
      bundle: async (options) => (await import('./commands/bundle.js')).bundleCommand(options, context),
      keysClear: async (options) => (await import('./commands/keys.js')).keysClearCommand(options, context),
      // The program itself is the table the script and the page are generated from.
      completion: async (shell) => void streams.stdout.write((await import('./completion.js')).completionScript(program, shell)),
      man: async () => void streams.stdout.write((await import('./man-page.js')).manPage(program, EXIT_CODES_HELP)),
    },
    {
      writeOut: (text) => (streams.writeOut ? streams.writeOut(text) : streams.stdout.write(text)),
      writeErr: (text) => streams.stderr.write(text),
      // Commander's own defaults ask process.stdout, which makes the stream (standard-streams.ts);
      // 80 columns is its width for anything but a terminal.
      getOutHelpWidth: () => ((streams.stdoutIsTerminal?.() ?? streams.stdout.isTTY) ? (streams.stdout as NodeJS.WriteStream).columns : undefined) ?? 80,
      // Only whether colour codes in the help are kept: pledge's help has none (no help styles).
      getOutHasColors: () => false,
    },
  );
  dropUnsetVariables(program);
  program.hook('preAction', () => {
    const color = program.opts<{ color?: ColourMode | false }>().color;
    context.colour = color === false ? 'never' : (color ?? 'auto');
  });
  // The options are not parsed yet when parsing is what failed, so argv says whether this is a CI log.
  const github = argv.some((arg, index) => arg === '--format=github' || (arg === '--format' && argv[index + 1] === 'github'));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    if (error instanceof PledgeError && error.code === 'interrupted') {
      // A run stopped because its output failed is told of by main(), which knows why.
      if (signal?.reason !== OUTPUT_FAILED) streams.stderr.write('pledge: interrupted; no manifest was written\n');
      return ExitCode.interrupted;
    }
    // Loaded only here: --help and --version end above, and should not pay for it.
    const { escapeLogMessage } = await import('../report/render-github.js');
    const say = (message: string) => (github ? escapeLogMessage(message) : message);
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
  // First Ctrl-C or SIGTERM: stop between documents and clean up; a second one, or work that
  // does not stop within the grace (a read stuck in the kernel): leave at once.
  const interrupt = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (interrupt.signal.aborted) return leaveBy(name);
    interrupt.abort(name);
    setTimeout(() => leaveBy(name), SIGNAL_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Standard output failing (its reader gone, a full disk) stops a run that is still going as
  // Ctrl-C does, between documents and with no partial manifest left; after the run, it only
  // decides the exit code (outputFailureExit).
  let outcome: number | null = null;
  let failure: NodeJS.ErrnoException | null = null;
  let grace: NodeJS.Timeout | undefined;
  const onStdoutFailure = (error: NodeJS.ErrnoException) => {
    if (failure) return;
    failure = error;
    if (outcome !== null) return void (process.exitCode = outputFailureExit(error, outcome, false));
    interrupt.abort(OUTPUT_FAILED);
    grace = setTimeout(() => process.exit(outputFailureExit(error, ExitCode.interrupted, true)), SIGNAL_GRACE_MS).unref();
  };
  outcome = await run(argv, processStreams(onStdoutFailure), interrupt.signal);
  clearTimeout(grace);
  // Stopped: the run ended early for it; a run that had got past its last document ended whole.
  const stopped = outcome === ExitCode.interrupted && interrupt.signal.reason === OUTPUT_FAILED;
  if (failure) process.exitCode = outputFailureExit(failure, outcome, stopped);
  else process.exitCode = outcome === ExitCode.interrupted && interrupt.signal.reason === 'SIGTERM' ? ExitCode.terminated : outcome;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/**
 * The exit code once standard output has failed. Its reader gone (`pledge verify docs/ | head`):
 * the run's own code if it had ended, else 141 (128 + SIGPIPE, as shells report a process the
 * closed pipe ended), never 0 for a run that did not finish. Any other failure: exit 2, said on
 * stderr (written at once: the stream may be the next to fail).
 */
function outputFailureExit(error: NodeJS.ErrnoException, code: number, stopped: boolean): number {
  if (error.code === 'EPIPE') return stopped ? ExitCode.outputClosed : code;
  try {
    writeSync(2, `pledge: ${cannotWrite(error)}${stopped ? '; the run stopped, no manifest was written' : ''}\n`);
  } catch {
    // standard error is gone too: the exit code says it
  }
  return ExitCode.usage;
}

/** How long a signalled run may take to stop between documents and remove its partial files. */
const SIGNAL_GRACE_MS = 2_000;

/**
 * Ends the process by the signal itself, as if pledge had no handler: the shell reports 130 or
 * 143. Not process.exit: at exit, libuv joins its thread pool, and a thread blocked in the
 * kernel (a FIFO opened for reading) would hold the exit forever.
 */
function leaveBy(name: NodeJS.Signals): void {
  process.removeAllListeners(name);
  process.kill(process.pid, name);
}
