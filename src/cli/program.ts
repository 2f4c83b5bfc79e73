import { Argument, Command, Help, InvalidArgumentError, Option, type OutputConfiguration } from 'commander';
import { DEFAULT_SOURCE_ORDER, SOURCE_NAMES, type SourceName } from '../discovery/source-names.js';
import { globProblem } from '../core/glob-shape.js';

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
  maxKeys?: number;
  maxKeyBytes?: number;
  maxKeyPackets?: number;
  /** Hosts a fetched page (or key source) may reach on a private address or another port. */
  allowHost?: string[];
}

export const FORMATS = ['human', 'json', 'github', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

/** Signers-repository mode: a pledge.config.json and what CI needs. */
export interface RepositoryCommandOptions {
  config?: string | false;
  changedSince?: string;
  redact: boolean;
}

/** The document limits a user can raise (see core/limits.ts for their defaults). */
export interface DocumentLimitOptions {
  maxDocumentBytes?: number;
  maxLineLength?: number;
  maxBlockChars?: number;
  maxBlocks?: number;
  maxSignatures?: number;
  maxArmorHeaders?: number;
  maxKeysPerDocument?: number;
  maxFrontMatterChars?: number;
}

export interface VerifyCommandOptions extends DiscoveryCommandOptions, RepositoryCommandOptions, DocumentLimitOptions {
  jobs?: number;
  workersAfter?: number;
  include: string[];
  exclude: string[];
  gitignore: boolean;
  signedOnly: boolean;
  json: boolean;
  format?: Format;
  manifest?: string;
  checkManifest?: string;
  against?: string;
  online?: boolean;
  quiet: boolean;
  minSignatures?: number;
  signer?: string[];
  signerFile?: string[];
  /** --signature FILE: detached signatures of the one document given (issue 14). */
  signature?: string[];
}

export interface ManifestCommandOptions extends DiscoveryCommandOptions, RepositoryCommandOptions {
  output?: string;
  timestamp: boolean;
}

export interface InitCommandOptions {
  force: boolean;
  statement?: string;
}

export interface SignCommandOptions extends DiscoveryCommandOptions, Pick<RepositoryCommandOptions, 'config'> {
  name?: string;
  field: string[];
  githubUser?: string;
  keybase?: string;
  email?: string;
  text?: string;
  key?: string;
  signerFile?: string;
  gpg: string;
  sq: string;
  output?: string;
  force: boolean;
}

export interface InspectCommandOptions {
  json: boolean;
}

export interface SiteCommandOptions {
  manifest: string;
  output: string;
  title?: string;
  statement?: string;
  repositoryUrl?: string;
  config?: string | false;
}

export interface BundleCommandOptions {
  manifest?: string;
  output: string;
  keyring: string[];
  cacheDir?: string;
  cache: boolean;
}

export interface KeysExportCommandOptions {
  manifest: string;
  output: string;
  keyring: string[];
  cacheDir?: string;
  cache: boolean;
}

export interface CacheCommandOptions {
  cacheDir?: string;
  json: boolean;
}

export interface CommandHandlers {
  verify(paths: string[], options: VerifyCommandOptions): Promise<void>;
  manifest(options: ManifestCommandOptions): Promise<void>;
  init(options: InitCommandOptions): Promise<void>;
  inspect(paths: string[], options: InspectCommandOptions): Promise<void>;
  site(options: SiteCommandOptions): Promise<void>;
  sign(file: string | undefined, options: SignCommandOptions): Promise<void>;
  keysFetch(query: string, options: DiscoveryCommandOptions & { json: boolean }): Promise<void>;
  keysList(options: CacheCommandOptions): Promise<void>;
  keysExport(options: KeysExportCommandOptions): Promise<void>;
  bundle(options: BundleCommandOptions): Promise<void>;
  keysClear(options: CacheCommandOptions): Promise<void>;
  completion(shell: 'bash' | 'zsh' | 'fish'): Promise<void>;
  man(): Promise<void>;
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  every document signed and every signature verified
  1  a signature not verified, a malformed block, or a document with no signed block
     (wins over an unreadable file in the same batch)
  2  usage or input error (bad option, unwritable output path or standard output,
     missing or unreadable file)
  3  only "could not check" failures (a key server unreachable): try again
  4  internal error (a bug in pledge)
  130  interrupted (Ctrl-C); no partial manifest is left behind
  141  the reader of standard output went away before the run ended
       (pledge verify DIR | head), likewise
  143  terminated (SIGTERM), likewise`;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** --include and --exclude: a glob picomatch can take safely (core/glob-shape.ts GLOB_LIMITS), collected. */
function collectGlob(value: string, previous: string[]): string[] {
  const problem = globProblem(value);
  if (problem) throw new InvalidArgumentError(`the glob ${problem}`);
  return collect(value, previous);
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return number;
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** A size in bytes, with an optional unit as people type it: 512K, 10M, 2MiB, 1G (powers of 1024). */
export function byteSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?$/i.exec(value.trim());
  const bytes = match ? Math.round(Number(match[1]) * SIZE_UNITS[match[2]!.toUpperCase()]!) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new InvalidArgumentError('expected a size such as 2097152, 512K, 10M or 1G');
  return bytes;
}

/**
 * Help without commander's noise: a default of false or [] says nothing, and a default the
 * description already states is not repeated (issue 20 #13).
 */
function optionDescription(this: Help, option: Option): string {
  const obvious = option.defaultValue === false || (Array.isArray(option.defaultValue) && option.defaultValue.length === 0) || /\(default[ :]/.test(option.description);
  if (!obvious) return Help.prototype.optionDescription.call(this, option);
  const quiet = Object.assign(Object.create(Object.getPrototypeOf(option) as object) as Option, option, { defaultValue: undefined });
  return Help.prototype.optionDescription.call(this, quiet);
}

function sourceList(value: string): SourceName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
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

/** host, host:port or an IPv6 address, as HttpClientOptions.allowedHosts takes them. */
function hostName(value: string): string {
  const bare = value.trim();
  if (/^[0-9a-f:]+$/i.test(bare) && bare.includes(':') && bare.split(':').length > 2) return bare;
  try {
    const parsed = new URL(`http://${bare}`);
    if (parsed.pathname === '/' && !parsed.username && !parsed.search && !parsed.hash && bare !== '') return bare;
  } catch {
    // falls through to the error
  }
  throw new InvalidArgumentError('expected a host or host:port, e.g. 127.0.0.1:8443');
}

