/**
 * Property-based tests of pledge's extractor, cleartext parser and pipeline, written against
 * security-model.md §1 and rows C-*, D-*, R-04. Each property is an exported function that takes the
 * number of cases, so `npm test` runs a few and `npm run fuzz` (scripts/fuzz.mjs) runs many.
 *
 * Every property is deterministic for a given seed: the signing key is fixed (below) and
 * signatures are made without openpgp.js's random salt notation, so a counterexample's
 * seed and path replay it (PLEDGE_FUZZ_SEED, PLEDGE_FUZZ_PATH).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { parseBlock } from '../../src/cleartext/parse-block.js';
import { STRICT_CONFIG } from '../../src/openpgp/config.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/core/limits.js';
import type { BlockErrorCode, SignatureStatus } from '../../src/core/reasons.js';
import { extractBlocks } from '../../src/extract/extract-blocks.js';
import { extractDocument } from '../../src/extract/extract-document.js';
import { readFrontMatter } from '../../src/extract/front-matter.js';
import { ARMOR, type ArmoredBlock, type Rendering } from '../../src/extract/find-blocks.js';
import { decodeDocument } from '../../src/extract/read-document.js';
import { verifyDocuments } from '../../src/pipeline/run.js';
import type { ManifestDocument } from '../../src/report/manifest.js';
import type { TestSigner } from '../helpers/sign.js';

// ---------------------------------------------------------------------------------------------
// Running a property
// ---------------------------------------------------------------------------------------------

/** How long and from where to run a property; only numRuns is needed. */
export interface FuzzOptions {
  numRuns: number;
  /** Replay: the seed fast-check printed. */
  seed?: number;
  /** Replay: the counterexample path fast-check printed (needs the seed too). */
  path?: string;
  /** Stop generating new cases after this long (the cases run so far still count). */
  timeLimitMs?: number;
}

export interface PropertyOutcome {
  name: string;
  /** Cases run (up to and including the first failure). */
  numRuns: number;
  numSkips: number;
  failed: boolean;
  interrupted: boolean;
  seed: number;
  counterexamplePath: string | null;
  /** fast-check's report: counterexample, seed and path. Null when the property held. */
  report: string | null;
  durationMs: number;
}

export type Property = (options: FuzzOptions | number) => Promise<PropertyOutcome>;

async function runProperty<Ts extends [unknown, ...unknown[]]>(name: string, property: fc.IAsyncPropertyWithHooks<Ts>, options: FuzzOptions | number, extra: fc.Parameters<Ts> = {}): Promise<PropertyOutcome> {
  const { numRuns, seed, path, timeLimitMs } = typeof options === 'number' ? { numRuns: options } : options;
  const started = Date.now();
  const parameters: fc.Parameters<Ts> = {
    ...extra,
    numRuns,
    includeErrorInReport: true,
    ...(seed !== undefined ? { seed } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(timeLimitMs !== undefined ? { plugins: [fc.interruptAfterTimeLimit(timeLimitMs) as fc.Plugin<Ts>] } : {}),
  };
  const details = await fc.check(property, parameters);
  const report = details.failed ? ((await fc.asyncDefaultReportMessage(details)) ?? 'failed without a report') : null;
  return {
    name,
    numRuns: details.numRuns,
    numSkips: details.numSkips,
    failed: details.failed,
    interrupted: details.interrupted,
    seed: details.seed,
    counterexamplePath: details.counterexamplePath,
    report,
    durationMs: Date.now() - started,
  };
}

/** JSON with the characters a terminal would hide or misplace written as \\uXXXX escapes. */
export function showJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007F-\u009F\u00A0\u00AD\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000\uFEFF]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);
}

/** Fails the property with a message that shows the values involved. */
function check(condition: boolean, message: string, details?: unknown): asserts condition {
  if (!condition) throw new Error(details === undefined ? message : `${message}\n${showJson(details)}`);
}

// ---------------------------------------------------------------------------------------------
// The signer, the workspace and what pledge returns
// ---------------------------------------------------------------------------------------------

/**
 * An Ed25519 (legacy EdDSA, as createSigner makes) test key, made once with
 * `createSigner('Fuzz Signer <fuzz@example.org>')`'s parameters and pasted here so that every
 * run signs the same bytes: a counterexample found with a seed replays with that seed. It
 * protects nothing; it exists only for these tests.
 */
const FUZZ_PRIVATE_KEY = `-----BEGIN PGP PRIVATE KEY BLOCK-----

xVgEZZIAgBYJKwYBBAHaRw8BAQdA4K/+SQPEUVgP2oXOk8LNc4/6ZdQdQt6L
+Oh4TiyvA/EAAPwLfprF9nsIruU7OewaOj/fYbi7F6scQEagU246VbuLxQ/1
zR5GdXp6IFNpZ25lciA8ZnV6ekBleGFtcGxlLm9yZz7CwBMEExYKAIUFgmWS
AIADCwkHCRDPTI/UNd08FEUUAAAAAAAcACBzYWx0QG5vdGF0aW9ucy5vcGVu
cGdwanMub3JnIsboLfkt1AkOykd+1aFGB6VQIV2KAw6NaWqXbCittWEFFQoI
DgwEFgACAQIZAQKbAwIeARYhBEt5BkhE1plot7RbOs9Mj9Q13TwUAAA7DwEA
9KO9bEDgUqUm1qJGuQn/1C1sJqsQHI3fI6mMQScJCfIBAPs3s7RbKn5KrDi8
UoePHY1F0eohHbDHLzAJafRkFUIIx10EZZIAgBIKKwYBBAGXVQEFAQEHQDAr
45gg4/ADsstBVky5qeC6LpwMvLrvyl0+k2rXUY0XAwEIBwAA/3TCqzvRE/Ef
c1madfy9vmjWm+AJdmA99afbBXZXpuk4EkbCvgQYFgoAcAWCZZIAgAkQz0yP
1DXdPBRFFAAAAAAAHAAgc2FsdEBub3RhdGlvbnMub3BlbnBncGpzLm9yZxJO
kXD9abgvmSJscTj0oFk7Og4FiYo/9KuOtrdq/CHUApsMFiEES3kGSETWmWi3
tFs6z0yP1DXdPBQAAFakAP9pcfRe8jvJJuX/zA+7AC9FzaT1r3CdqD5d7js8
6jCRewD/ZHu23zTUr50kM+6bsFVfgidefs2KvXVRanhr8uqMVAw=
=0Eb4
-----END PGP PRIVATE KEY BLOCK-----
`;

/** When the fixed key signs (the key dates from 2024-01-01) and when pledge judges. */
const SIGNED_AT = new Date('2024-06-01T00:00:00Z');
const JUDGED_AT = new Date('2025-01-01T00:00:00Z');

let signer: Promise<TestSigner> | null = null;

export function fuzzSigner(): Promise<TestSigner> {
  signer ??= (async () => {
    const privateKey = await openpgp.readPrivateKey({ armoredKey: FUZZ_PRIVATE_KEY });
    return { privateKey, armoredPublicKey: privateKey.toPublic().armor(), fingerprint: privateKey.getFingerprint().toUpperCase() };
  })();
  return signer;
}

const HASH_HEADER_NAMES: Record<number, string> = { 8: 'SHA256', 9: 'SHA384', 10: 'SHA512', 11: 'SHA224' };

/**
 * A cleartext-signed block as GnuPG writes it, LF line endings throughout. The signature is
 * openpgp.js's (a text signature over the normalised text, deterministic), but the block is
 * framed here: openpgp.js 6.3.2 dash-escapes with /^-/m, so it also escapes a "-" after U+2028
 * or U+2029 inside a line and its own blocks of such texts then fail to verify. GnuPG and the
 * RFC escape only lines that start with "-".
 */
export async function clearsign(text: string): Promise<string> {
  const { privateKey } = await fuzzSigner();
  const normalised = normaliseSigned(text);
  const message = await openpgp.createMessage({ text: normalised });
  const signature = await openpgp.sign({ message, signingKeys: privateKey, date: SIGNED_AT, detached: true, format: 'armored', config: { nonDeterministicSignaturesViaNotation: false } });
  const packet = (await openpgp.readSignature({ armoredSignature: signature })).packets[0]!;
  const hash = HASH_HEADER_NAMES[packet.hashAlgorithm!]!;
  const escaped = normalised.split('\n').map((line) => (line.startsWith('-') ? `- ${line}` : line));
  return [ARMOR.signedMessage, `Hash: ${hash}`, '', ...escaped, ''].join('\n') + signature.replace(/\r\n/g, '\n');
}

interface Workspace {
  directory: string;
  keyring: string;
  documents: string;
  counter: number;
}

let workspace: Workspace | null = null;

async function theWorkspace(): Promise<Workspace> {
  if (workspace) return workspace;
  const { armoredPublicKey } = await fuzzSigner();
  const directory = mkdtempSync(join(tmpdir(), 'pledge-fuzz-'));
  const keyring = join(directory, 'fuzz-signer.asc');
  const documents = join(directory, 'documents');
  mkdirSync(documents);
  writeFileSync(keyring, armoredPublicKey);
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  workspace = { directory, keyring, documents, counter: 0 };
  return workspace;
}

