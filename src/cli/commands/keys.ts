import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { PledgeError } from '../../core/reasons.js';
import { exportManifestKeys } from '../../pipeline/export-keys.js';
import { loadKeyring } from '../../pipeline/run.js';
import { findConfig, loadConfig } from '../../repo/load-config.js';
import type { Manifest } from '../../report/manifest.js';
import { parseKeyQuery } from '../../discovery/identifiers.js';
import { KeyCache } from '../../discovery/key-cache.js';
import { fetchKeys } from '../../pipeline/run.js';
import { escapeText, groupFingerprint } from '../../report/escape.js';
import { cacheDirectory, discoveryRequest, type CommandContext } from '../context.js';
import { checkExistingCacheDirectory } from '../output-paths.js';
import { ExitCode } from '../exit-codes.js';
import type { CacheCommandOptions, DiscoveryCommandOptions, KeysExportCommandOptions } from '../program.js';

export async function keysFetchCommand(text: string, options: DiscoveryCommandOptions & { json: boolean }, context: CommandContext): Promise<void> {
  const query = parseKeyQuery(text);
  if (!query) throw new PledgeError('usage', `keys fetch: "${text}" is not a fingerprint, key ID, keybase:USER, github:USER or e-mail address`);
  if (options.offline) throw new PledgeError('usage', 'keys fetch: --offline makes no network request, so nothing can be fetched');
  const { keys, lookups } = await fetchKeys(query, discoveryRequest(options, context));
  const out = context.streams.stdout;
  if (options.json) out.write(JSON.stringify({ keys, lookups }, null, 2) + '\n');
  else {
    for (const key of keys) out.write(`${groupFingerprint(key.fingerprint)}  ${escapeText(key.userIDs[0] ?? '(no user ID)')}  from ${escapeText(key.source)}\n`);
  }
  const unreachable = lookups.filter((lookup) => lookup.outcome === 'error');
  if (!keys.length && !options.json) {
    // "Not there" and "could not ask" call for different actions: publish the key, or try later.
    const why = unreachable.length
      ? `no key found for ${escapeText(text)}, and ${unreachable.map((lookup) => escapeText(lookup.source)).join(', ')} could not be reached (${unreachable.map((lookup) => lookup.code ?? 'error').join(', ')}): run again later`
      : `no key found for ${escapeText(text)}: ${lookups.length ? `not found on ${[...new Set(lookups.map((lookup) => escapeText(lookup.source)))].join(', ')}` : 'no source can be asked for it'}`;
    context.streams.stderr.write(`pledge: ${why}\n`);
  }
  context.setExit(keys.length ? ExitCode.ok : unreachable.length ? ExitCode.indeterminate : ExitCode.failed);
}

/** The cache folder `keys list` and `keys clear` read: absent is empty, a file there is an error. */
function existingCache(options: CacheCommandOptions, context: CommandContext): string {
  const directory = cacheDirectory(options.cacheDir, context.streams);
  checkExistingCacheDirectory('--cache-dir', directory, context.streams.cwd);
  return directory;
}

export async function keysListCommand(options: CacheCommandOptions, context: CommandContext): Promise<void> {
  const directory = existingCache(options, context);
  const entries = await new KeyCache(directory).list();
  const rows = entries.map(({ fingerprint, source, url, fetchedAt }) => ({ fingerprint, source, url, fetchedAt }));
  const out = context.streams.stdout;
  if (options.json) out.write(JSON.stringify({ cacheDirectory: directory, keys: rows }, null, 2) + '\n');
  else if (!rows.length) out.write(`no keys cached in ${escapeText(directory)}\n`);
  else {
    out.write(`${rows.length} key${rows.length === 1 ? '' : 's'} cached in ${escapeText(directory)}:\n`);
    for (const row of rows) out.write(`${groupFingerprint(row.fingerprint)}  ${escapeText(row.source)}  ${row.fetchedAt}\n`);
  }
}

export async function keysClearCommand(options: CacheCommandOptions, context: CommandContext): Promise<void> {
  const removed = await new KeyCache(existingCache(options, context)).clear();
  context.streams.stdout.write(options.json ? JSON.stringify({ removed }) + '\n' : `removed ${removed} cached key${removed === 1 ? '' : 's'}\n`);
}

/** The manifest a command was given, and where its keys can be found (the repository's keys/, --keyring, the cache). */
export async function manifestKeySources(options: { manifest?: string; keyring: string[]; cache: boolean; cacheDir?: string }, context: CommandContext) {
  const cwd = context.streams.cwd;
  const config = findConfig(cwd);
  const loaded = config ? loadConfig(config) : null;
  const file = options.manifest ?? (loaded?.config.manifest ? join(loaded.root, loaded.config.manifest) : null);
  if (!file) throw new PledgeError('usage', 'no --manifest given, and no pledge.config.json names one');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(resolve(cwd, file), 'utf8')) as Manifest;
  } catch (error) {
    throw new PledgeError('usage', `--manifest ${file}: ${(error as Error).message}`);
  }
  // The repository's pinned keys count, as they did for the run that wrote the manifest.
  const pinned = loaded?.config.keys ? [join(loaded.root, loaded.config.keys)] : [];
  const keyring = await loadKeyring([...pinned, ...options.keyring.map((path) => resolve(cwd, path))]);
  const cache = options.cache ? new KeyCache(cacheDirectory(options.cacheDir, context.streams)) : null;
  return { manifest, keyring, cache, root: loaded?.root ?? cwd };
}

/** `pledge keys export --manifest FILE -o DIR`: every key the manifest used, minimal, one armored file per primary fingerprint. */
export async function keysExportCommand(options: KeysExportCommandOptions, context: CommandContext): Promise<void> {
  const cwd = context.streams.cwd;
  const { manifest, keyring, cache } = await manifestKeySources(options, context);
  const results = await exportManifestKeys(manifest, keyring, cache, new Date());
  const folder = resolve(cwd, options.output);
  await mkdir(folder, { recursive: true });
  for (const result of results) {
    if (result.outcome === 'exported') {
      await writeFileAtomic(join(folder, `${result.fingerprint}.asc`), result.armored);
      context.streams.stdout.write(`${groupFingerprint(result.fingerprint)}  exported to ${escapeText(join(options.output, `${result.fingerprint}.asc`))}\n`);
    } else context.streams.stderr.write(`pledge: ${groupFingerprint(result.fingerprint)}: ${result.outcome}: ${escapeText(result.message)}\n`);
  }
  context.setExit(results.every((result) => result.outcome === 'exported') ? ExitCode.ok : ExitCode.failed);
}
