import { homedir } from 'node:os';
import { Chalk, type ChalkInstance } from 'chalk';
import { DEFAULT_KEYSERVERS, DEFAULT_SOURCE_ORDER, namedHosts } from '../discovery/create-sources.js';
import { defaultCacheDirectory } from '../discovery/key-cache.js';
import type { DiscoveryRequest } from '../pipeline/run.js';
import type { RepositoryConfig } from '../repo/load-config.js';
import type { Limits } from '../core/limits.js';
import type { DiscoveryCommandOptions, DocumentLimitOptions } from './program.js';

/** What a command may touch of the process: passed in, so commands run in tests without one. */
export interface CliStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Read for a document or keyring named `-`. */
  stdin?: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The help and the version, written at once (standard-streams.ts); else `stdout.write`. */
  writeOut?(text: string): void;
  /** Whether stdout is a terminal, asked without making the stream where it can be; else `stdout.isTTY`. */
  stdoutIsTerminal?(): boolean;
}

export interface CommandContext {
  streams: CliStreams;
  version: string;
  setExit(code: number): void;
  /** --color: set once the options are parsed. */
  colour?: ColourMode;
  /** Fires on Ctrl-C: the run stops between documents and removes any partial file. */
  signal?: AbortSignal;
}

export { packageVersion } from '../core/package-version.js';

export const COLOUR_MODES = ['auto', 'always', 'never'] as const;
export type ColourMode = (typeof COLOUR_MODES)[number];

/**
 * The colour level (0: none) as other Node CLIs decide it: --color=always|never first (what was
 * typed beats the environment); then FORCE_COLOR as chalk's supports-color reads it ("0" or
 * "false": none, "1"-"3": that level, empty or "true": 1), which Node itself lets win over
 * NO_COLOR; then NO_COLOR set to anything but "" (no-color.org); then a terminal that is not
 * TERM=dumb. A pipe or a file never gets colour unless forced.
 */
export function colourLevel(isTTY: boolean, env: NodeJS.ProcessEnv, mode: ColourMode = 'auto'): 0 | 1 | 2 | 3 {
  if (mode === 'never') return 0;
  const forced = forcedLevel(env.FORCE_COLOR);
  if (mode === 'always') return forced || 1;
  if (forced !== undefined) return forced;
  if (env.NO_COLOR) return 0;
  return isTTY && env.TERM !== 'dumb' ? 1 : 0;
}

function forcedLevel(value: string | undefined): 0 | 1 | 2 | 3 | undefined {
  if (value === undefined) return undefined;
  if (value === '' || value === 'true') return 1;
  if (value === 'false') return 0;
  const level = Number.parseInt(value, 10);
  return Number.isNaN(level) ? undefined : (Math.max(0, Math.min(level, 3)) as 0 | 1 | 2 | 3);
}

export function colourFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, mode: ColourMode = 'auto'): ChalkInstance {
  return new Chalk({ level: colourLevel(stream.isTTY === true, env, mode) });
}

export function cacheDirectory(option: string | undefined, streams: CliStreams): string {
  return option ?? defaultCacheDirectory(streams.env, streams.env.HOME ?? homedir());
}

/**
 * Discovery settings from the command line, over a repository config's, over the defaults.
 * Only hosts typed by the user (or the config) may be loopback, private or plain http.
 */
export function discoveryRequest(options: DiscoveryCommandOptions, context: CommandContext, config: RepositoryConfig | null = null, sourcesGiven = false): DiscoveryRequest {
  const named = {
    keybaseURL: options.keybaseUrl ?? config?.keybaseUrl,
    vksURL: options.vksUrl ?? config?.vksUrl,
    wkdOrigin: options.wkdOrigin ?? config?.wkdOrigin,
    githubURL: options.githubUrl ?? config?.githubUrl,
    keyservers: options.keyserver.length ? options.keyserver : (config?.keyservers ?? []),
  };
  return {
    offline: options.offline || config?.offline === true,
    cacheDirectory: options.cache ? cacheDirectory(options.cacheDir, context.streams) : null,
    cacheTtlMs: options.cacheTtl * 3600 * 1000,
    sources: {
      ...named,
      order: sourcesGiven || !config?.sources ? options.sources : config.sources,
      keyservers: named.keyservers.length ? named.keyservers : DEFAULT_KEYSERVERS,
    },
    allowedHosts: [...namedHosts(named), ...(options.allowHost ?? [])],
    userAgent: `pledge/${context.version}`,
    env: context.streams.env,
    requestTimeoutMs: options.timeout * 1000,
    runTimeoutMs: options.timeout * 1000 * 30,
    keyLimits: {
      ...(options.maxKeys ? { maxDistinctKeys: options.maxKeys } : {}),
      ...(options.maxKeyBytes ? { maxKeyBytes: options.maxKeyBytes } : {}),
      ...(options.maxKeyPackets ? { maxKeyPackets: options.maxKeyPackets } : {}),
    },
  };
}

/** Document limits from the command line (unset ones keep their defaults). */
export function documentLimits(options: DocumentLimitOptions): Partial<Limits> {
  return {
    ...(options.maxArmorHeaders ? { maxArmorHeaders: options.maxArmorHeaders } : {}),
    ...(options.maxKeysPerDocument ? { maxKeysPerDocument: options.maxKeysPerDocument } : {}),
    ...(options.maxDocumentBytes ? { maxDocumentBytes: options.maxDocumentBytes } : {}),
    ...(options.maxLineLength ? { maxLineLength: options.maxLineLength } : {}),
    ...(options.maxBlockChars ? { maxBlockChars: options.maxBlockChars } : {}),
    ...(options.maxBlocks ? { maxBlocksPerDocument: options.maxBlocks } : {}),
    ...(options.maxSignatures ? { maxSignaturesPerBlock: options.maxSignatures } : {}),
    ...(options.maxFrontMatterChars ? { maxFrontMatterChars: options.maxFrontMatterChars } : {}),
  };
}

/** Was --sources typed, or is it commander's default? */
export function sourcesGiven(options: DiscoveryCommandOptions): boolean {
  return options.sources !== DEFAULT_SOURCE_ORDER;
}
