import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { readline } from '../../core/built-ins.js';
import { PledgeError } from '../../core/reasons.js';
import { verifyDocuments } from '../../pipeline/run.js';
import { verifyRepository } from '../../pipeline/verify-repository.js';
import type { LoadedConfig } from '../../repo/load-config.js';
import { escapeText } from '../../report/escape.js';
import { gitCommands, publishHints, signaturesOf, withPublicKeyFile } from '../../sign/sign-flow.js';
import { fencedBlock, frontMatterText, signerFile, slugOf, splitDocument, statementFor, templateFields } from '../../sign/signer-file.js';
import { clearsignWith, exportPublicKey, type SigningTool, type ToolRun } from '../../sign/signing-tool.js';
import { discoveryRequest, sourcesGiven, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { SignCommandOptions } from '../program.js';
import { configFor } from './verify.js';

function signingTool(options: SignCommandOptions): SigningTool {
  if (options.signerFile) return { tool: 'sq', program: options.sq, signerFile: options.signerFile };
  return { tool: 'gpg', program: options.gpg, ...(options.key ? { key: options.key } : {}) };
}

function toolRun(context: CommandContext): ToolRun {
  const stdin = process.stdin as NodeJS.ReadStream;
  return { env: context.streams.env, interactive: stdin.isTTY === true && context.streams.stderr.isTTY === true };
}

/** Front matter fields: options first, then a prompt on a terminal; without one a missing field is a usage error. */
async function gatherFields(options: SignCommandOptions, needed: string[], context: CommandContext): Promise<[string, string][]> {
  const fields = new Map<string, string>();
  if (options.name) fields.set('name', options.name);
  for (const pair of options.field) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new PledgeError('usage', `--field ${pair}: expected KEY=VALUE`);
    fields.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  if (options.githubUser) fields.set('github_user', options.githubUser);
  if (options.keybase) fields.set('keybase', options.keybase);
  if (options.email) fields.set('email', options.email);
  const missing = needed.filter((field) => !fields.get(field));
  if (missing.length && !toolRun(context).interactive) {
    throw new PledgeError('usage', `sign: the statement needs ${missing.map((f) => (f === 'name' ? '--name' : `--field ${f}=…`)).join(', ')}`);
  }
  if (missing.length) {
    const prompt = readline().createInterface({ input: process.stdin, output: context.streams.stderr });
    try {
      for (const field of missing) {
        const answer = (await prompt.question(`${field}: `)).trim();
        if (!answer) throw new PledgeError('usage', `sign: ${field} is needed`);
        fields.set(field, answer);
      }
    } finally {
      prompt.close();
    }
  }
  // The template's fields first, in its order: the file reads like the others.
  return [...needed.map((field) => [field, fields.get(field)!] as [string, string]), ...[...fields].filter(([field]) => !needed.includes(field))];
}

/** Where new signer files go: the folder of the config's first documents glob. */
function signaturesFolder(loaded: LoadedConfig): string {
  const glob = loaded.config.documents[0] ?? '_signatures/*.md';
  const parts = glob.split('/');
  const fixed = parts.slice(
    0,
    parts.findIndex((part) => /[*?[{]/.test(part)),
  );
  return fixed.join('/') || '.';
}

async function signInRepository(options: SignCommandOptions, context: CommandContext, loaded: LoadedConfig): Promise<void> {
  const { stdout, stderr } = context.streams;
  const needed = templateFields(loaded.config.statement);
  const fields = await gatherFields(options, needed.length ? needed : ['name'], context);
  const name = fields.find(([field]) => field === 'name')?.[1] ?? fields[0]![1];
  const slug = slugOf(name);
  const path = options.output ? relative(loaded.root, resolve(context.streams.cwd, options.output)) : `${signaturesFolder(loaded)}/${slug}.md`;
  const target = join(loaded.root, path);
  if (existsSync(target) && !options.force) throw new PledgeError('usage', `sign: ${path} already exists (signer files are never edited; --force to replace it)`);
  if (!loaded.config.statement) throw new PledgeError('usage', `sign: ${loaded.path} has no statement to sign`);
  const frontMatter = frontMatterText(fields);
  const statement = statementFor(loaded.config.statement, frontMatter);
  const tool = signingTool(options);
  const run = toolRun(context);
  const block = await clearsignWith(tool, statement, run);
  await writeFileAtomic(target, signerFile(frontMatter, options.text ?? null, block));
  stdout.write(`wrote ${path}, signed with ${tool.tool}: "${escapeText(statement)}"\n`);

  // Offline first, with the key the tool exports: the signature, the statement and the repository's rules.
  const publicKey = await exportPublicKey(tool, run);
  const base = discoveryRequest(options, context, loaded.config, sourcesGiven(options));
  const offline = await withPublicKeyFile(publicKey, (file) => verifyRepository({ loaded, version: context.version, keyrings: [file], discovery: { ...base, offline: true } }));
  const mine = offline.documents.find((document) => document.path === path);
  const [signature] = signaturesOf(mine);
  if (!signature || (signature.status !== 'verified' && signature.status !== 'key-unavailable') || mine?.findings?.some((f) => f.severity === 'error')) {
    const why = signature?.reason?.message ?? mine?.findings?.map((f) => f.message).join('; ') ?? mine?.error?.message ?? 'no signature found';
    stderr.write(`pledge: ${path} does not pass this repository's checks: ${signature?.status ?? mine?.verdict ?? 'failed'}: ${escapeText(why)}\n`);
    context.setExit(ExitCode.failed);
    return;
  }
  const fingerprint = signature.primaryKeyFingerprint ?? signature.issuerFingerprint ?? signature.issuerKeyID;
  stdout.write(
    signature.status === 'verified'
      ? `checked offline: good signature by ${fingerprint}, the statement matches, no finding\n`
      : `checked offline: good signature by ${fingerprint} and the statement matches; ${escapeText(signature.reason?.message ?? 'the front matter claims need the network')}\n`,
  );

  // Then as CI will: without the exported key, from the repository's pinned keys and public sources.
  let found: string | null = null;
  if (!base.offline) {
    const online = await verifyRepository({ loaded, version: context.version, keyrings: [], discovery: base });
    const [public_] = signaturesOf(online.documents.find((document) => document.path === path));
    if (public_?.status === 'verified') found = public_.keySource;
    else stdout.write(`CI will not verify it yet: ${escapeText(public_?.reason?.message ?? public_?.status ?? 'no signature')}\n`);
  }
  if (found) stdout.write(`CI will find your key: ${escapeText(found)}\n`);
  else {
    const sources = base.offline ? (loaded.config.sources ?? []) : base.sources.order;
    stdout.write(`${base.offline ? 'not checked online (--offline). ' : ''}If no source the repository asks has your key, publish it:\n`);
    for (const hint of publishHints(fingerprint, sources, loaded.config.keys)) stdout.write(`  - ${hint}\n`);
  }
  stdout.write('\nOpen the pull request:\n');
  for (const command of gitCommands(path, name, slug)) stdout.write(`  ${command}\n`);
  context.setExit(ExitCode.ok);
}

/** Outside a repository: sign FILE in place, front matter outside the block, the block in a fence. */
async function signDocument(file: string, options: SignCommandOptions, context: CommandContext): Promise<void> {
  const path = resolve(context.streams.cwd, file);
  const text = await readFile(path, 'utf8').catch(() => {
    throw new PledgeError('usage', `sign: cannot read ${file}`);
  });
  if (text.includes('-----BEGIN PGP SIGNED MESSAGE-----')) throw new PledgeError('usage', `sign: ${file} already holds a signed block`);
  const { frontMatter, body } = splitDocument(text);
  const signed = body.replace(/^(\r?\n)+/, '');
  if (!signed.trim()) throw new PledgeError('usage', `sign: ${file} has nothing to sign after its front matter`);
  const tool = signingTool(options);
  const run = toolRun(context);
  const block = await clearsignWith(tool, signed, run);
  await writeFileAtomic(path, `${frontMatter}${frontMatter ? '\n' : ''}${fencedBlock(block)}`);
  const publicKey = await exportPublicKey(tool, run);
  const manifest = await withPublicKeyFile(publicKey, (keyring) => verifyDocuments({ paths: [path], keyrings: [keyring], version: context.version, discovery: { ...discoveryRequest(options, context), offline: true } }));
  const [signature] = signaturesOf(manifest.documents[0]);
  if (signature?.status !== 'verified') {
    context.streams.stderr.write(`pledge: signed ${file}, but it does not verify: ${signature?.status ?? 'no signature'}\n`);
    context.setExit(ExitCode.failed);
    return;
  }
  context.streams.stdout.write(`signed ${file} with ${tool.tool} (${signature.primaryKeyFingerprint}); verified offline\n`);
  context.setExit(ExitCode.ok);
}

export async function signCommand(file: string | undefined, options: SignCommandOptions, context: CommandContext): Promise<void> {
  if (options.key && options.signerFile) throw new PledgeError('usage', 'sign: --key (GnuPG) and --signer-file (Sequoia) exclude each other');
  if (file) return signDocument(file, options, context);
  const loaded = configFor({ config: options.config ?? undefined, redact: false }, [], context.streams.cwd);
  if (!loaded) throw new PledgeError('usage', 'sign: no pledge.config.json here or above; to sign a document, give its path');
  return signInRepository(options, context, loaded);
}
