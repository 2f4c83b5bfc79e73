import { CommanderError } from 'commander';
import { PledgeError } from '../core/reasons.js';
import { bundleCommand } from './commands/bundle.js';
import { initCommand } from './commands/init.js';
import { inspectCommand } from './commands/inspect.js';
import { keysClearCommand, keysExportCommand, keysFetchCommand, keysListCommand } from './commands/keys.js';
import { manifestCommand } from './commands/manifest.js';
import { siteCommand } from './commands/site.js';
import { signCommand } from './commands/sign.js';
import { verifyCommand } from './commands/verify.js';
import { packageVersion, type CliStreams, type ColourMode, type CommandContext } from './context.js';
import { ExitCode } from './exit-codes.js';
import { createProgram, EXIT_CODES_HELP } from './program.js';
import { completionScript } from './completion.js';
import { manPage } from './man-page.js';
import { dropUnsetVariables } from './environment.js';
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
      site: (options) => siteCommand(options, context),
      sign: (file, options) => signCommand(file, options, context),
      keysFetch: (query, options) => keysFetchCommand(query, options, context),
      keysList: (options) => keysListCommand(options, context),
      keysExport: (options) => keysExportCommand(options, context),
      bundle: (options) => bundleCommand(options, context),
      keysClear: (options) => keysClearCommand(options, context),
      // The program itself is the table the script and the page are generated from.
      completion: (shell) => Promise.resolve(void streams.stdout.write(completionScript(program, shell))),
      man: () => Promise.resolve(void streams.stdout.write(manPage(program, EXIT_CODES_HELP))),
    },
    { writeOut: (text) => streams.stdout.write(text), writeErr: (text) => streams.stderr.write(text) },
  );
  dropUnsetVariables(program);
  program.hook('preAction', () => {
    const color = program.opts<{ color?: ColourMode | false }>().color;
    context.colour = color === false ? 'never' : (color ?? 'auto');
  });
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
  const code = await run(
    argv,
    {
      stdout: process.stdout,
      stderr: process.stderr,
      // Opened only when `-` asks for it: the getter sets up a stream handle for the terminal or pipe.
      get stdin() {
        return process.stdin;
      },
      env: process.env,
      cwd: process.cwd(),
    },
    interrupt.signal,
  );
  process.exitCode = code === ExitCode.interrupted && interrupt.signal.reason === 'SIGTERM' ? ExitCode.terminated : code;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
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
