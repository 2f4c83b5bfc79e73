import { resolve, join } from 'node:path';
import { PledgeError } from '../../core/reasons.js';
import { redactManifest, toCommittedManifest } from '../../report/committed-manifest.js';
import { writeFileAtomic } from '../../core/atomic-file.js';
import type { CommandContext } from '../context.js';
import { exitCodeFor } from '../exit-codes.js';
import type { ManifestCommandOptions } from '../program.js';
import { warnUnmatchedGlobs } from '../glob-warnings.js';
import { checkWritablePaths, configFor, runVerification, warnAboutSecretKeys } from './verify.js';

/** `pledge manifest`: verify the whole repository and write its deterministic manifest. */
export async function manifestCommand(options: ManifestCommandOptions, context: CommandContext): Promise<void> {
  await checkWritablePaths(options, context.streams.cwd);
  warnAboutSecretKeys(options.keyring, context);
  const loaded = configFor(options, [], context.streams.cwd);
  if (!loaded) throw new PledgeError('usage', 'pledge manifest needs a signers repository (pledge.config.json)');
  if (options.changedSince) throw new PledgeError('usage', 'pledge manifest lists the whole repository; --changed-since does not apply');
  await warnUnmatchedGlobs([], {}, loaded, context);
  const verified = await runVerification([], options, context, loaded);
  const redact = options.redact || loaded.config.redact === true;
  const manifest = toCommittedManifest(redact ? redactManifest(verified) : verified, options.timestamp ? { generatedAt: new Date() } : {});
  const json = JSON.stringify(manifest, null, 2) + '\n';
  const target = options.output ?? (loaded.config.manifest ? join(loaded.root, loaded.config.manifest) : '-');
  if (target === '-') context.streams.stdout.write(json);
  else {
    await writeFileAtomic(resolve(context.streams.cwd, target), json);
    context.streams.stderr.write(`pledge: wrote ${target} (${manifest.signers.length} verified signer${manifest.signers.length === 1 ? '' : 's'})\n`);
  }
  context.setExit(exitCodeFor(manifest));
}
