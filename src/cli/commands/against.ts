import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PledgeError } from '../../core/reasons.js';
import type { LoadedConfig } from '../../repo/load-config.js';
import { compareAgainst, renderAgainst } from '../../report/against.js';
import type { Manifest } from '../../report/manifest.js';
import type { CommandContext } from '../context.js';
import { ExitCode, exitCodeFor } from '../exit-codes.js';
import type { VerifyCommandOptions } from '../program.js';
import { runVerification } from './run-verification.js';

/**
 * `verify --against FILE`: verify again, offline unless --online (pinned keys and the cache:
 * the check must not depend on servers that may be gone), and compare each signature with the
 * earlier manifest. Any change exits 1, whatever the fresh verdicts.
 */
export async function verifyAgainst(paths: string[], options: VerifyCommandOptions, context: CommandContext, loaded: LoadedConfig | null): Promise<number> {
  let before: Manifest;
  try {
    before = JSON.parse(await readFile(resolve(context.streams.cwd, options.against!), 'utf8')) as Manifest;
  } catch (error) {
    throw new PledgeError('usage', `--against ${options.against}: ${(error as Error).message}`);
  }
  // Without paths or a repository, the documents the earlier manifest named.
  const documents = paths.length || loaded ? paths : before.documents.map((document) => document.path);
  const now = await runVerification(documents, { ...options, offline: options.offline || !options.online }, context, loaded);
  const rows = compareAgainst(before, now);
  if (options.json) context.streams.stdout.write(JSON.stringify({ against: options.against, signatures: rows }, null, 2) + '\n');
  else context.streams.stdout.write(renderAgainst(rows));
  return rows.some((row) => row.outcome !== 'same') ? ExitCode.failed : exitCodeFor(now);
}