function addRepositoryOptions(command: Command): Command {
  return command
    .optionsGroup('Repository:')
    .addOption(new Option('--config <file>', 'the repository policy (default: pledge.config.json in this folder or above, when no paths are given)').env('PLEDGE_CONFIG'))
    .option('--no-config', 'ignore any pledge.config.json')
    .addOption(new Option('--changed-since <ref>', 'verify only signer files changed since this git ref (pull-request CI)').env('PLEDGE_CHANGED_SINCE'))
    .addOption(new Option('--redact', 'leave user IDs and signed texts out of the manifest (fingerprints, statuses and hashes stay)').default(false).env('PLEDGE_REDACT'));
}

function addDiscoveryOptions(command: Command): Command {
  return command
    .optionsGroup('Keys:')
    .addOption(new Option('-k, --keyring <path>', 'a key file, a folder of them or a GnuPG home (its pubring.kbx), asked first; - for stdin (repeatable)').argParser(collect).default([]).env('PLEDGE_KEYRING'))
    .addOption(new Option('--offline', 'use only --keyring keys and the cache: no network request at all').default(false).env('PLEDGE_OFFLINE'))
    .addOption(new Option('--sources <list>', `network sources to ask, in order, from ${SOURCE_NAMES.join(' ')}`).argParser(sourceList).default(DEFAULT_SOURCE_ORDER, DEFAULT_SOURCE_ORDER.join(',')).env('PLEDGE_SOURCES'))
    .addOption(new Option('--keybase-url <url>', 'Keybase API base URL').argParser(url))
    .addOption(new Option('--vks-url <url>', 'keys.openpgp.org (VKS) base URL').argParser(url))
    .addOption(new Option('--keyserver <url>', 'an HKP keyserver, hkp:// or hkps:// (repeatable; default hkps://keyserver.ubuntu.com)').argParser((v: string, p: string[]) => [...p, url(v)]).default([]))
    .addOption(new Option('--wkd-origin <url>', 'serve WKD from this origin instead of https://openpgpkey.DOMAIN and https://DOMAIN').argParser(url))
    .addOption(new Option('--github-url <url>', 'GitHub base URL for USER.gpg').argParser(url))
    .addOption(new Option('--cache-dir <dir>', 'key cache directory (default: $XDG_CACHE_HOME/pledge, else ~/.cache/pledge; ~/Library/Caches/pledge on macOS, %LOCALAPPDATA%\\pledge\\Cache on Windows)').env('PLEDGE_CACHE_DIR'))
    .addOption(new Option('--no-cache', 'neither read nor write the key cache').env('PLEDGE_NO_CACHE'))
    .addOption(new Option('--cache-ttl <hours>', 'refetch cached keys older than this, to see new revocations').argParser(positiveInteger).default(24).env('PLEDGE_CACHE_TTL'))
    .addOption(new Option('--timeout <seconds>', 'deadline per network request').argParser(positiveInteger).default(10).env('PLEDGE_TIMEOUT'))
    .addOption(new Option('--allow-host <host>', 'a host you trust that may be on a loopback or private address or another port than 443, e.g. 127.0.0.1:8443 (repeatable)').argParser((v: string, p: string[] = []) => [...p, hostName(v)]))
    .optionsGroup('Limits:')
    .addOption(new Option('--max-keys <n>', 'most distinct keys looked up on the network in one run (default 10000)').argParser(positiveInteger))
    .addOption(new Option('--max-key-bytes <size>', 'largest key data accepted from a file or server, e.g. 1M (default 1 MiB)').argParser(byteSize))
    .addOption(new Option('--max-key-packets <n>', 'most packets in one key answer: flooded keys are refused unread (default 5000)').argParser(positiveInteger));
}

