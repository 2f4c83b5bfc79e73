import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { PledgeError } from '../../core/reasons.js';
import type { CollectOptions } from '../../extract/collect-paths.js';
import { verifyDocuments, type DiscoveryRequest, type VerifyRequest } from '../../pipeline/run.js';
import { verifyRepository } from '../../pipeline/verify-repository.js';
import { findConfig, loadConfig, type LoadedConfig } from '../../repo/load-config.js';
import type { Manifest } from '../../report/manifest.js';
import { discoveryRequest, documentLimits, sourcesGiven, type CommandContext } from '../context.js';
import type { StandardInput } from '../stdin.js';
import { signerRequirement, type SignerOptions } from '../../pipeline/signer-requirement.js';
import type { DiscoveryCommandOptions, DocumentLimitOptions, RepositoryCommandOptions, VerifyCommandOptions } from '../program.js';

/*
 * The run's request from the command line, shared by verify, manifest and --against: the
 * plain plan's documents with every walk, thread and Ctrl-C option, or a signers repository.
 */

/**
 * Worker threads only where there are cores left for them: the signature mathematics and file
 * reads already run on libuv's pool, one thread per core but one (bin/pledge.cjs), so on two
 * cores a worker only competes with it (100,000 statements: 12.3 s without, 13.3 s with one).
 */
function defaultJobs(): number {
  const cores = availableParallelism();
  return cores <= 2 ? 1 : Math.min(4, cores);
}

/** The repository config in force: --config, else (with no paths) the nearest one; --no-config: none. */
export function configFor(options: RepositoryCommandOptions, paths: string[], cwd: string): LoadedConfig | null {
  if (options.config === false) return null;
  if (typeof options.config === 'string') return loadConfig(resolve(cwd, options.config));
  if (paths.length) return null;
  const found = findConfig(cwd);
  if (!found) throw new PledgeError('usage', 'no documents given and no pledge.config.json here or above (see pledge init)');
  return loadConfig(found);
}

type RunOptions = DiscoveryCommandOptions & RepositoryCommandOptions & DocumentLimitOptions & Partial<Pick<VerifyCommandOptions, 'include' | 'exclude' | 'gitignore' | 'signedOnly' | 'jobs' | 'workersAfter' | 'signature'>> & SignerOptions;

/**
 * The plain plan's request, whatever the format: the same walk (--include, --exclude,
 * --no-gitignore, --signed-only), threads and Ctrl-C for a report that streams and for one
 * that collects the whole manifest first.
 */
export function documentRequest(paths: string[], options: RunOptions, context: CommandContext, hooks: Pick<DiscoveryRequest, 'onLookup' | 'onAsk'> = {}, input: StandardInput = { keyrings: options.keyring }): VerifyRequest {
  return {
    paths,
    keyrings: input.keyrings,
    ...(input.texts ? { texts: input.texts } : {}),
    version: context.version,
    limits: documentLimits(options),
    discovery: { ...discoveryRequest(options, context), ...hooks, ...interruptible(context) },
    collect: collectOptions(options),
    signedOnly: options.signedOnly === true,
    signers: signerRequirement(options, context.streams.cwd),
    // --signature, as detachedArguments settled it (issue 14).
    ...(options.signature?.length ? { signatureFiles: options.signature } : {}),
    workers: options.jobs ?? defaultJobs(),
    readerThread: true,
    ...(options.workersAfter !== undefined ? { workersAfter: options.workersAfter } : {}),
    ...interruptible(context),
  };
}

/** Ctrl-C: the run stops between documents and its requests in flight are aborted. */
function interruptible(context: CommandContext): { signal?: AbortSignal } {
  return context.signal ? { signal: context.signal } : {};
}

/** Verify documents, or a signers repository when a config applies: the whole manifest, for the formats that need it all. */
export async function runVerification(paths: string[], options: RunOptions, context: CommandContext, loaded: LoadedConfig | null, input: StandardInput = { keyrings: options.keyring }): Promise<Manifest> {
  const limits = documentLimits(options);
  if (!loaded) {
    if (options.changedSince) throw new PledgeError('usage', '--changed-since needs a signers repository (pledge.config.json)');
    return verifyDocuments(documentRequest(paths, options, context, {}, input));
  }
  const manifest = await verifyRepository({
    loaded,
    version: context.version,
    keyrings: input.keyrings,
    discovery: { ...discoveryRequest(options, context, loaded.config, sourcesGiven(options)), ...interruptible(context) },
    ...(options.changedSince ? { changedSince: options.changedSince } : {}),
    limits,
    ...interruptible(context),
  });
  if (!paths.length) return manifest;
  // --config with paths: only those files, as the repository's rules judge them.
  const wanted = new Set(paths.map((path) => resolve(context.streams.cwd, path)));
  const documents = manifest.documents.filter((document) => wanted.has(join(loaded.root, document.path)));
  // Named files none of which is a signer file verify nothing: never ok (only a pull request changing none is).
  return { ...manifest, documents, ok: manifest.ok && documents.length > 0 };
}

/** How directories are walked: --include, --exclude, --no-gitignore. */
export function collectOptions(options: Partial<Pick<VerifyCommandOptions, 'include' | 'exclude' | 'gitignore'>>): CollectOptions {
  return { include: options.include ?? [], exclude: options.exclude ?? [], gitignore: options.gitignore !== false };
}