/** Removes the temporary keyring and documents (also done when the process exits). */
export function disposeWorkspace(): void {
  if (workspace) rmSync(workspace.directory, { recursive: true, force: true });
  workspace = null;
}

/** Runs the whole pipeline (`verifyDocuments`, offline, the fuzz key as keyring) on one document. */
export async function verifyContent(extension: string, content: string | Uint8Array): Promise<ManifestDocument> {
  const space = await theWorkspace();
  const file = join(space.documents, `case-${space.counter++}.${extension}`);
  writeFileSync(file, content);
  try {
    const manifest = await verifyDocuments({ paths: [file], keyrings: [space.keyring], version: 'fuzz', now: JUDGED_AT });
    check(manifest.documents.length === 1, 'verifyDocuments returned one document');
    return manifest.documents[0]!;
  } finally {
    rmSync(file, { force: true });
  }
}

const verifiedSignatures = (document: ManifestDocument) => document.blocks.flatMap((block) => block.signatures.filter((signature) => signature.status === 'verified').map(() => block));

/** A compact view of a manifest document for failure messages. */
function summary(document: ManifestDocument) {
  return {
    status: document.status,
    error: document.error,
    blocks: document.blocks.map((block) => ({
      lines: `${block.startLine}-${block.endLine}`,
      status: block.status,
      error: block.error,
      rendering: block.rendering,
      signedText: block.signedText,
      signatures: block.signatures.map((signature) => ({ status: signature.status, reason: signature.reason })),
    })),
  };
}

export const BLOCK_ERROR_CODES = [
  'malformed-armor',
  'armor-header',
  'hash-header',
  'split-block',
  'bad-line-ending',
  'markup-in-block',
  'encoded-line-break',
  'hidden-block',
  'disguised-armor',
  'not-preformatted',
  'unsupported-format',
  'no-signature',
  'malformed-packet',
  'input-too-large',
  'compression-bomb',
] as const satisfies readonly BlockErrorCode[];

/** Compile-time check that the list above names every code (true only when none is missing). */
export const ALL_BLOCK_ERROR_CODES_LISTED: [Exclude<BlockErrorCode, (typeof BLOCK_ERROR_CODES)[number]>] extends [never] ? true : false = true;

const RENDERINGS: readonly Rendering[] = ['bom', 'crlf', 'indentation', 'quote-prefix', 'html-entities', 'html-line-breaks', 'html-highlighting'];

const SIGNATURE_STATUSES = ['verified', 'bad-signature', 'no-public-key', 'expired-key', 'revoked-key', 'weak-algorithm', 'key-unavailable', 'statement-mismatch', 'identity-mismatch', 'unsupported'] as const satisfies readonly SignatureStatus[];

/** Compile-time check that the list above names every status (true only when none is missing). */
export const ALL_SIGNATURE_STATUSES_LISTED: [Exclude<SignatureStatus, (typeof SIGNATURE_STATUSES)[number]>] extends [never] ? true : false = true;

// ---------------------------------------------------------------------------------------------
// Text models
// ---------------------------------------------------------------------------------------------

/**
 * What openpgp.js hashes (and pledge reports as `signedText`) for a text it was asked to sign:
 * CRLF becomes LF and the spaces, tabs and CRs that end each line are dropped. A final newline
 * is kept (the text "a\n" is signed as "a\n").
 */
export function normaliseSigned(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\r]+$/, ''))
    .join('\n');
}

/** Where the signed text of an LF block made by `clearsign` starts and where its signature starts. */
export function anatomy(armored: string): { head: string; region: string; signature: string } {
  const textStart = armored.indexOf('\n\n') + 2;
  const signatureStart = armored.lastIndexOf(`\n${ARMOR.signatureBegin}\n`) + 1;
  check(textStart > 1 && signatureStart > 0 && textStart <= signatureStart, 'clearsign made a block of the usual shape', armored);
  return { head: armored.slice(0, textStart), region: armored.slice(textStart, signatureStart), signature: armored.slice(signatureStart) };
}

/**
 * The text a reader sees between the header's blank line and BEGIN PGP SIGNATURE, as the
 * RFC says it is hashed: dash-escapes undone, trailing spaces and tabs dropped. `region` runs
 * to the newline before BEGIN PGP SIGNATURE. Null when the region is not text of that shape
 * (no final newline, a lone CR, an armor line): pledge must then refuse it.
 */
export function visibleText(region: string): string | null {
  // No text line at all reads as the empty text, as one empty line does.
  if (region === '') return '';
  if (!region.endsWith('\n')) return null;
  const lines: string[] = [];
  for (let line of region.slice(0, -1).split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.includes('\r')) return null;
    if (/^-----[^-]+-----$/.test(line.trimEnd())) return null;
    lines.push(line.replace(/[ \t]+$/, '').replace(/^- /, ''));
  }
  return lines.join('\n');
}

const QUOTE_PREFIX = /^(?: {0,3}> ?)*/;
const FENCE_LINE = /^[ \t]*(`{3,}|~{3,})(.*)$/;

/** An armor line with blanks or invisible characters around it that are not ASCII spaces or tabs (D-05). */
export function isDisguisedArmor(line: string): boolean {
  const stripped = line.replace(/^[\s\p{Default_Ignorable_Code_Point}>]+|[\s\p{Default_Ignorable_Code_Point}]+$/gu, '');
  return /^-----(?:BEGIN|END) PGP (?:SIGNED MESSAGE|SIGNATURE|MESSAGE)-----$/.test(stripped) && !/^[ \t>]*-----[^-]+-----[ \t]*$/.test(line);
}

/** A line that Markdown (and pledge's Markdown view) reads as a code fence. */
export function isFenceLike(line: string): boolean {
  return FENCE_LINE.test(line.replace(QUOTE_PREFIX, ''));
}

/** A fence of `marker` longer than any run of it in `text`, so that nothing inside closes it. */
function fenceFor(text: string, marker: '`' | '~'): string {
  const runs = text.match(marker === '`' ? /`+/g : /~+/g) ?? [];
  return marker.repeat(Math.max(3, ...runs.map((run) => run.length + 1)));
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Bugs these properties found in pledge, all fixed (the properties now hold on those inputs):
 * a malformed creation-time subpacket crashing the run (rule 8); a U+2028 line separator
 * letting openpgp.js end the signed text where pledge did not (C-11); the block limit counted
 * per <pre> (R-02); quadratic HTML extraction (R-01); a false split for a fence-like line in
 * indented code.
 */

/** A text line that openpgp.js's armor regex (multiline flag) reads as an armor line, and pledge does not. */
export function hasHiddenArmorLine(text: string): boolean {
  return text.split('\n').some((line) => /^-----[^-]+-----$/m.test(line.replace(/[ \t\r]+$/, '')) && !/^-----[^-]+-----$/.test(line.trimEnd()));
}

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

/** Pieces of armor, Markdown and HTML that the extractor must not be fooled by. */
const ARMOR_FRAGMENTS = [
  ARMOR.signedMessage,
  ARMOR.signatureBegin,
  ARMOR.signatureEnd,
  ARMOR.messageBegin,
  ARMOR.messageEnd,
  '-----BEGIN PGP PUBLIC KEY BLOCK-----',
  '-----ANY TEXT-----',
  '-----',
  'Hash: ',
  'Hash: SHA512',
  'Hash: SHA256, SHA512',
  'Hash: SHA1',
  'Hash: RIPEMD160',
  'Hash: SHA512\v',
  'NotDashEscaped: yes',
  'Comment: Verified by Linus',
  'Version: 1',
  '- ',
  '-',
  '--',
  '=',
  '=AbCd',
  'iHUEARYKAB0WIQQ=',
  'wnUEARYKACcFgmZaZIAJEM9Mj9Q13TwU',
];

const MARKUP_FRAGMENTS = [
  '> ',
  '>',
  '> > ',
  '    ',
  '  ',
  '\t',
  ' ',
  '```',
  '~~~',
  '````',
  '```text',
  '- my pledge:',
  '---',
  '...',
  'title: x',
  '<pre>',
  '</pre>',
  '<PRE class="x">',
  '<code>',
  '</code>',
  '<textarea>',
  '</textarea>',
  '<br>',
  '<br/>',
  '<BR />',
  '<span hidden>',
  '</span>',
  '<!--',
  '-->',
  '<alice@example.org>',
  '&lt;',
  '&gt;',
  '&amp;',
  '&#45;',
  '&#x2D;',
  '&#0;',
  '&#13;',
  '&#10;',
  '&nbsp;',
  '&amp;lt;',
  '&#1114112;',
  '&#xD800;',
];

const CHARACTER_FRAGMENTS = ['\n', '\n', '\n', '\u00A0', '\f', '\v', '\u2028', '\u2029', '\u0085', '\uFEFF', '\u202E', '\u200B', '\u3000', '\u001B[31m', 'é', '😀', 'a', 'b', 'x', ':', 'I agree.', 'PAY MALLORY'];

/** Line ends that the signed text may not hold (a lone CR is refused; NUL makes a file binary). */
const RAW_ONLY_FRAGMENTS = ['\r', '\r\n', '\r\n', '\0'];

const signableFragment = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ARMOR_FRAGMENTS, ...MARKUP_FRAGMENTS, ...CHARACTER_FRAGMENTS) }, { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) });

