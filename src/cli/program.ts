import { Command, InvalidArgumentError, Option, type OutputConfiguration } from 'commander';
import { DEFAULT_SOURCE_ORDER, SOURCE_NAMES, type SourceName } from '../discovery/create-sources.js';

/** Where keys come from: shared by `verify` and `keys fetch`. */
export interface DiscoveryCommandOptions {
  keyring: string[];
  offline: boolean;
  sources: SourceName[];
  keybaseUrl?: string;
  vksUrl?: string;
  keyserver: string[];
  wkdOrigin?: string;
  githubUrl?: string;
  cacheDir?: string;
  cache: boolean;
  cacheTtl: number;
  timeout: number;
}

export interface VerifyCommandOptions extends DiscoveryCommandOptions {
  json: boolean;
  manifest?: string;
  quiet: boolean;
  maxDocumentBytes?: number;
}

export interface InspectCommandOptions {
  json: boolean;
}

export interface CacheCommandOptions {
  cacheDir?: string;
  json: boolean;
}

export interface CommandHandlers {
  verify(paths: string[], options: VerifyCommandOptions): Promise<void>;
  inspect(paths: string[], options: InspectCommandOptions): Promise<void>;
  keysFetch(query: string, options: DiscoveryCommandOptions & { json: boolean }): Promise<void>;
  keysList(options: CacheCommandOptions): Promise<void>;
  keysClear(options: CacheCommandOptions): Promise<void>;
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

function sourceList(value: string): SourceName[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(SOURCE_NAMES as readonly string[]).includes(name));
  if (unknown.length || names.length === 0) throw new InvalidArgumentError(`unknown source "${unknown.join(',')}": choose from ${SOURCE_NAMES.join(', ')}`);
  return names as SourceName[];
}

function url(value: string): string {
  try {
    const parsed = new URL(value);
    if (!['http:', 'https:', 'hkp:', 'hkps:'].includes(parsed.protocol)) throw new Error();
    return value;
  } catch {
    throw new InvalidArgumentError('expected an http(s) URL');
  }
}

function addDiscoveryOptions(command: Command): Command {
  return command
    .option('-k, --keyring <path>', 'a file or directory of public keys, asked first (repeatable)', collect, [])
    .option('--offline', 'use only --keyring keys and the cache: no network request at all', false)
    .addOption(
      new Option('--sources <list>', `network sources to ask, in order (${SOURCE_NAMES.join(',')})`)
        .argParser(sourceList)
        .default(DEFAULT_SOURCE_ORDER, DEFAULT_SOURCE_ORDER.join(',')),
    )
    .addOption(new Option('--keybase-url <url>', 'Keybase API base URL').argParser(url))
    .addOption(new Option('--vks-url <url>', 'keys.openpgp.org (VKS) base URL').argParser(url))
    .addOption(new Option('--keyserver <url>', 'an HKP keyserver, hkp:// or hkps:// (repeatable; default hkps://keyserver.ubuntu.com)').argParser((v: string, p: string[]) => [...p, url(v)]).default([]))
    .addOption(new Option('--wkd-origin <url>', 'serve WKD from this origin instead of https://openpgpkey.DOMAIN and https://DOMAIN').argParser(url))
    .addOption(new Option('--github-url <url>', 'GitHub base URL for USER.gpg').argParser(url))
    .option('--cache-dir <dir>', 'key cache directory (default $XDG_CACHE_HOME/pledge)')
    .option('--no-cache', 'neither read nor write the key cache')
    .addOption(new Option('--cache-ttl <hours>', 'refetch cached keys older than this, to see new revocations').argParser(positiveInteger).default(24))
    .addOption(new Option('--timeout <seconds>', 'deadline per network request').argParser(positiveInteger).default(10));
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
  pledge verify post.md                             find the signers' keys and verify post.md
  pledge verify --offline --keyring keys/ post.md   verify with local keys only, no network
  pledge verify --json _signatures/ > manifest.json
  pledge inspect post.md                            show what each block claims, verify nothing
  pledge keys fetch keybase:alice                   fetch and cache a key
${EXIT_CODES_HELP}`,
    );

  addDiscoveryOptions(
    program
      .command('verify')
      .description('find every cleartext-signed block in the documents and verify each signature')
      .argument('<paths...>', 'documents (text, Markdown, HTML) or directories of them'),
  )
    .option('--json', 'print the manifest (JSON) to stdout instead of the report', false)
    .option('--manifest <file>', 'also write the manifest to FILE (atomically)')
    .option('-q, --quiet', 'print nothing but the requested output', false)
    .addOption(new Option('--max-document-bytes <n>', 'largest document read').argParser(positiveInteger))
    .addHelpText(
      'after',
      `
Key lookup order: --keyring files, the cache, then ${DEFAULT_SOURCE_ORDER.join(', ')} (set with --sources).

Examples:
  pledge verify --offline --keyring examples/keys examples/signed-post.md
  pledge verify --json --keyring alice.asc statement.txt
  pledge verify --sources keybase,github post.md
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

  const keys = program.command('keys').description('fetch, list or clear cached public keys');
  addDiscoveryOptions(
    keys
      .command('fetch')
      .description('fetch a key by fingerprint, key ID, keybase:USER, github:USER or e-mail, and cache it')
      .argument('<query>', 'fingerprint (40/64 hex), key ID (16 hex), keybase:USER, github:USER or an e-mail address'),
  )
    .option('--json', 'print JSON', false)
    .addHelpText('after', `
Examples:
  pledge keys fetch 0123456789ABCDEF0123456789ABCDEF01234567
  pledge keys fetch keybase:alice
  pledge keys fetch alice@example.org --sources wkd`)
    .action(async (query: string, options: DiscoveryCommandOptions & { json: boolean }) => handlers.keysFetch(query, options));
  keys
    .command('list')
    .description('list cached keys with their source and fetch time')
    .option('--cache-dir <dir>', 'key cache directory')
    .option('--json', 'print JSON', false)
    .action(async (options: CacheCommandOptions) => handlers.keysList(options));
  keys
    .command('clear')
    .description('remove every cached key')
    .option('--cache-dir <dir>', 'key cache directory')
    .option('--json', 'print JSON', false)
    .action(async (options: CacheCommandOptions) => handlers.keysClear(options));

  return program;
}