/** The command table: names, options, help and examples. No I/O happens here. */
export function createProgram(version: string, handlers: CommandHandlers, output: OutputConfiguration): Command {
  // Set before the subcommands are added: they copy these settings when created.
  const program = new Command('pledge')
    .exitOverride()
    .configureOutput(output)
    .description('Prove who signed a public statement: find, verify and list OpenPGP signatures (cleartext, inline or detached) in documents.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addOption(new Option('--color <when>', 'colour the report: auto (a terminal, unless NO_COLOR), always or never; FORCE_COLOR is honoured').choices(['auto', 'always', 'never']))
    .option('--no-color', 'the same as --color=never')
    .configureHelp({ optionDescription })
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
  pledge site --manifest signers.json -o site/      the signers page, to publish
${EXIT_CODES_HELP}`,
    );

  addRepositoryOptions(
    addDiscoveryOptions(
      program
        .command('verify')
        .description('find every signed block in the documents (cleartext, inline message or detached signature) and verify each signature')
        .argument('[paths...]', 'documents (text, Markdown, HTML), directories of them, or https:// pages; none: the signer files of pledge.config.json'),
    ),
  )
    .optionsGroup('Output:')
    .option('--json', 'print the manifest (JSON) to stdout: the same as --format json', false)
    .addOption(new Option('--format <format>', 'what to print on stdout').choices(FORMATS).env('PLEDGE_FORMAT'))
    .addOption(new Option('--manifest <file>', 'also write the manifest to FILE (atomically)').env('PLEDGE_MANIFEST'))
    .addOption(new Option('--check-manifest <file>', 'fail, with a diff, when the committed manifest FILE no longer matches').env('PLEDGE_CHECK_MANIFEST'))
    .option('--against <file>', 'verify again (offline unless --online) and report per signature: same verdict, changed verdict or key changed; exit 1 on any change')
    .option('--online', 'with --against, also ask the network for keys', false)
    .addOption(new Option('-q, --quiet', 'print nothing but the requested output (no report, no progress)').default(false).env('PLEDGE_QUIET'))
    .optionsGroup('Input:')
    .option('--include <glob>', 'in directories, only files matching GLOB (repeatable; * within a folder, ** across, {md,txt}, [a-c], !GLOB to leave out)', collectGlob, [])
    .option('--exclude <glob>', 'in directories, leave out files matching GLOB (repeatable)', collectGlob, [])
    .option('--no-gitignore', 'in directories, also read files .gitignore excludes')
    .addOption(new Option('--signed-only', 'judge and report only documents holding a signed block; pass over the others (a blog where some posts are signed)').default(false).env('PLEDGE_SIGNED_ONLY'))
    .option('--signature <file>', 'a detached signature of the one document given (repeatable); `pledge verify SIG DOC` says the same, as gpg --verify does', collect, [])
    .optionsGroup('Signers:')
    .addOption(new Option('--min-signatures <n>', 'a document passes only with N verified signatures by N distinct primary keys (like sqv -n)').argParser(positiveInteger).env('PLEDGE_MIN_SIGNATURES'))
    .addOption(new Option('--signer <fingerprint>', 'only signatures by this key count (primary or signing subkey fingerprint; repeatable; like gpg --assert-signer)').argParser(collect).default([]))
    .addOption(new Option('--signer-file <file>', 'only signatures by the keys this file lists count (one fingerprint a line, # comments; repeatable)').argParser(collect).default([]).env('PLEDGE_SIGNER_FILE'))
    .addOption(new Option('--workers-after <n>', 'documents verified before worker threads start').argParser((v: string) => Number(v)).hideHelp())
    .optionsGroup('Limits:')
    .addOption(new Option('-j, --jobs <n>', 'threads verifying documents, main thread included (default: one per core up to 4 on machines of more than 2 cores, else 1: no workers)').argParser(positiveInteger).env('PLEDGE_JOBS'))
    .addOption(new Option('--max-document-bytes <size>', 'largest document read, e.g. 512K or 10M (default 2 MiB)').argParser(byteSize))
    .addOption(new Option('--max-line-length <n>', 'longest line inside a block (default 65536)').argParser(positiveInteger))
    .addOption(new Option('--max-block-chars <n>', 'largest block (default 262144)').argParser(positiveInteger))
    .addOption(new Option('--max-blocks <n>', 'most blocks read from one document (default 64)').argParser(positiveInteger))
    .addOption(new Option('--max-signatures <n>', 'most signatures in one block (default 16)').argParser(positiveInteger))
    .addOption(new Option('--max-armor-headers <n>', 'most armor header lines in one block (default 32)').argParser(positiveInteger))
    .addOption(new Option('--max-keys-per-document <n>', 'most distinct keys one document may have looked up (default 32)').argParser(positiveInteger))
    .addOption(new Option('--max-front-matter-chars <n>', 'largest YAML front matter parsed (default 16384)').argParser(positiveInteger))
    .addHelpText(
      'after',
      `
Key lookup order: --keyring files, the cache, then ${DEFAULT_SOURCE_ORDER.join(', ')} (set with --sources).

Examples:
  pledge verify --offline --keyring examples/keys examples/signed-post.md
  pledge verify --json --keyring alice.asc statement.txt
  pledge verify --sources keybase,github post.md
  pledge verify                                    a signers repository, by its pledge.config.json
  pledge verify --format github --changed-since origin/main
  pledge verify --check-manifest signers.json
  pledge verify https://blog.example/neveragain/     fetch the page and verify what its readers see
  pledge verify --against signers.json             the yearly check: same keys, same verdicts?
  pledge verify SHA256SUMS.asc SHA256SUMS          a detached signature and its document, as gpg --verify
${EXIT_CODES_HELP}`,
    )
    .action(async (paths: string[], options: VerifyCommandOptions) => handlers.verify(paths, options));

  addRepositoryOptions(addDiscoveryOptions(program.command('manifest').description("write the signers repository's deterministic manifest: the public list of verified signers, to commit")))
    .option('-o, --output <file>', 'where to write it (default: the config\'s "manifest", else stdout; - for stdout)')
    .option('--timestamp', 'add the time it was made (then it is no longer byte-for-byte reproducible)', false)
    .addHelpText(
      'after',
      `
Examples:
  pledge manifest                     write signers.json as pledge.config.json names it
  pledge manifest --redact -o -       print it without user IDs or signed texts
${EXIT_CODES_HELP}`,
    )
    .action(async (options: ManifestCommandOptions) => handlers.manifest(options));

  program
    .command('site')
    .description('write the signers page of a manifest: one static HTML page (no script, no external request) to publish')
    .requiredOption('--manifest <file>', 'the manifest to show (pledge manifest writes signers.json)')
    .requiredOption('-o, --output <dir>', 'folder to write index.html into (or a file name ending in .html)')
    .option('--title <text>', 'the page heading (default "Signers")')
    .option('--statement <text>', "the statement shown (default: pledge.config.json's statement, {name} as a placeholder)")
    .option('--repository-url <url>', 'where readers clone the signer files, for "Check it yourself"')
    .option('--config <file>', 'the repository policy to take the statement from (default: pledge.config.json here or above)')
    .option('--no-config', 'ignore any pledge.config.json')
    .addHelpText(
      'after',
      `
Examples:
  pledge site --manifest signers.json -o site/
  pledge site --manifest signers.json -o public/signers.html --title "neveragain.tech signers" \\
              --repository-url https://github.com/neveragaintech/pledge`,
    )
    .action(async (options: SiteCommandOptions) => handlers.site(options));

  program
    .command('init')
    .description('scaffold a signers repository here: pledge.config.json, keys/, _signatures/ and a GitHub workflow')
    .addOption(new Option('--statement <text>', 'the statement every signer signs; {name} is filled from the front matter'))
    .option('--force', 'overwrite existing files', false)
    .addHelpText(
      'after',
      `
Examples:
  pledge init
  pledge init --statement "I, {name}, commit to the neveragain.tech pledge."`,
    )
    .action(async (options: InitCommandOptions) => handlers.init(options));

  addDiscoveryOptions(
    program
      .command('sign')
      .description('sign the pledge: in a signers repository, write and check your _signatures/ file; with FILE, cleartext-sign that document in place')
      .argument('[file]', 'a document to sign in place (outside a signers repository)'),
  )
    .optionsGroup('Signer file:')
    .option('--name <name>', 'your name, as the statement template uses it')
    .option('--field <key=value>', 'another front matter field, e.g. organization=Example Ltd (repeatable)', collect, [])
    .option('--github-user <user>', 'a GitHub account that lists your key')
    .option('--keybase <user>', 'a Keybase account that holds your key')
    .option('--email <address>', 'an address keys.openpgp.org or WKD returns your key for')
    .option('--text <paragraph>', 'a paragraph of your own, above the signed block')
    .option('-o, --output <file>', 'the signer file to write (default: the signatures folder, NAME.md)')
    .option('--force', 'replace an existing file', false)
    .option('--config <file>', 'the repository policy (default: pledge.config.json here or above)')
    .optionsGroup('Signing (pledge never reads your secret key):')
    .option('--key <key>', 'GnuPG: the key to sign with (gpg --local-user; GNUPGHOME is honoured)')
    .option('--signer-file <file>', 'Sequoia: sign with sq and this key file')
    .option('--gpg <program>', 'the gpg program', 'gpg')
    .option('--sq <program>', 'the sq program', 'sq')
    .addHelpText(
      'after',
      `
Examples:
  pledge sign --name "Ada Lovelace" --key ada@example.org        in a signers repository
  pledge sign --name "Ada Lovelace" --github-user ada --field organization="Analytical Engines"
  pledge sign --name "Ada Lovelace" --signer-file ada.key.pgp     with Sequoia (sq)
  pledge sign --offline --key 0123456789ABCDEF...                 check with pinned keys only
  pledge sign post.md --key ada@example.org                       sign a document in place

The signature is checked with the repository's own policy before pledge says it is done,
first offline (with the key your tool exports), then as CI will find the key.
${EXIT_CODES_HELP}`,
    )
    .action(async (file: string | undefined, options: SignCommandOptions) => handlers.sign(file, options));

  program
    .command('bundle')
    .description('write an evidence folder: the documents, their signed blocks, the keys and the manifest, with a README on re-verifying with pledge or gpgv')
    .requiredOption('-o, --output <dir>', 'the folder to write')
    .option('--manifest <file>', "the manifest (default: the repository config's)")
    .option('-k, --keyring <path>', 'a file or directory of public keys to look in, besides the repository keys/ and the cache (repeatable)', collect, [])
    .option('--cache-dir <dir>', 'key cache directory')
    .option('--no-cache', 'do not look in the key cache')
    .addHelpText(
      'after',
      `
Examples:
  pledge bundle -o evidence/
  pledge bundle --manifest m.json --keyring keys/ -o evidence/`,
    )
    .action(async (options: BundleCommandOptions) => handlers.bundle(options));

  program
    .command('inspect')
    .description('show each block, what rendering was undone, the signed text and what the signatures claim (no verification, no network)')
    .argument('<paths...>', 'documents or directories')
    .option('--json', 'print JSON to stdout', false)
    .addHelpText(
      'after',
      `
Examples:
  pledge inspect post.md
  pledge inspect --json post.md`,
    )
    .action(async (paths: string[], options: InspectCommandOptions) => handlers.inspect(paths, options));

  const keys = program.command('keys').description('fetch, list or clear cached public keys');
  addDiscoveryOptions(
    keys.command('fetch').description('fetch a key by fingerprint, key ID, keybase:USER, github:USER or e-mail, and cache it').argument('<query>', 'fingerprint (40/64 hex), key ID (16 hex), keybase:USER, github:USER or an e-mail address'),
  )
    .option('--json', 'print JSON', false)
    .addHelpText(
      'after',
      `
Examples:
  pledge keys fetch 0123456789ABCDEF0123456789ABCDEF01234567
  pledge keys fetch keybase:alice
  pledge keys fetch alice@example.org --sources wkd`,
    )
    .action(async (query: string, options: DiscoveryCommandOptions & { json: boolean }) => handlers.keysFetch(query, options));
  keys
    .command('export')
    .description('write every key a manifest used, minimal (the packets that made the verdict), one armored file per primary fingerprint')
    .requiredOption('--manifest <file>', 'the manifest (pledge manifest or verify --manifest)')
    .requiredOption('-o, --output <dir>', 'the folder to write FINGERPRINT.asc files to')
    .option('-k, --keyring <path>', 'a file or directory of public keys to look in, besides the repository keys/ and the cache (repeatable)', collect, [])
    .option('--cache-dir <dir>', 'key cache directory')
    .option('--no-cache', 'do not look in the key cache')
    .addHelpText(
      'after',
      `
Only the certificate the manifest recorded (same certificateSha256) is exported; another is reported.
Examples:
  pledge keys export --manifest signers.json -o keys/`,
    )
    .action(async (options: KeysExportCommandOptions) => handlers.keysExport(options));
  // The two commands on the cache alone: the same options, their own handlers.
  for (const [name, description, handler] of [
    ['list', 'list cached keys with their source and fetch time', (options: CacheCommandOptions) => handlers.keysList(options)],
    ['clear', 'remove every cached key', (options: CacheCommandOptions) => handlers.keysClear(options)],
  ] as const) {
    keys
      .command(name)
      .description(description)
      .option('--cache-dir <dir>', 'key cache directory')
      .option('--json', 'print JSON', false)
      .action(async (options: CacheCommandOptions) => handler(options));
  }

  program
    .command('completion')
    .description('print a shell completion script, generated from this command table')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      `
Examples:
  source <(pledge completion bash)          in ~/.bashrc
  source <(pledge completion zsh)           in ~/.zshrc (after compinit)
  pledge completion fish > ~/.config/fish/completions/pledge.fish`,
    )
    .action(async (shell: 'bash' | 'zsh' | 'fish') => handlers.completion(shell));
  program
    .command('man')
    .description('print the manual page (roff), generated from this command table')
    .addHelpText(
      'after',
      `
Examples:
  pledge man | man -l -`,
    )
    .action(async () => handlers.man());

  return program;
}