/**
 * A text a signer might sign: anything but a lone CR, U+2028/U+2029 (line separators to some
 * readers, so pledge refuses them inside a block by design) or NUL (which makes a file binary).
 */
export const signableText: fc.Arbitrary<string> = fc
  .array(signableFragment, { maxLength: 30 })
  .map((parts) => parts.join(''))
  .filter((text) => !/[\r\0\u2028\u2029]/.test(text));

/** Marker text that is never signed: it cannot occur in base64, and cases whose text holds it are skipped. */
const markerArbitrary = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 8, maxLength: 8 }).map((hex) => `PAY-MALLORY-${hex}`);

/** A block shape with real armor around random lines: mostly well formed, sometimes rendered or broken. */
function blockSkeleton(signatureLines: string[]) {
  return fc
    .record({
      prefix: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 3, arbitrary: fc.constantFrom('> ', '>', '    ', '  ', '\t', '> > ', '- ') }),
      lineEnd: fc.oneof({ weight: 4, arbitrary: fc.constant('\n') }, { weight: 3, arbitrary: fc.constantFrom('\r\n', '<br>\n', '<br>', '\r') }),
      headers: fc.oneof(
        { weight: 4, arbitrary: fc.constant(['Hash: SHA512']) },
        { weight: 3, arbitrary: fc.array(fc.constantFrom('Hash: SHA512', 'Hash: SHA256', 'Hash: SHA1', 'Hash: SHA512, SHA256', 'Hello: x', 'Hash: sha512 ', ''), { maxLength: 2 }) },
      ),
      separator: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 3, arbitrary: fc.constantFrom(' ', '\t', '\u00A0', 'x') }),
      text: fc.array(
        fc.array(signableFragment, { maxLength: 5 }).map((parts) => parts.join('')),
        { maxLength: 6 },
      ),
      signature: fc.oneof({ weight: 4, arbitrary: fc.constant(signatureLines) }, { weight: 3, arbitrary: fc.constantFrom(signatureLines.slice(0, 3), [ARMOR.signatureBegin, '', '=AAAA', ARMOR.signatureEnd], [ARMOR.signatureEnd]) }),
      dropPrefixAt: fc.option(fc.nat({ max: 20 }), { freq: 4 }),
    })
    .map(({ prefix, lineEnd, headers, separator, text, signature, dropPrefixAt }) => [ARMOR.signedMessage, ...headers, separator, ...text, ...signature].map((line, index) => (index === dropPrefixAt ? line : prefix + line)).join(lineEnd));
}

/** Documents made of armor-ish fragments and block skeletons, raw line ends included. */
function armorishDocument(signatureLines: string[]): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...ARMOR_FRAGMENTS, ...MARKUP_FRAGMENTS, ...CHARACTER_FRAGMENTS, ...RAW_ONLY_FRAGMENTS) },
        { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
        { weight: 3, arbitrary: blockSkeleton(signatureLines).map((block) => `\n${block}\n`) },
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(''));
}

const SMALL_LIMITS: Limits = { ...DEFAULT_LIMITS, maxLineLength: 40, maxBlockChars: 300, maxBlocksPerDocument: 2, maxSignaturesPerBlock: 1 };

let samples: Promise<string[]> | null = null;

/** A few valid blocks, signed once per process. */
function sampleBlocks(): Promise<string[]> {
  samples ??= Promise.all(['I agree.', '', 'a\n- b\n\n-----X-----\n', 'Tom & Jerry <tj@example.org>\n'.repeat(12)].map(clearsign));
  return samples;
}

function signatureLinesOf(armored: string): string[] {
  return anatomy(armored).signature.split('\n').slice(0, -1);
}

// ---------------------------------------------------------------------------------------------
// Shared checks
// ---------------------------------------------------------------------------------------------

/** What every block extractBlocks returns must satisfy, whatever the input. */
function checkBlockInvariants(blocks: ArmoredBlock[], limits: Limits): void {
  // Blocks past the limit are reported, not read (R-02): whatever view (<pre>) they come from.
  const overLimit = blocks.slice(limits.maxBlocksPerDocument);
  check(
    overLimit.every((block) => block.error?.code === 'input-too-large'),
    `no more than maxBlocksPerDocument (${limits.maxBlocksPerDocument}) blocks are read`,
    blocks,
  );
  for (const [index, block] of blocks.entries()) {
    check(index === 0 || blocks[index - 1]!.startLine <= block.startLine, 'blocks come in document order');
    check(Number.isInteger(block.startLine) && block.startLine >= 1 && block.startLine <= block.endLine, 'a block spans lines startLine..endLine', block);
    check(
      block.rendering.every((rendering) => RENDERINGS.includes(rendering)),
      'renderings are known',
      block.rendering,
    );
    check(new Set(block.rendering).size === block.rendering.length, 'no rendering is listed twice', block.rendering);
    check(block.armored === '' || (block.armored.startsWith('-----BEGIN PGP ') && block.armored.endsWith('\n')), 'armored starts at its BEGIN line and ends with a newline', block.armored);
    check(block.error === null || (BLOCK_ERROR_CODES as readonly string[]).includes(block.error.code), 'errors carry a documented code', block.error);
    if (block.error === null) {
      check(!block.armored.includes('\r'), 'an error-free block holds no CR', block.armored);
      const lines = block.armored.slice(0, -1).split('\n');
      if (block.form === 'inline') {
        // An inline-signed message (issue 14): its armor is judged when it is parsed, so the
        // extractor vouches only for where it starts and ends.
        check(block.armored.startsWith(`${ARMOR.messageBegin}\n`), 'an error-free inline block is a message', block.armored);
        check(lines.at(-1)!.trimEnd() === ARMOR.messageEnd, 'an error-free inline block ends at END PGP MESSAGE', block.armored);
      } else {
        check(block.armored.startsWith(`${ARMOR.signedMessage}\n`), 'an error-free cleartext block starts at BEGIN PGP SIGNED MESSAGE', block.armored);
        check(lines.at(-1)!.trimEnd() === ARMOR.signatureEnd, 'an error-free block ends at END PGP SIGNATURE', block.armored);
        check(lines.filter((line) => line.trimEnd() === ARMOR.signatureBegin).length >= 1, 'an error-free block has BEGIN PGP SIGNATURE', block.armored);
      }
    }
  }
}

/**
 * Differential between pledge's block grammar and openpgp.js's: when pledge accepts a block
 * and openpgp.js parses it, the signed text is exactly the text a reader sees between the
 * header's blank line and pledge's BEGIN PGP SIGNATURE line (security-model.md §1.2, C-11).
 */
async function checkSignedTextIsVisibleText(block: ArmoredBlock, limits: Limits): Promise<void> {
  const parsed = await parseBlock(block.armored, limits);
  check(parsed.ok || (BLOCK_ERROR_CODES as readonly string[]).includes(parsed.error.code), 'parseBlock fails with a documented code', parsed);
  if (!parsed.ok || block.error) return;
  const lines = block.armored.split('\n');
  const separator = lines.findIndex((line, index) => index > 0 && !line.startsWith('Hash: '));
  const signatureBegin = lines.findIndex((line, index) => index > separator && line.trimEnd() === ARMOR.signatureBegin);
  const visible = lines
    .slice(separator + 1, signatureBegin)
    // openpgp.js drops trailing whitespace before the dash-escape, so "- " reads as "-" (GnuPG:
    // as ""); either way the reader sees a dash, so the model follows openpgp.js here.
    .map((line) => line.replace(/[ \t]+$/, '').replace(/^- /, ''))
    .join('\n');
  check(parsed.block.signedText === visible, 'the signed text is the text shown between the headers and BEGIN PGP SIGNATURE', {
    armored: block.armored,
    shown: visible,
    signedText: parsed.block.signedText,
  });
}

// ---------------------------------------------------------------------------------------------
// 1. Extraction never throws
// ---------------------------------------------------------------------------------------------

const EXTENSIONS = ['txt', 'md', 'html'] as const;

/**
 * decodeDocument + extractBlocks never throw, on arbitrary bytes and on documents made of
 * armor-ish fragments, for each document kind; what they return keeps its invariants, and
 * parseBlock never throws on what they accept.
 */
