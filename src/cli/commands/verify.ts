import { appendFile, readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { keyringFilesWithSecretKeys } from '../../discovery/sources/keyring-files.js';
import { PledgeError } from '../../core/reasons.js';
import { verifyDocumentStream } from '../../pipeline/run.js';
import { collectOptions, configFor, documentRequest, runVerification } from './run-verification.js';
import { signerRequirement } from '../../pipeline/signer-requirement.js';
import { countPaths, nothingToRead, type CollectOptions } from '../../extract/collect-paths.js';
import { isDocumentUrl } from '../../extract/fetch-document.js';
import { detachedArguments } from '../../pipeline/detached-documents.js';
import { diffText, redactDocument, redactManifest, toCommittedManifest } from '../../report/committed-manifest.js';
import { ManifestWriter } from '../../report/manifest-writer.js';
import { Progress } from '../progress.js';
import type { LookupRecord, LookupStart } from '../../discovery/discover-keys.js';
import { warnUnmatchedGlobs } from '../glob-warnings.js';
import { STDIN, standardInput, type StandardInput } from '../stdin.js';
import { DEFAULT_KEY_LIMITS, DEFAULT_LIMITS } from '../../core/limits.js';
import { verifyAgainst } from './against.js';
import type { Manifest } from '../../report/manifest.js';
import { renderGithub, renderGithubStepSummary } from '../../report/render-github.js';
import { DEFAULT_WIDTH, renderHuman, renderHumanDocument, renderHumanTail, skippedParts } from '../../report/render-human.js';
import { renderJunit } from '../../report/render-junit.js';
import { renderMarkdown } from '../../report/render-markdown.js';
import { AtomicFile, writeFileAtomic } from '../../core/atomic-file.js';
import { colourFor, documentLimits, type CommandContext } from '../context.js';
import { ExitCode, exitCodeFor } from '../exit-codes.js';
import { checkCacheDirectory, checkOutputFile } from '../output-paths.js';
import { RunVerdict } from '../run-verdict.js';
import type { Format, VerifyCommandOptions } from '../program.js';

export { configFor, runVerification } from './run-verification.js';

/**
 * Each path named must give something to read: an empty folder, or a pattern the shell passed
 * on because it matched nothing, is an input error said before any work (issue 20 #6).
 */
async function checkSomethingToRead(paths: string[], collect: CollectOptions): Promise<void> {
  for (const path of paths) {
    if (isDocumentUrl(path)) continue; // fetched, not walked
    const why = await nothingToRead(path, collect);
    if (why) throw new PledgeError('usage', why);
  }
}

/** On stderr beside a machine format: what was met but not judged, which the report would have said. */
function skippedNote(summary: Manifest['summary']): string {
  const parts = skippedParts(summary);
  return parts.length ? `pledge: ${parts.join('; ')}\n` : '';
}

/** The reports show the documents that were judged; the JSON manifest lists the skipped ones too. */
function judgedOnly(manifest: Manifest): Manifest {
  return manifest.documents.some((document) => document.verdict === 'skipped') ? { ...manifest, documents: manifest.documents.filter((document) => document.verdict !== 'skipped') } : manifest;
}

function render(format: Format, full: Manifest, context: CommandContext): string {
  const manifest = format === 'json' ? full : judgedOnly(full);
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
      return renderHuman(manifest, colourFor(context.streams.stdout, context.streams.env, context.colour), reportWidth(context));
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

/** The terminal's width for the human report; a pipe or CI log gets the default. */
function reportWidth(context: CommandContext): number {
  const stdout = context.streams.stdout as NodeJS.WritableStream & { columns?: number; isTTY?: boolean };
  return stdout.isTTY && stdout.columns ? stdout.columns : DEFAULT_WIDTH;
}

/**
 * Writes as the stream takes them: waits for 'drain' when it asks, and not for ever when it
 * fails instead (its reader gone, a full disk: main.ts stops the run), nor after that.
 */
const toStream = (stream: NodeJS.WritableStream) => (chunk: string) =>
  new Promise<void>((done) => {
    if ((stream as { destroyed?: boolean }).destroyed || stream.write(chunk)) return done();
    const settle = () => {
      stream.off('drain', settle).off('close', settle).off('error', settle);
      done();
    };
    stream.once('drain', settle).once('close', settle).once('error', settle);
  });

/**
 * Documents without a repository, in the formats that can stream: each document is written as
 * soon as it is verified, so memory stays flat over 100,000 of them. A --manifest file is
 * written beside its target and renamed into place only when the run completes.
 */
async function streamDocuments(paths: string[], options: VerifyCommandOptions, context: CommandContext, format: 'json' | 'human', input: StandardInput): Promise<number> {
  const { stdout, stderr, env } = context.streams;
  const redact = options.redact;
  const file = options.manifest ? await AtomicFile.open(resolve(context.streams.cwd, options.manifest)) : null;
  const writers = [...(format === 'json' ? [new ManifestWriter(toStream(stdout), context.version)] : []), ...(file ? [new ManifestWriter((chunk) => file.write(chunk), context.version)] : [])];
  const colour = colourFor(stdout, env, context.colour);
  const width = reportWidth(context);
  let fetched = 0;
  // On a terminal, unless --quiet; erased before each document of a report to the same terminal.
  const progress = stderr.isTTY && !options.quiet ? new Progress(stderr, () => fetched) : null;
  const collect = collectOptions(options);
  // The total, for the ETA: a second walk of the names only, alongside the work.
  if (progress)
    void countPaths(paths, collect).then(
      (total) => progress.setTotal(total),
      () => undefined,
    );
  const write = toStream(stdout);
  const verdict = new RunVerdict(stderr);
  try {
    for (const writer of writers) await writer.begin();
    const hooks = { onLookup: (lookup: LookupRecord) => (fetched += lookup.outcome === 'found' ? 1 : 0), ...(progress ? { onAsk: (ask: LookupStart) => progress.lookup(ask) } : {}) };
    const tail = await verifyDocumentStream(documentRequest(paths, options, context, hooks, input), async (verified) => {
      const document = redact ? redactDocument(verified) : verified;
      progress?.document(document);
      verdict.add(document);
      for (const writer of writers) await writer.document(document);
      if (format === 'human' && !options.quiet && document.verdict !== 'skipped') {
        progress?.clear();
        await write(renderHumanDocument(document, colour, width));
      }
    });
    progress?.done();
    for (const writer of writers) await writer.end(tail);
    if (format === 'human' && !options.quiet) await write(renderHumanTail(tail, colour));
    await file?.commit();
    if (format !== 'human' && !options.quiet) stderr.write(skippedNote(tail.summary) + (verdict.line() ?? ''));
    return exitCodeFor(tail);
  } catch (error) {
    progress?.done();
    await file?.abort();
    throw error;
  }
}

/** Output and cache paths a run will write to, checked before any work (usage errors, exit 2). */
export async function checkWritablePaths(options: { manifest?: string; output?: string; cacheDir?: string; cache?: boolean }, cwd: string): Promise<void> {
  if (options.manifest) checkOutputFile('--manifest', options.manifest, cwd);
  if (options.output && options.output !== '-') checkOutputFile('--output', options.output, cwd);
  if (options.cacheDir && options.cache !== false) await checkCacheDirectory('--cache-dir', options.cacheDir, cwd);
}

/** A --keyring file with secret key material is used for its public part only, with a warning. */
export function warnAboutSecretKeys(keyrings: string[], context: CommandContext): void {
  for (const file of keyringFilesWithSecretKeys(keyrings.map((path) => resolve(context.streams.cwd, path)))) {
    context.streams.stderr.write(`pledge: warning: --keyring ${relative(context.streams.cwd, file) || file} holds a secret key: only its public part is used. Do not commit this file; export the public key (gpg --export --armor) instead\n`);
  }
}

export async function verifyCommand(given: string[], options: VerifyCommandOptions, context: CommandContext): Promise<void> {
  await checkWritablePaths(options, context.streams.cwd);
  if (options.signature?.length && (options.config || options.changedSince)) throw new PledgeError('usage', '--signature names a document and its signatures; a signers repository pairs its own');
  const detached = await detachedArguments(given, options.signature ?? []);
  const paths = detached.paths;
  options.signature = detached.signatureFiles ?? [];
  warnAboutSecretKeys(options.keyring, context);
  const loaded = configFor(options, paths, context.streams.cwd);
  if (options.against) {
    context.setExit(await verifyAgainst(paths, options, context, loaded));
    return;
  }
  if (!loaded && !paths.length) throw new PledgeError('usage', 'no documents given');
  if (loaded && paths.some(isDocumentUrl)) throw new PledgeError('usage', 'a signers repository verifies its own files: give https:// pages with --no-config');
  const signerOptions = options.minSignatures !== undefined || options.signer?.length || options.signerFile?.length;
  if (loaded && signerOptions) throw new PledgeError('usage', "--min-signatures, --signer and --signer-file do not apply to a signers repository: its pledge.config.json's minSignatures and allowedSigners do");
  signerRequirement(options, context.streams.cwd); // a bad fingerprint or list is a usage error before any work
  if (loaded && options.signedOnly) throw new PledgeError('usage', '--signed-only does not apply to a signers repository: every signer file must be signed');
  if (!loaded)
    await checkSomethingToRead(
      paths.filter((path) => path !== STDIN),
      collectOptions(options),
    );
  await warnUnmatchedGlobs(paths, options, loaded, context);
  const input = await standardInput(paths, options.keyring, { document: documentLimits(options).maxDocumentBytes ?? DEFAULT_LIMITS.maxDocumentBytes, key: options.maxKeyBytes ?? DEFAULT_KEY_LIMITS.maxKeyBytes }, context);
  const streamFormat = options.format ?? (options.json ? 'json' : 'human');
  if (!loaded && !options.checkManifest && (streamFormat === 'json' || streamFormat === 'human')) {
    context.setExit(await streamDocuments(paths, options, context, streamFormat, input));
    return;
  }
  if (options.checkManifest && options.changedSince) throw new PledgeError('usage', '--check-manifest compares the whole repository; it cannot be combined with --changed-since');
  let manifest = await runVerification(paths, options, context, loaded, input);
  const redact = options.redact || loaded?.config.redact === true;
  if (redact) manifest = redactManifest(manifest);
  const format: Format = options.format ?? (options.json ? 'json' : 'human');
  if (options.manifest) await writeFileAtomic(resolve(context.streams.cwd, options.manifest), JSON.stringify(manifest, null, 2) + '\n');
  // Issue 20 #2: a pull request that changed no signer file passes, and says why it checked nothing.
  const nothingChanged = options.changedSince !== undefined && manifest.ok && manifest.documents.length === 0;
  const nothingLine = `no signer files changed since ${options.changedSince}\n`;
  if (!options.quiet || format !== 'human') context.streams.stdout.write(nothingChanged && format === 'human' ? nothingLine : render(format, manifest, context));
  if (nothingChanged && format !== 'human' && !options.quiet) context.streams.stderr.write(`pledge: ${nothingLine}`);
  const verdict = new RunVerdict(context.streams.stderr);
  for (const document of manifest.documents) verdict.add(document);
  if (format !== 'human' && !options.quiet && !nothingChanged) context.streams.stderr.write(skippedNote(manifest.summary) + (verdict.line() ?? ''));
  const summaryFile = context.streams.env.GITHUB_STEP_SUMMARY;
  if (format === 'github' && summaryFile) await appendFile(summaryFile, renderGithubStepSummary(manifest));
  let exitCode: number = nothingChanged ? ExitCode.ok : exitCodeFor(manifest);
  if (options.checkManifest && !(await checkCommitted(options.checkManifest, manifest, redact, context)) && exitCode === ExitCode.ok) exitCode = ExitCode.failed;
  context.setExit(exitCode);
}
