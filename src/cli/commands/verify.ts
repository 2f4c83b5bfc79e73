import { appendFile, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PledgeError } from '../../core/reasons.js';
import { verifyDocuments } from '../../pipeline/run.js';
import { verifyRepository } from '../../pipeline/verify-repository.js';
import { findConfig, loadConfig, type LoadedConfig } from '../../repo/load-config.js';
import { diffText, redactManifest, toCommittedManifest } from '../../report/committed-manifest.js';
import type { Manifest } from '../../report/manifest.js';
import { renderGithub, renderGithubStepSummary } from '../../report/render-github.js';
import { renderHuman } from '../../report/render-human.js';
import { renderJunit } from '../../report/render-junit.js';
import { renderMarkdown } from '../../report/render-markdown.js';
import { writeFileAtomic } from '../../report/write-file-atomic.js';
import { colourFor, discoveryRequest, sourcesGiven, type CommandContext } from '../context.js';
import { ExitCode, exitCodeFor } from '../exit-codes.js';
import type { Format, RepositoryCommandOptions, VerifyCommandOptions } from '../program.js';

/** The repository config in force: --config, else (with no paths) the nearest one; --no-config: none. */
export function configFor(options: RepositoryCommandOptions, paths: string[], cwd: string): LoadedConfig | null {
  if (options.config === false) return null;
  if (typeof options.config === 'string') return loadConfig(resolve(cwd, options.config));
  if (paths.length) return null;
  const found = findConfig(cwd);
  if (!found) throw new PledgeError('usage', 'no documents given and no pledge.config.json here or above (see pledge init)');
  return loadConfig(found);
}

/** Verify documents, or a signers repository when a config applies. */
export async function runVerification(paths: string[], options: VerifyCommandOptions & { maxDocumentBytes?: number }, context: CommandContext, loaded: LoadedConfig | null): Promise<Manifest> {
  const limits = options.maxDocumentBytes ? { maxDocumentBytes: options.maxDocumentBytes } : {};
  if (!loaded) {
    if (options.changedSince) throw new PledgeError('usage', '--changed-since needs a signers repository (pledge.config.json)');
    return verifyDocuments({ paths, keyrings: options.keyring, version: context.version, limits, discovery: discoveryRequest(options, context) });
  }
  const manifest = await verifyRepository({
    loaded,
    version: context.version,
    keyrings: options.keyring,
    discovery: discoveryRequest(options, context, loaded.config, sourcesGiven(options)),
    ...(options.changedSince ? { changedSince: options.changedSince } : {}),
    limits,
  });
  if (!paths.length) return manifest;
  // --config with paths: only those files, as the repository's rules judge them.
  const wanted = new Set(paths.map((path) => resolve(context.streams.cwd, path)));
  const documents = manifest.documents.filter((document) => wanted.has(join(loaded.root, document.path)));
  return { ...manifest, documents };
}

function render(format: Format, manifest: Manifest, context: CommandContext): string {
  switch (format) {
    case 'json':
      return JSON.stringify(manifest, null, 2) + '\n';
    case 'github':
      return renderGithub(manifest);
    case 'junit':
      return renderJunit(manifest);
    case 'markdown':
      return renderMarkdown(manifest);
    case 'human':
      return renderHuman(manifest, colourFor(context.streams.stdout, context.streams.env));
  }
}

async function checkCommitted(file: string, manifest: Manifest, redact: boolean, context: CommandContext): Promise<boolean> {
  const path = resolve(context.streams.cwd, file);
  const committed = await readFile(path, 'utf8').catch(() => null);
  if (committed === null) throw new PledgeError('usage', `--check-manifest ${file}: no such file (write it with pledge manifest)`);
  const fresh = toCommittedManifest(redact ? redactManifest(manifest) : manifest);
  const comparable = (text: string) => {
    const parsed = JSON.parse(text) as Manifest & { generatedAt?: string };
    // The generator version and a requested timestamp are not part of what was verified.
    return JSON.stringify({ ...parsed, generator: { name: 'pledge' }, generatedAt: undefined }, null, 2);
  };
  let expected: string;
  try {
    expected = comparable(committed);
  } catch {
    throw new PledgeError('usage', `--check-manifest ${file}: not valid JSON`);
  }
  const actual = comparable(JSON.stringify(fresh));
  if (expected === actual) return true;
  context.streams.stderr.write(`pledge: ${file} no longer matches what verification produces (- committed, + now):\n${diffText(expected, actual)}\nRun pledge manifest to update it.\n`);
  return false;
}

export async function verifyCommand(paths: string[], options: VerifyCommandOptions, context: CommandContext): Promise<void> {
  const loaded = configFor(options, paths, context.streams.cwd);
  if (!loaded && !paths.length) throw new PledgeError('usage', 'no documents given');
  if (options.checkManifest && options.changedSince) throw new PledgeError('usage', '--check-manifest compares the whole repository; it cannot be combined with --changed-since');
  let manifest = await runVerification(paths, options, context, loaded);
  const redact = options.redact || loaded?.config.redact === true;
  if (redact) manifest = redactManifest(manifest);
  const format: Format = options.format ?? (options.json ? 'json' : 'human');
  if (options.manifest) await writeFileAtomic(resolve(context.streams.cwd, options.manifest), JSON.stringify(manifest, null, 2) + '\n');
  if (!options.quiet || format !== 'human') context.streams.stdout.write(render(format, manifest, context));
  const summaryFile = context.streams.env.GITHUB_STEP_SUMMARY;
  if (format === 'github' && summaryFile) await appendFile(summaryFile, renderGithubStepSummary(manifest));
  let exitCode: number = exitCodeFor(manifest);
  if (options.checkManifest && !(await checkCommitted(options.checkManifest, manifest, redact, context)) && exitCode === ExitCode.ok) exitCode = ExitCode.failed;
  context.setExit(exitCode);
}