export const extractionNeverThrows: Property = async (options) => {
  const signatureLines = signatureLinesOf((await sampleBlocks())[0]!);
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ bytes })),
    armorishDocument(signatureLines).map((text) => ({ text })),
  );
  const property = fc.asyncProperty(fc.constantFrom(...EXTENSIONS), input, fc.boolean(), fc.constantFrom(DEFAULT_LIMITS, SMALL_LIMITS), fc.boolean(), async (extension, source, bom, limits, inPre) => {
    // HTML is read only inside <pre>, <code> and <textarea>.
    const text = 'text' in source && extension === 'html' && inPre ? `<pre>${source.text}</pre>` : 'text' in source ? source.text : '';
    const body = 'bytes' in source ? source.bytes : new TextEncoder().encode(text);
    const bytes = bom ? new Uint8Array([0xef, 0xbb, 0xbf, ...body]) : body;
    const read = decodeDocument(`fuzz.${extension}`, bytes);
    // A NUL is refused: as binary, or as not-utf8 where a byte order mark says the file is UTF-16
    // or UTF-32 text, whose NULs are its spelling of ASCII (f23202e; read-document.ts).
    const otherUnicode = [
      [0xff, 0xfe],
      [0xfe, 0xff],
      [0x00, 0x00, 0xfe, 0xff],
    ].some((mark) => mark.every((octet, index) => bytes[index] === octet));
    if (bytes.includes(0)) check(!read.ok && read.reason.code === (otherUnicode ? 'not-utf8' : 'binary'), 'a file with NUL is binary, or UTF-16/32 text by its byte order mark', read);
    if (otherUnicode) check(!read.ok && read.reason.code === 'not-utf8', 'a file with a UTF-16 or UTF-32 byte order mark is not-utf8', read);
    if (!read.ok) return;
    check(read.document.hadBom === (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf), 'the BOM is recorded');
    const blocks = extractBlocks(read.document, limits);
    checkBlockInvariants(blocks, limits);
    for (const block of blocks) if (!block.error) await checkSignedTextIsVisibleText(block, limits);
  });
  return runProperty('extraction-never-throws', property, options);
};

// ---------------------------------------------------------------------------------------------
// 2. Text outside every block never appears in signedText
// ---------------------------------------------------------------------------------------------

/** Lines that carry the marker and leave a valid block valid. `{M}` is the marker. */
const BENIGN_LINES = ['{M}', 'PAY {M}', '> {M}', '    {M}', '- {M}', 'Hash: {M}', '{M}: yes', '   {M}\t', '**{M}**', '[{M}](https://example.org/{M})', '', 'Unsigned words.'];
const BENIGN_HTML_LINES = ['<p style="display:none">{M}</p>', '<!-- {M} -->', '<div hidden>{M}</div>', '<p>{M}</p>', '{M}', ''];
/**
 * Text that tries to join the block or forge one next to it. `{SIG}` is the real signature
 * armor, `{TEXT}` the real signed-text lines, `{BLOCK}` the whole real block.
 */
const HOSTILE_LINES = [
  `${ARMOR.signedMessage}\nHash: SHA512\n\n{M}`,
  `${ARMOR.signedMessage}\nHash: SHA512\n\n{M}\n{SIG}`,
  `${ARMOR.signedMessage}\n\n{M}\n{TEXT}{SIG}`,
  `${ARMOR.signedMessage}\nHash: SHA512\n\n{TEXT}{M}\n{SIG}`,
  `Hash: SHA512\n\n{M}`,
  `{M}\u2028${ARMOR.signatureBegin}`,
  `${ARMOR.signatureEnd}\n{M}`,
  `{M}\n${ARMOR.signatureEnd}`,
  `{M}\r`,
  `{M}\r${ARMOR.signedMessage}`,
  `- {M}`,
  '{BLOCK}',
  '```\n{M}',
  '> {M}\n> ' + ARMOR.signedMessage,
  '</pre>{M}<pre>',
  '<pre>{M}',
  '{M}</pre>',
  `${ARMOR.signatureBegin}\n\n{M}\n${ARMOR.signatureEnd}`,
];

interface Decor {
  template: string;
  hostile: boolean;
}

function decorArbitrary(benign: string[]): fc.Arbitrary<Decor> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...benign).map((template) => ({ template, hostile: false })) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_LINES).map((template) => ({ template, hostile: true })) },
    {
      weight: 1,
      arbitrary: fc.array(fc.constantFrom(...ARMOR_FRAGMENTS, ...MARKUP_FRAGMENTS, ...CHARACTER_FRAGMENTS, ...RAW_ONLY_FRAGMENTS.slice(0, 3), '{M}'), { maxLength: 8 }).map((parts) => ({ template: parts.join(''), hostile: true })),
    },
  );
}

/**
 * Signs a random text, embeds the block in a .txt, .md or .html document with a unique marker
 * before and after it (and in Markdown front matter), and runs the whole pipeline. The marker
 * is never in a verified signedText, nor in the lines a verified block spans; when nothing
 * around the block is hostile, the block verifies and its signedText is exactly what was
 * signed (C-01, C-12, D-01, D-02).
 */
export const outsideTextNeverSigned: Property = async (options) => {
  const property = fc.asyncProperty(
    fc.record({
      text: signableText,
      marker: markerArbitrary,
      extension: fc.constantFrom(...EXTENSIONS),
      frontMatter: fc.boolean(),
      fenced: fc.boolean(),
      fenceMarker: fc.constantFrom('`' as const, '~' as const),
      before: fc.array(decorArbitrary(BENIGN_LINES), { maxLength: 4 }),
      after: fc.array(decorArbitrary(BENIGN_LINES), { maxLength: 4 }),
      outerBefore: fc.array(decorArbitrary(BENIGN_HTML_LINES), { maxLength: 3 }),
      outerAfter: fc.array(decorArbitrary(BENIGN_HTML_LINES), { maxLength: 3 }),
    }),
    async ({ text, marker, extension, frontMatter, fenced, fenceMarker, before, after, outerBefore, outerAfter }) => {
      fc.pre(!text.includes(marker));
      const armored = await clearsign(text);
      const { region, signature } = anatomy(armored);
      const blockLines = armored.slice(0, -1).split('\n');
      const fill = (decor: Decor) =>
        decor.template
          .replace(/\{SIG\}/g, signature)
          .replace(/\{TEXT\}/g, region)
          .replace(/\{BLOCK\}/g, armored)
          .replace(/\{M\}/g, marker);
      // HTML: the lines inside <pre> are escaped, the lines around it are markup.
      const inner = (decor: Decor) => (extension === 'html' && !decor.hostile ? escapeHtml(fill(decor)) : fill(decor));
      const hostile = [...before, ...after, ...(extension === 'html' ? [...outerBefore, ...outerAfter] : [])].some((decor) => decor.hostile);

      let content: string;
      if (extension === 'html') {
        const pre = [...before.map(inner), ...blockLines.map(escapeHtml), ...after.map(inner)].join('\n');
        content = ['<!doctype html>', '<html><body>', ...outerBefore.map(fill), `<pre>${pre}</pre>`, ...outerAfter.map(fill), '</body></html>'].join('\n');
      } else {
        let body = blockLines;
        if (extension === 'md' && (fenced || blockLines.some(isFenceLike))) {
          const fence = fenceFor(armored, fenceMarker);
          body = [fence, ...blockLines, fence];
        }
        const head = extension === 'md' && frontMatter ? ['---', `title: ${marker}`, `signer: ${marker}`, '---', ''] : [];
        content = [...head, ...before.map(fill), ...body, ...after.map(fill)].join('\n');
      }

      const document = await verifyContent(extension, content);
      const physicalLines = content.split('\n');
      for (const block of verifiedSignatures(document)) {
        check(!block.signedText!.includes(marker), 'text outside the block is never in a verified signedText', { content, document: summary(document) });
        // Nor inside the lines a verified block is reported to span: pledge never stitches it in.
        const shown = physicalLines.slice(block.startLine - 1, block.endLine).join('\n');
        check(!shown.includes(marker), 'text outside the block is never within the lines of a verified block', { content, document: summary(document) });
      }
      if (hostile) return;
      // What the text itself earns (D-05): a disguised armor line; outside a fence, a comment that hides the rest.
      const unfencedMarkdown = extension === 'md' && !(fenced || blockLines.some(isFenceLike));
      if (text.split('\n').some(isDisguisedArmor) || (unfencedMarkdown && text.includes('<!--'))) return;
      const expected = normaliseSigned(text);
      check(
        document.blocks.length === 1 && document.blocks[0]!.status === 'ok' && document.blocks[0]!.signatures.length === 1 && document.blocks[0]!.signatures[0]!.status === 'verified' && document.blocks[0]!.signedText === expected,
        'the one block verifies with exactly the signed text',
        { content, expected, document: summary(document) },
      );
    },
  );
  return runProperty('outside-text-never-signed', property, options);
};

// ---------------------------------------------------------------------------------------------
// 3. Any change inside the signed text breaks verification, unless it is trailing whitespace
// ---------------------------------------------------------------------------------------------

const MUTATION_CHARACTERS = [' ', ' ', '\t', '\t', '\r', '\n', '-', '- ', 'a', 'A', '.', ':', '\u00A0', '\f', '\v', '\u2028', '\u200B', '\uFEFF', 'é', '😀', '>'];

/**
 * Flips, inserts or deletes one character (code point) of the text part of a valid block. The
 * block verifies if and only if the text a reader sees there, normalised as the RFC says
 * (trailing spaces and tabs dropped, CRLF as LF), is the text that was signed (C-06, C-07).
 */
