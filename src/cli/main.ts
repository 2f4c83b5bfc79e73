import { readFileSync } from 'node:fs';
import { Chalk, type ChalkInstance } from 'chalk';
import { CommanderError } from 'commander';
import { PledgeError } from '../core/reasons.js';
import { homedir } from 'node:os';
import { fetchKeys, inspectDocuments, verifyDocuments, type DiscoveryRequest } from '../pipeline/run.js';
import { DEFAULT_KEYSERVERS, namedHosts } from '../discovery/create-sources.js';
import { KeyCache, defaultCacheDirectory } from '../discovery/key-cache.js';
import { parseKeyQuery } from '../discovery/identifiers.js';
import { escapeText, groupFingerprint } from '../report/escape.js';
import { renderHuman, renderInspect } from '../report/render-human.js';
import { writeFileAtomic } from '../report/write-file-atomic.js';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { createProgram, type CommandHandlers, type DiscoveryCommandOptions } from './program.js';

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

function cacheDirectory(option: string | undefined, streams: CliStreams): string {
  return option ?? defaultCacheDirectory(streams.env, streams.env.HOME ?? homedir());
}

function discoveryRequest(options: DiscoveryCommandOptions, streams: CliStreams, version: string): DiscoveryRequest {
  const named = { keybaseURL: options.keybaseUrl, vksURL: options.vksUrl, wkdOrigin: options.wkdOrigin, githubURL: options.githubUrl, keyservers: options.keyserver };
  return {
    // Only hosts typed by the user, never the defaults, may be loopback, private or plain http.
    allowedHosts: namedHosts(named),
    offline: options.offline,
    cacheDirectory: options.cache ? cacheDirectory(options.cacheDir, streams) : null,
    cacheTtlMs: options.cacheTtl * 3600 * 1000,
    sources: {
      order: options.sources,
      keybaseURL: options.keybaseUrl,
      vksURL: options.vksUrl,
      keyservers: options.keyserver.length ? options.keyserver : DEFAULT_KEYSERVERS,
      wkdOrigin: options.wkdOrigin,
      githubURL: options.githubUrl,
    },
    userAgent: `pledge/${version}`,
    env: streams.env,
    requestTimeoutMs: options.timeout * 1000,
    runTimeoutMs: options.timeout * 1000 * 30,
  };
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
        discovery: discoveryRequest(options, streams, version),
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
    async keysFetch(text, options) {
      const query = parseKeyQuery(text);
      if (!query) throw new PledgeError('usage', `keys fetch: "${text}" is not a fingerprint, key ID, keybase:USER, github:USER or e-mail address`);
      if (options.offline) throw new PledgeError('usage', 'keys fetch: --offline makes no network request, so nothing can be fetched');
      const { keys, lookups } = await fetchKeys(query, discoveryRequest(options, streams, version));
      if (options.json) out(JSON.stringify({ keys, lookups }, null, 2) + '\n');
      else {
        for (const key of keys) out(`${groupFingerprint(key.fingerprint)}  ${escapeText(key.userIDs[0] ?? '(no user ID)')}  from ${escapeText(key.source)}\n`);
        if (!keys.length) streams.stderr.write(`pledge: no key found for ${escapeText(text)}\n`);
      }
      const unreachable = lookups.some((lookup) => lookup.outcome === 'error');
      setExit(keys.length ? ExitCode.ok : unreachable ? ExitCode.indeterminate : ExitCode.failed);
    },
    async keysList(options) {
      const entries = await new KeyCache(cacheDirectory(options.cacheDir, streams)).list();
      const rows = entries.map(({ fingerprint, source, url, fetchedAt }) => ({ fingerprint, source, url, fetchedAt }));
      if (options.json) out(JSON.stringify({ keys: rows }, null, 2) + '\n');
      else for (const row of rows) out(`${groupFingerprint(row.fingerprint)}  ${escapeText(row.source)}  ${row.fetchedAt}\n`);
    },
    async keysClear(options) {
      const removed = await new KeyCache(cacheDirectory(options.cacheDir, streams)).clear();
      out(options.json ? JSON.stringify({ removed }) + '\n' : `removed ${removed} cached key${removed === 1 ? '' : 's'}\n`);
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
