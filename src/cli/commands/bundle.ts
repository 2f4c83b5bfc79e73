import { resolve } from 'node:path';
import { writeBundle } from '../../pipeline/bundle.js';
import { escapeText, groupFingerprint } from '../../report/escape.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { BundleCommandOptions } from '../program.js';
import { manifestKeySources } from './keys.js';

/** `pledge bundle -o DIR`: the documents, blocks, keys and manifest, and how to re-verify them. */
export async function bundleCommand(options: BundleCommandOptions, context: CommandContext): Promise<void> {
  const { manifest, keyring, cache, root } = await manifestKeySources(options, context);
  const result = await writeBundle(manifest, root, resolve(context.streams.cwd, options.output), keyring, cache, new Date());
  const exported = result.keys.filter((key) => key.outcome === 'exported').length;
  context.streams.stdout.write(`wrote ${escapeText(options.output)}: ${result.documents} documents, ${result.blocks.length} blocks, ${exported} keys, manifest.json, README.md\n`);
  for (const key of result.keys) if (key.outcome !== 'exported') context.streams.stderr.write(`pledge: ${groupFingerprint(key.fingerprint)}: ${key.outcome}: ${escapeText(key.message)}\n`);
  context.setExit(exported === result.keys.length ? ExitCode.ok : ExitCode.failed);
}