export const textChangesBreakVerification: Property = async (options) => {
  const property = fc.asyncProperty(
    signableText,
    fc.constantFrom('flip' as const, 'insert' as const, 'delete' as const),
    fc.nat(),
    // Half the edits land at a line end, where trailing whitespace may be changed freely.
    fc.boolean(),
    fc.constantFrom(...MUTATION_CHARACTERS),
    async (text, operation, position, atLineEnd, character) => {
      // A text line that shows as an armor line behind invisible blanks is refused whatever the edit (D-05).
      fc.pre(!text.split('\n').some(isDisguisedArmor));
      const armored = await clearsign(text);
      const { head, region, signature } = anatomy(armored);
      const points = Array.from(region);
      const span = operation === 'insert' ? points.length + 1 : points.length;
      fc.pre(span > 0);
      const lineEnds = points.flatMap((point, index) => (point === '\n' ? [operation === 'insert' ? index : index - 1] : [])).filter((index) => index >= 0);
      const at = atLineEnd && lineEnds.length ? lineEnds[position % lineEnds.length]! : position % span;
      if (operation === 'flip') {
        fc.pre(points[at] !== character);
        points[at] = character;
      } else if (operation === 'insert') points.splice(at, 0, character);
      else points.splice(at, 1);
      const changed = points.join('');
      const document = await verifyContent('txt', head + changed + signature);

      const original = visibleText(region);
      const shown = visibleText(changed);
      check(original === normaliseSigned(text), 'the model reads the unchanged block as what was signed', { text, region, original });
      const same = shown !== null && shown === original;
      const verified = verifiedSignatures(document).length > 0;
      check(verified === same, same ? 'a change of trailing whitespace only still verifies' : 'a change of the signed text never verifies', {
        block: head + changed + signature,
        operation,
        at,
        character,
        same,
        document: summary(document),
      });
      if (verified) check(document.blocks[0]!.signedText === original, 'the verified text is the signed text', summary(document));
    },
  );
  return runProperty('text-changes-break-verification', property, options);
};

// ---------------------------------------------------------------------------------------------
// 4. Renderings round-trip
// ---------------------------------------------------------------------------------------------

export const RENDER_MODES = ['text', 'md-plain', 'md-quote', 'md-quote-nested', 'md-indent', 'md-list-fence', 'md-fence', 'html-pre', 'html-br'] as const;
export type RenderMode = (typeof RENDER_MODES)[number];

interface RenderChoices {
  mode: RenderMode;
  crlf: boolean;
  bom: boolean;
  bareQuote: boolean;
  fenceMarker: '`' | '~';
  dashes: 'none' | 'all' | 'line-start';
  numericEvery: number;
  hexEntities: boolean;
  lineBreak: '<br>' | '<br>\n' | '<br/>\n' | '<BR />\n';
  codeInPre: boolean;
}

const renderChoices: fc.Arbitrary<RenderChoices> = fc.record({
  mode: fc.constantFrom(...RENDER_MODES),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  bareQuote: fc.boolean(),
  fenceMarker: fc.constantFrom('`' as const, '~' as const),
  dashes: fc.constantFrom('none' as const, 'all' as const, 'line-start' as const),
  numericEvery: fc.constantFrom(0, 0, 1, 3, 7),
  hexEntities: fc.boolean(),
  lineBreak: fc.constantFrom('<br>' as const, '<br>\n' as const, '<br/>\n' as const, '<BR />\n' as const),
  codeInPre: fc.boolean(),
});

interface Rendered {
  extension: 'txt' | 'md' | 'html';
  /** The document's lines (joined with LF, or CRLF when chosen). */
  lines: string[];
  /** Indexes in `lines` of the block's BEGIN and END lines (HTML <br>: the same line). */
  begin: number;
  end: number;
  /** What the block's prefix is, for splitting it. */
  prefix: string;
  fence: string | null;
  expected: Rendering[];
}

/** The block's lines, HTML-escaped as `choices` says; `entities` tells if any reference was written. */
function escapeForHtml(lines: string[], choices: RenderChoices): { lines: string[]; entities: boolean } {
  let count = 0;
  const escaped = lines.map((line) =>
    Array.from(line)
      .map((character, index) => {
        count++;
        if (character === '&') return '&amp;';
        if (character === '<') return '&lt;';
        if (character === '>') return '&gt;';
        if (character === '-' && (choices.dashes === 'all' || (choices.dashes === 'line-start' && index === 0))) return '&#45;';
        const code = character.codePointAt(0)!;
        // A reference to U+0080–U+009F is Windows-1252 to browsers (&#133; is "…"): those stay literal.
        if (choices.numericEvery > 0 && count % choices.numericEvery === 0 && !(code >= 0x80 && code <= 0x9f)) {
          return choices.hexEntities ? `&#x${code.toString(16)};` : `&#${code};`;
        }
        return character;
      })
      .join(''),
  );
  return { lines: escaped, entities: escaped.some((line, index) => line !== lines[index]) };
}

