import { Command, InvalidArgumentError, Option, type OutputConfiguration } from 'commander';

export interface VerifyCommandOptions {
  keyring: string[];
  offline: boolean;
  json: boolean;
  manifest?: string;
  quiet: boolean;
  maxDocumentBytes?: number;
}

export interface InspectCommandOptions {
  json: boolean;
}

export interface CommandHandlers {
  verify(paths: string[], options: VerifyCommandOptions): Promise<void>;
  inspect(paths: string[], options: InspectCommandOptions): Promise<void>;
}

const EXIT_CODES_HELP = `
Exit codes:
  0  every document signed and every signature verified
  1  a signature not verified, a malformed block, or a document with no signed block
  2  usage or input error (bad option, missing or unreadable file)
  3  only "could not check" failures (a key server unreachable): try again
  4  internal error (a bug in pledge)`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return number;
}

/** The command table: names, options, help and examples. No I/O happens here. */
export function createProgram(version: string, handlers: CommandHandlers, output: OutputConfiguration): Command {
  // Set before the subcommands are added: they copy these settings when created.
  const program = new Command('pledge')
    .exitOverride()
    .configureOutput(output)
    .description('Prove who signed a public statement: find, verify and list OpenPGP cleartext signatures in documents.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run pledge --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  pledge verify post.md --keyring keys/            verify every signed block in post.md
  pledge verify --json _signatures/ > manifest.json
  pledge inspect post.md                            show what each block claims, verify nothing
${EXIT_CODES_HELP}`,
    );

  program
    .command('verify')
    .description('find every cleartext-signed block in the documents and verify each signature')
    .argument('<paths...>', 'documents (text, Markdown, HTML) or directories of them')
    .option('-k, --keyring <path>', 'a file or directory of public keys (repeatable)', collect, [])
    .option('--offline', 'use only --keyring keys (and the cache): no network request at all', false)
    .option('--json', 'print the manifest (JSON) to stdout instead of the report', false)
    .option('--manifest <file>', 'also write the manifest to FILE (atomically)')
    .option('-q, --quiet', 'print nothing but the requested output', false)
    .addOption(new Option('--max-document-bytes <n>', 'largest document read').argParser(positiveInteger))
    .addHelpText(
      'after',
      `
Examples:
  pledge verify --offline --keyring examples/keys examples/signed-post.md
  pledge verify --json --keyring alice.asc statement.txt
  pledge verify --manifest signers.json --keyring keys/ _signatures/
${EXIT_CODES_HELP}`,
    )
    .action(async (paths: string[], options: VerifyCommandOptions) => handlers.verify(paths, options));

  program
    .command('inspect')
    .description('show each block, what rendering was undone, the signed text and what the signatures claim (no verification, no network)')
    .argument('<paths...>', 'documents or directories')
    .option('--json', 'print JSON to stdout', false)
    .addHelpText('after', `
Examples:
  pledge inspect post.md
  pledge inspect --json post.md`)
    .action(async (paths: string[], options: InspectCommandOptions) => handlers.inspect(paths, options));

  return program;
}