/** A block as a renderer shows it: Markdown quote, indentation, fences, HTML <pre>. */
export function renderBlock(armored: string, choices: RenderChoices): Rendered {
  const block = armored.slice(0, -1).split('\n');
  const withPrefix = (prefix: string, blank: string) => block.map((line) => (line === '' ? blank : prefix + line));
  const around = (before: string[], lines: string[], after: string[], extension: Rendered['extension'], prefix: string, fence: string | null, expected: Rendering[]): Rendered => ({
    extension,
    lines: [...before, ...lines, ...after],
    begin: before.length,
    end: before.length + lines.length - 1,
    prefix,
    fence,
    expected,
  });
  const intro = ['# A statement', '', 'Some words that are not signed.', ''];
  const fence = fenceFor(armored, choices.fenceMarker);
  switch (choices.mode) {
    case 'text':
      return around(['Unsigned preamble.', ''], block, ['', 'Unsigned postscript.'], 'txt', '', null, []);
    case 'md-plain':
      return around(intro, block, ['', 'More words.'], 'md', '', null, []);
    case 'md-quote':
      return around(intro, withPrefix('> ', choices.bareQuote ? '>' : '> '), ['', 'More words.'], 'md', '> ', null, ['quote-prefix']);
    case 'md-quote-nested':
      return around(intro, withPrefix('> > ', choices.bareQuote ? '> >' : '> > '), ['', 'More words.'], 'md', '> > ', null, ['quote-prefix']);
    case 'md-indent':
      return around(intro, withPrefix('    ', ''), ['', 'More words.'], 'md', '    ', null, ['indentation']);
    case 'md-list-fence':
      return around([...intro, '- my pledge:', '', `  ${fence}`], withPrefix('  ', ''), [`  ${fence}`, '', '- another item'], 'md', '  ', fence, ['indentation']);
    case 'md-fence':
      return around([...intro, `${fence}${choices.fenceMarker === '`' ? 'text' : ''}`], block, [fence, '', 'More words.'], 'md', '', fence, []);
    case 'html-pre': {
      const { lines, entities } = escapeForHtml(block, choices);
      const [open, close] = choices.codeInPre ? ['<pre><code>', '</code></pre>'] : ['<pre>', '</pre>'];
      const inner = [open + lines[0]!, ...lines.slice(1, -1), lines.at(-1)! + close];
      return around(['<!doctype html>', '<html><body>', '<p>Unsigned words.</p>'], inner, ['</body></html>'], 'html', '', null, entities ? ['html-entities'] : []);
    }
    case 'html-br': {
      const { lines, entities } = escapeForHtml(block, choices);
      const joined = `<pre>${lines.join(choices.lineBreak)}</pre>`;
      const physical = joined.split('\n');
      return around(['<!doctype html>', '<html><body>'], physical, ['</body></html>'], 'html', '', null, [...(entities ? ['html-entities' as const] : []), 'html-line-breaks']);
    }
  }
}

/** The document's content, CRLF and BOM applied, and the rendering pledge should report. */
function documentOf(rendered: Rendered, choices: RenderChoices): { content: string; expected: Rendering[] } {
  const crlfInBlock = choices.crlf && rendered.end > rendered.begin;
  const expected: Rendering[] = [...(choices.bom ? ['bom' as const] : []), ...(crlfInBlock ? ['crlf' as const] : []), ...rendered.expected];
  const content = (choices.bom ? '\uFEFF' : '') + rendered.lines.join(choices.crlf ? '\r\n' : '\n');
  return { content, expected };
}

/** Markdown modes where a fence-like line in the block opens a fence, which pledge calls a split. */
const FENCE_SENSITIVE: readonly RenderMode[] = ['md-plain', 'md-quote', 'md-quote-nested'];

/**
 * Rendering a valid block as a Markdown quote, indented code, a list-item fence, a ``` or ~~~
 * fence, HTML <pre> with entities (&lt; &gt; &amp; &#45; and numeric references), <pre> with
 * <br>, with CRLF and a BOM: extraction gives back a block that verifies with the signed text
 * and the right `rendering` list (D-02).
 */
export const renderingsRoundTrip: Property = async (options) => {
  const property = fc.asyncProperty(signableText, renderChoices, async (text, choices) => {
    const armored = await clearsign(text);
    const blockLines = armored.slice(0, -1).split('\n');
    // In plain Markdown or a quote, a fence line in the text would render as a fence: a split.
    fc.pre(!(FENCE_SENSITIVE.includes(choices.mode) && blockLines.some(isFenceLike)));
    // There an HTML comment in the text hides what follows it from renderers: hidden-block (D-05).
    fc.pre(!(FENCE_SENSITIVE.includes(choices.mode) && text.includes('<!--')));
    // A text line that shows as an armor line behind invisible blanks is refused: disguised-armor (D-05).
    fc.pre(!text.split('\n').some(isDisguisedArmor));
    const rendered = renderBlock(armored, choices);
    const { content, expected } = documentOf(rendered, choices);
    const document = await verifyContent(rendered.extension, content);
    const block = document.blocks[0];
    check(
      document.blocks.length === 1 &&
        block !== undefined &&
        block.status === 'ok' &&
        block.signatures.length === 1 &&
        block.signatures[0]!.status === 'verified' &&
        block.signedText === normaliseSigned(text) &&
        JSON.stringify(block.rendering) === JSON.stringify(expected),
      'the rendered block verifies with the signed text and the right rendering',
      { content, signedText: normaliseSigned(text), expectedRendering: expected, document: summary(document) },
    );
  });
  return runProperty('renderings-round-trip', property, options);
};

// ---------------------------------------------------------------------------------------------
// 5. Splitting a rendered block never verifies
// ---------------------------------------------------------------------------------------------

const SPLITTABLE_MODES = ['md-quote', 'md-quote-nested', 'md-indent', 'md-list-fence', 'md-fence', 'html-pre'] as const;

/** Cuts a rendered block after line `cut` (an index in rendered.lines); null when the cut cannot apply there. */
function splitRendering(rendered: Rendered, mode: (typeof SPLITTABLE_MODES)[number], how: number, cut: number, dedent: number): string[] | null {
  const lines = [...rendered.lines];
  const next = cut + 1;
  switch (mode) {
    case 'md-fence':
    case 'md-list-fence': {
      const indent = mode === 'md-list-fence' ? '  ' : '';
      // Close the fence (and perhaps reopen it), or drop the list indentation of a line.
      if (how % 3 === 0) lines.splice(next, 0, indent + rendered.fence!);
      else if (how % 3 === 1) lines.splice(next, 0, indent + rendered.fence!, '', indent + rendered.fence!);
      else {
        if (mode === 'md-fence') return null;
        // A line whose own text starts with a space stays indented enough when dedented: skip it.
        const target = lines.findIndex((line, index) => index >= next && index <= rendered.end && /^\S/.test(line.slice(2)));
        if (target === -1) return null;
        lines[target] = lines[target]!.slice(Math.min(dedent, 2));
      }
      return lines;
    }
    case 'md-quote':
    case 'md-quote-nested': {
      // End the quote with a paragraph, or drop the prefix of one line or of all the rest.
      // A line whose own text starts with ">" (after up to 3 spaces) stays a quote line without
      // its prefix: CommonMark still shows it inside the quote, so that cut splits nothing.
      const unquote = (line: string) => line.replace(/^(> )*>? ?/, '');
      const stillQuoted = (line: string) => /^ {0,3}>/.test(unquote(line));
      if (how % 4 === 0) lines.splice(next, 0, '', 'Interlude.', '');
      else if (how % 4 === 1) {
        if (stillQuoted(lines[next]!)) return null;
        lines[next] = unquote(lines[next]!);
      } else if (how % 4 === 2) {
        if (lines.slice(next, rendered.end + 1).some(stillQuoted)) return null;
        for (let index = next; index <= rendered.end; index++) lines[index] = unquote(lines[index]!);
      } else {
        // "> foo" as ">foo" (not before white space: ">", "> " and ">\u00A0" are all a blank quote line).
        const target = lines.findIndex((line, index) => index >= next && index <= rendered.end && /^> \S/.test(line));
        if (target === -1) return null;
        lines[target] = lines[target]!.replace(/^> /, '>');
      }
      return lines;
    }
    case 'md-indent': {
      // A line that is not indented ends indented code; so does a line indented less.
      if (how % 3 === 0) lines.splice(next, 0, 'Interlude.');
      else {
        // A line whose own text starts with a space stays indented enough when dedented: skip it.
        const target = lines.findIndex((line, index) => index >= next && index <= rendered.end && /^\S/.test(line.slice(4)));
        if (target === -1) return null;
        const last = how % 3 === 1 ? target : rendered.end;
        for (let index = target; index <= last; index++) if (lines[index]!.trim() !== '') lines[index] = lines[index]!.slice(Math.min(dedent, 4));
      }
      return lines;
    }
    case 'html-pre':
      lines.splice(next, 0, '</pre>', '<p>Interlude.</p>', '<pre>');
      return lines;
  }
}

/**
 * Cutting a rendered block (closing its fence, ending its quote, dropping its indentation,
 * closing its <pre>) gives a malformed block and never a verified one (D-03).
 */
export const splitRenderingsNeverVerify: Property = async (options) => {
  const property = fc.asyncProperty(signableText, renderChoices, fc.constantFrom(...SPLITTABLE_MODES), fc.nat(), fc.nat(), fc.integer({ min: 1, max: 4 }), async (text, choices, mode, how, where, dedent) => {
    const armored = await clearsign(text);
    const blockLines = armored.slice(0, -1).split('\n');
    fc.pre(!(FENCE_SENSITIVE.includes(mode) && blockLines.some(isFenceLike)));
    const rendered = renderBlock(armored, { ...choices, mode, codeInPre: false });
    const cut = rendered.begin + (where % (rendered.end - rendered.begin));
    const lines = splitRendering(rendered, mode, how, cut, dedent);
    fc.pre(lines !== null);
    const { content } = documentOf({ ...rendered, lines }, choices);
    const document = await verifyContent(rendered.extension, content);
    const details = { mode, cut, content, document: summary(document) };
    check(verifiedSignatures(document).length === 0, 'a split block never verifies', details);
    check(
      document.blocks.some((block) => block.status === 'malformed'),
      'a split block is reported malformed',
      details,
    );
    // A cut can also turn a text line into an armor line (" -----BEGIN…" after "> " lost its space).
    if (rendered.extension === 'md')
      check(['split-block', 'malformed-armor', 'hidden-block', 'disguised-armor'].includes(document.blocks[0]?.error?.code ?? ''), 'Markdown reports split-block (or what the text itself earns: hidden-block, disguised-armor)', details);
  });
  return runProperty('split-renderings-never-verify', property, options);
};

// ---------------------------------------------------------------------------------------------
// 6. parseBlock never throws on mutated armor
// ---------------------------------------------------------------------------------------------

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ARMOR_EDIT_CHARACTERS = [...BASE64, '=', '=', '-', '\n', '\n', ' ', '\t', '\r', ':', '\u00A0', 'é', '\u2028', '\0'];

/** Byte strings that stress packet headers and lengths (R-04): huge, partial and old-format lengths, other tags. */
const PACKET_PATTERNS = [
  [0xff, 0xff, 0xff, 0xff, 0xff],
  [0xff, 0x80, 0x00, 0x00, 0x00],
  [0xff, 0x7f, 0xff, 0xff, 0xff],
  [0xe0],
  [0xef],
  [0xc0, 0xff],
  [0xdf, 0xff],
  [0x00],
  [0x88],
  [0x89, 0xff, 0xff],
  [0x8b],
  [0xc2, 0x00],
  [0xc4, 0x0d],
  [0xc8, 0x05, 0x01],
  [0xcb, 0x05, 0x62],
  [0xd1],
  [0x04],
  [0x05],
  [0x06],
  [0x03],
  [0x02],
  [0x40],
  [0x13],
  [0x16],
  [0x01, 0x02, 0x03],
];

function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of bytes) {
    crc ^= byte << 16;
    for (let bit = 0; bit < 8; bit++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

function armorSignature(bytes: Uint8Array, checksum: 'valid' | 'none' | 'wrong'): string {
  const base64 = Buffer.from(bytes).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  const crc = crc24(bytes) ^ (checksum === 'wrong' ? 1 : 0);
  const crcLine = checksum === 'none' ? [] : [`=${Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString('base64')}`];
  return [ARMOR.signatureBegin, '', ...lines, ...crcLine, ARMOR.signatureEnd, ''].join('\n');
}

function signatureBytes(signature: string): Uint8Array {
  const lines = signature.split('\n');
  const body = lines.slice(lines.indexOf('') + 1).filter((line) => line !== '' && !line.startsWith('=') && !line.startsWith('-----'));
  return new Uint8Array(Buffer.from(body.join(''), 'base64'));
}

const textEdit = fc.record({
  region: fc.constantFrom('head' as const, 'signature' as const, 'signature' as const),
  operation: fc.constantFrom('replace' as const, 'insert' as const, 'delete' as const),
  position: fc.nat(),
  character: fc.constantFrom(...ARMOR_EDIT_CHARACTERS),
});

const byteEdit = fc.record({
  operation: fc.constantFrom('set' as const, 'insert' as const, 'delete' as const, 'truncate' as const, 'pattern' as const, 'pattern' as const),
  position: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
  pattern: fc.constantFrom(...PACKET_PATTERNS),
});

/**
 * parseBlock never throws on valid blocks with random edits in their headers and base64, or
 * with random byte edits in their signature packets (huge and partial lengths, other packet
 * tags, truncation; R-04), re-armored with a valid, wrong or no checksum. It returns ok or a
 * documented error code. When it parses, the whole pipeline does not throw either, and a
 * signature pledge calls verified is one openpgp.js's own verify accepts.
 */
export const parseBlockNeverThrows: Property = async (options) => {
  const blocks = await sampleBlocks();
  const { privateKey } = await fuzzSigner();
  const publicKey = privateKey.toPublic();
  const property = fc.asyncProperty(
    fc.nat({ max: blocks.length - 1 }),
    fc.oneof(
      fc.array(textEdit, { minLength: 1, maxLength: 5 }).map((edits) => ({ kind: 'text' as const, edits })),
      fc.record({ edits: fc.array(byteEdit, { minLength: 1, maxLength: 4 }), checksum: fc.constantFrom('valid' as const, 'none' as const, 'wrong' as const) }).map((value) => ({ kind: 'packet' as const, ...value })),
    ),
    async (sample, mutation) => {
      const { head, region, signature } = anatomy(blocks[sample]!);
      let armored: string;
      if (mutation.kind === 'text') {
        let mutatedHead = Array.from(head);
        let mutatedSignature = Array.from(signature);
        for (const edit of mutation.edits) {
          const points = edit.region === 'head' ? mutatedHead : mutatedSignature;
          const at = edit.position % (points.length + 1);
          if (edit.operation === 'insert') points.splice(at, 0, edit.character);
          else if (edit.operation === 'replace') points.splice(at, 1, edit.character);
          else points.splice(at, 1);
          if (edit.region === 'head') mutatedHead = points;
          else mutatedSignature = points;
        }
        armored = mutatedHead.join('') + region + mutatedSignature.join('');
      } else {
        let bytes = Array.from(signatureBytes(signature));
        for (const edit of mutation.edits) {
          const at = edit.position % (bytes.length + 1);
          if (edit.operation === 'set') bytes[Math.min(at, bytes.length - 1)] = edit.byte;
          else if (edit.operation === 'insert') bytes.splice(at, 0, edit.byte);
          else if (edit.operation === 'delete') bytes.splice(at, 1);
          else if (edit.operation === 'truncate') bytes = bytes.slice(0, at);
          else bytes.splice(at, edit.pattern.length, ...edit.pattern);
        }
        armored = head + region + armorSignature(new Uint8Array(bytes), mutation.checksum);
      }

      let parsed: Awaited<ReturnType<typeof parseBlock>>;
      try {
        parsed = await parseBlock(armored, DEFAULT_LIMITS);
      } catch (error) {
        throw new Error(`parseBlock threw ${String(error)} on\n${armored}`);
      }
      check(parsed.ok || (BLOCK_ERROR_CODES as readonly string[]).includes(parsed.error.code), 'parseBlock fails with a documented code', parsed);
      if (!parsed.ok) return;
      check(parsed.block.signatures.length > 0, 'a parsed block has a signature');

      const document = await verifyContent('txt', armored);
      for (const block of document.blocks) for (const judged of block.signatures) check(SIGNATURE_STATUSES.includes(judged.status), 'signature statuses are documented', judged);
      if (verifiedSignatures(document).length === 0) return;
      const message = await openpgp.readCleartextMessage({ cleartextMessage: armored.replace(/^Hash: .*\n/m, ''), config: STRICT_CONFIG });
      const result = await openpgp.verify({ message, verificationKeys: publicKey, date: JUDGED_AT, config: STRICT_CONFIG });
      const outcomes = await Promise.all(
        result.signatures.map((entry) =>
          entry.verified.then(
            () => true,
            () => false,
          ),
        ),
      );
      check(outcomes.some(Boolean), 'a signature pledge verifies is one openpgp.js verifies', { armored, document: summary(document) });
    },
  );
  return runProperty('parse-block-never-throws', property, options);
};

// ---------------------------------------------------------------------------------------------
// 7. The signed text is the text the block shows
// ---------------------------------------------------------------------------------------------

/** Characters that a reader may not see next to an armor line; some are line ends to a regex. */
const INVISIBLE_SEPARATORS = ['', '', ' ', '\t', '\u00A0', '\f', '\v', '\u2028', '\u2029', '\u3000', '\uFEFF', '\u200B', '\u0085'];

/** A line that is almost an armor line: an armor line with (invisible) characters before or after it. */
const nearArmorLine: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('', '', '', 'x', 'PAY MALLORY', '- ', '-', ' '),
    fc.constantFrom(...INVISIBLE_SEPARATORS),
    fc.constantFrom(...ARMOR_FRAGMENTS.slice(0, 7)),
    fc.constantFrom(...INVISIBLE_SEPARATORS),
    fc.constantFrom('', '', '', 'x', 'PAY MALLORY'),
  )
  .map((parts) => parts.join(''));

/**
 * For any block pledge's extractor accepts and openpgp.js parses, the signed text is exactly
 * the text shown between the header's blank line and the BEGIN PGP SIGNATURE line (dash-escapes
 * undone, trailing spaces dropped): pledge, not openpgp.js, decides where the text ends
 * (security-model.md §1.2, C-11, C-14). No key is needed: this is a parser differential.
 */
export const blockTextIsSignedText: Property = async (options) => {
  const signatureLines = signatureLinesOf((await sampleBlocks())[0]!);
  // The signature's blank line, base64 and checksum, which may also be copied into the text.
  const signatureBody = signatureLines.slice(1, -1).join('\n');
  const textLine = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.array(fc.oneof({ weight: 3, arbitrary: signableFragment }, { weight: 1, arbitrary: fc.constantFrom('\u2028', '\u2029', '\r', ...ARMOR_FRAGMENTS.slice(0, 7)) }), { maxLength: 6 }).map((parts) => parts.join('')),
    },
    { weight: 1, arbitrary: fc.constant(signatureBody) },
    { weight: 2, arbitrary: nearArmorLine },
  );
  // Canonical signature armor, and shapes the fast reader leaves to openpgp.js.
  const signatureStyles: Record<string, string[]> = {
    canonical: signatureLines,
    'begin-trailing-space': [`${signatureLines[0]} `, ...signatureLines.slice(1)],
    'base64-trailing-space': signatureLines.map((line, index) => (index === 2 ? `${line} ` : line)),
    'comment-header': [signatureLines[0]!, 'Comment: Verified by Linus', ...signatureLines.slice(1)],
    'no-checksum': signatureLines.filter((line) => !line.startsWith('=')),
    'end-trailing-tab': [...signatureLines.slice(0, -1), `${signatureLines.at(-1)}\t`],
  };
  const property = fc.asyncProperty(
    fc.array(fc.constantFrom('Hash: SHA512', 'Hash: SHA256, SHA512', 'Hash: SHA512 '), { maxLength: 2 }),
    fc.constantFrom('', '', ' ', '\t'),
    fc.array(textLine, { maxLength: 8 }),
    fc.constantFrom('\n', '\r\n'),
    fc.constantFrom(...Object.keys(signatureStyles)),
    async (headers, separator, text, lineEnd, style) => {
      const content = [ARMOR.signedMessage, ...(headers.length ? headers : ['Hash: SHA512']), separator, ...text, ...signatureStyles[style]!].join(lineEnd) + lineEnd;
      const read = decodeDocument('block.txt', new TextEncoder().encode(content));
      if (!read.ok) return;
      const blocks = extractBlocks(read.document, DEFAULT_LIMITS);
      checkBlockInvariants(blocks, DEFAULT_LIMITS);
      for (const block of blocks) await checkSignedTextIsVisibleText(block, DEFAULT_LIMITS);
    },
  );
  return runProperty('block-text-is-signed-text', property, options);
};

// ---------------------------------------------------------------------------------------------
// 8. Extraction takes time linear in the document
// ---------------------------------------------------------------------------------------------

/** The fastest of three extractions of one document, in milliseconds (the others carry GC and load). */
function extractionMs(extension: string, text: string): number {
  const read = decodeDocument(`scale.${extension}`, new TextEncoder().encode(text));
  if (!read.ok) return 0;
  let fastest = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    extractBlocks(read.document, DEFAULT_LIMITS);
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

/**
 * A document made of one short unit repeated (armor lines, fences, quotes, tags, entities)
 * takes time linear in its size (R-01: the 2 MiB document limit must bound the work; a
 * quadratic step makes it minutes). At 16 times the size a linear step takes about 16 times
 * longer and a quadratic one 256 times: the bound allows 32 times plus 200 ms for noise.
 */
export const extractionScalesLinearly: Property = async (options) => {
  const SMALL = 8 * 1024;
  const LARGE = 16 * SMALL;
  const property = fc.asyncProperty(
    fc.constantFrom(...EXTENSIONS),
    fc.array(fc.constantFrom(...ARMOR_FRAGMENTS, ...MARKUP_FRAGMENTS, ...CHARACTER_FRAGMENTS, ...RAW_ONLY_FRAGMENTS.slice(0, 3)), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
    async (extension, parts, inPre) => {
      const unit = parts.join('');
      const documentOfSize = (size: number) => {
        const body = unit.repeat(Math.ceil(size / unit.length));
        return extension === 'html' && inPre ? `<pre>${body}</pre>` : body;
      };
      const small = extractionMs(extension, documentOfSize(SMALL));
      const large = extractionMs(extension, documentOfSize(LARGE));
      check(large <= 32 * small + 200, 'extraction time grows linearly with the document', {
        extension,
        unit,
        inPre,
        [`ms at ${SMALL} characters`]: Math.round(small * 10) / 10,
        [`ms at ${LARGE} characters`]: Math.round(large * 10) / 10,
      });
    },
  );
  // Each case of a quadratic step takes seconds: report the first one found, unshrunk (a unit
  // is at most four fragments anyway).
  return runProperty('extraction-scales-linearly', property, options, { endOnFailure: true });
};

// ---------------------------------------------------------------------------------------------
// 9. A line break decoded from a character reference never sits inside a read block (D-04)
// ---------------------------------------------------------------------------------------------

/** Ways to write a line break as an HTML character reference, as browsers decode them. */
const ENCODED_BREAKS = ['&#10;', '&#xA;', '&#x0a;', '&#XA;', '&#010;', '&#0000000010;', '&#10', '&#x0A', '&#13;', '&#xD;', '&#13;&#10;', '&NewLine;', '&#8232;', '&#x2029;'];
/** A source line holding one of them (not followed by a digit, which would make another number). */
const HOLDS_ENCODED_BREAK = /&#0*(?:10|13|8232|8233)(?![0-9])|&#[xX]0*(?:a|d|2028|2029)(?![0-9a-fA-F])|&NewLine;/i;

/**
 * A <pre> holding one or two genuine blocks, some of whose line ends are written as character
 * references instead of newlines, and perhaps an unsigned line (and a copy of the signature
 * armor) joined into one of its lines the same way: no block that holds a source line with
 * such a reference is read as ok, every block's BEGIN line is still found, and the unsigned
 * line is never in a verified text.
 */
export const htmlEncodedBreaksNeverVerify: Property = async (options) => {
  const blocks = await sampleBlocks();
  const signatureLines = signatureLinesOf(blocks[0]!);
  const property = fc.asyncProperty(
    fc.nat({ max: blocks.length - 1 }),
    fc.boolean(),
    fc.array(fc.record({ at: fc.nat(), spelling: fc.constantFrom(...ENCODED_BREAKS) }), { minLength: 1, maxLength: 4 }),
    fc.option(fc.record({ at: fc.nat(), marker: markerArbitrary, spelling: fc.constantFrom(...ENCODED_BREAKS), withArmor: fc.boolean() })),
    async (sample, twice, joins, insertion) => {
      const block = blocks[sample]!.slice(0, -1).split('\n').map(escapeHtml);
      const lines = twice ? [...block, ...block] : block;
      if (insertion) {
        const at = insertion.at % lines.length;
        lines[at] = [lines[at], insertion.marker, ...(insertion.withArmor ? signatureLines : [])].join(insertion.spelling);
      }
      const ends = lines.map(() => '\n');
      for (const join of joins) ends[join.at % (lines.length - 1)] = join.spelling;
      const body = lines.map((line, index) => line + (index < lines.length - 1 ? ends[index] : '')).join('');
      const content = `<!doctype html>\n<html><body>\n<pre>\n${body}\n</pre>\n</body></html>\n`;
      const joined = new Set(content.split('\n').flatMap((line, index) => (HOLDS_ENCODED_BREAK.test(line) ? [index + 1] : [])));
      const document = await verifyContent('html', content);
      const details = { content, joinedLines: [...joined], document: summary(document) };
      check(document.blocks.length >= (twice ? 2 : 1), 'every BEGIN line is found, joined or not', details);
      for (const read of document.blocks.filter((b) => b.status === 'ok')) {
        for (let line = read.startLine; line <= read.endLine; line++) check(!joined.has(line), 'no block holding a decoded line break is read', details);
      }
      if (insertion) for (const verified of verifiedSignatures(document)) check(!verified.signedText!.includes(insertion.marker), 'the joined-in line is never signed text', details);
    },
  );
  return runProperty('html-encoded-breaks-never-verify', property, options);
};

// ---------------------------------------------------------------------------------------------
// 10. Front matter is refused by its limit or parsed (R-08)
// ---------------------------------------------------------------------------------------------

/** YAML front matter shapes of about `size` characters: what yaml is slow or deep on, and plain ones. */
export const FRONT_MATTER_SHAPES: Record<string, (size: number) => string> = {
  'flat-keys': (size) => repeatTo(size, (i) => `k${i}: v${i}\n`),
  list: (size) => `x:\n${repeatTo(size, (i) => `  - v${i}\n`)}`,
  'flow-map': (size) => `x: {${repeatTo(size, (i) => `k${i}: ${i}, `)}end: 1}\n`,
  nested: (size) => `x: ${'['.repeat(Math.floor(size / 2))}${']'.repeat(Math.floor(size / 2))}\n`,
  aliases: (size) => `a: &a [1, 2]\n${repeatTo(size, (i) => `b${i}: *a\n`)}`,
  'long-string': (size) => `title: "${'x'.repeat(size)}"\n`,
};

function repeatTo(size: number, unit: (index: number) => string): string {
  const parts: string[] = [];
  let length = 0;
  for (let index = 0; length < size; index++) {
    const part = unit(index);
    parts.push(part);
    length += part.length;
  }
  return parts.join('');
}

/**
 * Front matter of any size and shape, against caps small and the default: over the cap it is
 * refused by the named limit (the document unreadable, its message naming the option), at or
 * under it it is parsed (a mapping, or no front matter for nesting yaml cannot take), never a
 * throw. How parse work grows with size is measured by `npm run fuzz`, not here.
 */
export const frontMatterCappedOrParsed: Property = async (options) => {
  // Shapes yaml reads as a mapping at any size (nesting past MAX_FRONT_MATTER_DEPTH is none, aliases past ten are refused).
  const MAPPINGS = new Set(['flat-keys', 'list', 'flow-map', 'long-string']);
  const size = fc.oneof(
    fc.double({ min: 0.01, max: 4, noNaN: true }).map((scale) => ({ scale, offset: null })),
    // The boundary: one under the cap, at it, one over (the shape cut there, so maybe not YAML).
    fc.constantFrom(-1, 0, 1).map((offset) => ({ scale: 1.1, offset })),
  );
  const property = fc.asyncProperty(fc.constantFrom(...Object.keys(FRONT_MATTER_SHAPES)), fc.constantFrom(256, 2048, DEFAULT_LIMITS.maxFrontMatterChars), size, fc.constantFrom('\n', '\r\n'), async (shape, cap, { scale, offset }, lineEnd) => {
    const limits = { ...DEFAULT_LIMITS, maxFrontMatterChars: cap };
    const whole = FRONT_MATTER_SHAPES[shape]!(Math.ceil(cap * scale))
      .replace(/\n$/, '')
      .replace(/\n/g, lineEnd);
    // A cut never ends in a line break, which would end the front matter early.
    const body = offset === null ? whole : whole.slice(0, cap + offset).replace(/\s$/, 'z');
    const text = `---${lineEnd}${body}${lineEnd}---${lineEnd}${lineEnd}Some words.${lineEnd}`;
    const result = readFrontMatter(text, limits);
    const extracted = extractDocument(decodeDocument('post.md', new TextEncoder().encode(text)), limits);
    const details = { shape, cap, length: body.length, result: result.ok ? (result.data === null ? 'no front matter' : 'parsed') : result.reason };
    if (body.length > cap) {
      check(!result.ok && result.reason.code === 'input-too-large', 'front matter over the cap is refused by its limit', details);
      check(!extracted.ok && extracted.reason.code === 'input-too-large' && extracted.reason.message.includes('--max-front-matter-chars'), 'the document says which limit refused it', details);
    } else {
      check(result.ok, 'front matter at or under the cap is read', details);
      check(extracted.ok, 'a document with front matter under the cap is read', details);
      if (offset === null && MAPPINGS.has(shape)) check(result.data !== null, 'front matter of a plain shape parses to a mapping', details);
    }
  });
  return runProperty('front-matter-capped-or-parsed', property, options);
};

/** Every property, in the order the tests and the fuzz script run them. */
export const PROPERTIES: { name: string; run: Property }[] = [
  { name: 'extraction-never-throws', run: extractionNeverThrows },
  { name: 'outside-text-never-signed', run: outsideTextNeverSigned },
  { name: 'text-changes-break-verification', run: textChangesBreakVerification },
  { name: 'renderings-round-trip', run: renderingsRoundTrip },
  { name: 'split-renderings-never-verify', run: splitRenderingsNeverVerify },
  { name: 'parse-block-never-throws', run: parseBlockNeverThrows },
  { name: 'block-text-is-signed-text', run: blockTextIsSignedText },
  { name: 'extraction-scales-linearly', run: extractionScalesLinearly },
  { name: 'html-encoded-breaks-never-verify', run: htmlEncodedBreaksNeverVerify },
  { name: 'front-matter-capped-or-parsed', run: frontMatterCappedOrParsed },
];
