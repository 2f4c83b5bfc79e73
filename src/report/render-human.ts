import { thresholdSummary } from '../verify/threshold.js';
import { escapeText, groupFingerprint, previewText } from './escape.js';
import type { Manifest, ManifestBlock, ManifestDocument, ManifestSignature, SignatureClaims } from './manifest.js';
import { hintFor, NOT_SIGNED_TEXT, RENDERING_TEXT, WARNING_TEXT } from './messages.js';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The styles the report uses: a chalk instance is one (the CLI's, by the terminal, NO_COLOR and --color). */
export type Colours = Record<'bold' | 'dim' | 'green' | 'red' | 'yellow', (text: string) => string>;
const same = (text: string) => text;
/** No colour: the library's default. */
const PLAIN: Colours = { bold: same, dim: same, green: same, red: same, yellow: same };

/** The report's width when the terminal does not say (a pipe, a CI log). */
export const DEFAULT_WIDTH = 80;

/**
 * Breaks already-escaped text into lines of at most `width` characters after `indent`, at spaces
 * where it can and inside a word only when a word alone is too long. Nothing is dropped.
 */
export function wrapLines(text: string, indent: string, width: number, continuation = indent): string[] {
  const room = () => Math.max(20, width - (lines.length ? continuation : indent).length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while ((line ? line.length + 1 : 0) + rest.length > room()) {
      if (line) {
        lines.push(line);
        line = '';
        continue;
      }
      const cut = room();
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = line ? `${line} ${rest}` : rest;
  }
  lines.push(line);
  return lines.map((part, index) => (index ? continuation : indent) + part);
}

function blockHeading(block: ManifestBlock<unknown>, colour: Colours): string {
  const undone = block.rendering.length ? ` · undone: ${block.rendering.map((r) => RENDERING_TEXT[r]).join(', ')}` : '';
  const status = block.status === 'ok' ? '' : ` · ${colour.red('malformed')}`;
  if (block.form === 'detached') return `  detached signature ${escapeText(block.signatureFile ?? '')}${status}`;
  const what = block.form === 'inline' ? 'inline-signed message' : 'block';
  return `  ${what}, lines ${block.startLine}–${block.endLine}${undone}${status}`;
}

function documentHeading(document: ManifestDocument<unknown>, colour: Colours): string {
  const status =
    document.status === 'signed'
      ? plural(document.blocks.length, 'block')
      : document.status === 'not-signed' && document.findings?.length
        ? colour.red(plural(document.findings.length, 'repository finding'))
        : colour.red(document.status === 'not-signed' ? `not signed: ${NOT_SIGNED_TEXT}` : `unreadable: ${document.error?.message ?? ''}`);
  return `${colour.bold(escapeText(document.path))}  ${status}`;
}

/** "reason: …", "hint: …": the label coloured, the text wrapped under it at the width. */
function labelled(label: string, text: string, paint: (text: string) => string, width: number): string[] {
  const [first = '', ...more] = wrapLines(`${label} ${text}`, '      ', width, '        ');
  return [first.replace(label, paint(label)), ...more];
}

function renderSignature(signature: ManifestSignature, colour: Colours, width: number): string[] {
  const ok = signature.status === 'verified';
  const mark = ok ? colour.green('✓') : colour.red('✗');
  // A user ID is shown only where the key vouched for this signature; otherwise the issuer it claims.
  const claimed = signature.warnings.includes('unverified-claim') ? ' (unverified claim)' : '';
  const who = signature.userIDs.length ? escapeText(signature.userIDs[0]!) + claimed : ok ? '(key without user ID)' : `issuer key ID ${signature.issuerKeyID}`;
  const lines = [`    ${mark} ${ok ? colour.green(signature.status) : colour.red(signature.status)}  ${who}`];
  if (signature.primaryKeyFingerprint) {
    const via = signature.keySource ? ` (from ${escapeText(signature.keySource)})` : '';
    lines.push(`      key ${groupFingerprint(signature.primaryKeyFingerprint)}${via}`);
  }
  lines.push(`      ${signature.publicKeyAlgorithm} · ${signature.hashAlgorithm} · signed ${signature.created}`);
  if (signature.reason) lines.push(...labelled('reason:', `${escapeText(signature.reason.message)} [${signature.reason.code}]`, colour.red, width));
  const hint = hintFor(signature);
  if (hint) lines.push(...labelled('hint:', hint, colour.dim, width));
  for (const warning of signature.warnings) lines.push(...labelled('warning:', `${WARNING_TEXT[warning]} [${warning}]`, colour.yellow, width));
  return lines;
}

function renderBlockBody(block: ManifestBlock<unknown>, colour: Colours): string[] {
  if (block.error) return [`    ${colour.red('✗')} ${escapeText(block.error.message)} [${block.error.code}]`];
  return block.signedText === null ? [] : [`    signed text: "${previewText(block.signedText)}"`];
}

/** The whole signed text, as `sq verify` shows it: every line, escaped, wrapped to the width. */
function signedTextLines(block: ManifestBlock<unknown>, width: number): string[] {
  if (block.error || block.signedText === null) return [];
  // A soft wrap is marked ┆ so it is never mistaken for a line break of the signed text.
  return ['    signed text:', ...block.signedText.split('\n').flatMap((line) => wrapLines(escapeText(line), '      │ ', width, '      ┆ '))];
}

export function summaryLine(manifest: Pick<Manifest, 'summary'>): string {
  const { summary } = manifest;
  const parts = [plural(summary.documents, 'document'), plural(summary.blocks, 'block'), `${plural(summary.signatures, 'signature')}: ${summary.verified} verified, ${summary.failed} not verified`];
  if (summary.malformedBlocks) parts.push(`${summary.malformedBlocks} malformed`);
  if (summary.unsignedDocuments) parts.push(`${summary.unsignedDocuments} not signed`);
  if (summary.unreadableDocuments) parts.push(`${summary.unreadableDocuments} unreadable`);
  return [...parts, ...skippedParts(summary)].join(' · ');
}

/** What was met but not judged: a walk's files that are not text, --signed-only's unsigned documents. */
export function skippedParts(summary: Manifest['summary']): string[] {
  return [...(summary.skippedDocuments ? [`${summary.skippedDocuments} skipped (not text)`] : []), ...(summary.passedOverDocuments ? [`passed over ${plural(summary.passedOverDocuments, 'unsigned document')}`] : [])];
}

/** The default report: per document and block, each signature with its verdict, then a summary. */
export function renderHuman(manifest: Manifest, colour: Colours = PLAIN, width = DEFAULT_WIDTH): string {
  return manifest.documents.map((document) => renderHumanDocument(document, colour, width)).join('') + renderHumanTail(manifest, colour);
}

/** One document of the report, written as soon as it is verified; `width`: the terminal's columns. */
export function renderHumanDocument(document: ManifestDocument, colour: Colours = PLAIN, width = DEFAULT_WIDTH): string {
  const lines = [documentHeading(document, colour)];
  for (const block of document.blocks) {
    // Highlighting was undone: the page's own stylesheet (classes) may show its text otherwise.
    const note = block.rendering.includes('html-highlighting') ? labelled('note:', "the page's stylesheet decides what readers see of highlighted text: read the signed text shown here", colour.dim, width) : [];
    lines.push(blockHeading(block, colour), ...note, ...(block.error ? renderBlockBody(block, colour) : signedTextLines(block, width)));
    for (const signature of block.signatures) lines.push(...renderSignature(signature, colour, width));
  }
  lines.push(...thresholdLines(document, colour));
  for (const finding of document.findings ?? []) {
    const mark = finding.severity === 'error' ? colour.red('✗') : colour.yellow('!');
    const where = finding.line ? ` (line ${finding.line})` : '';
    lines.push(`  ${mark} ${finding.severity === 'error' ? colour.red(finding.code) : colour.yellow(finding.code)}${where}: ${escapeText(finding.message)}`);
  }
  lines.push('');
  return lines.join('\n') + '\n';
}

/** "✓ 2 of 2 required signers"; a shortfall is said once, by its too-few-signatures finding. */
function thresholdLines(document: ManifestDocument, colour: Colours): string[] {
  const record = document.threshold;
  if (!record || document.findings?.some((finding) => finding.code === 'too-few-signatures')) return [];
  const uncounted = record.notAllowed.length ? ` (not on the signer list, not counted: ${record.notAllowed.join(', ')})` : '';
  return [`  ${record.met ? colour.green('✓') : colour.red('✗')} ${thresholdSummary(record)}${uncounted}`];
}

/** The closing lines: totals, and which hosts were asked. */
export function renderHumanTail(tail: Pick<Manifest, 'summary' | 'lookups'>, colour: Colours = PLAIN): string {
  const lines = [summaryLine(tail)];
  if (tail.lookups.length) lines.push(lookupLine(tail));
  if (tail.summary.verified === 0 && tail.summary.signatures > 0) lines.push(colour.red('no signature verified'));
  return lines.join('\n') + '\n';
}

/** Which hosts learnt what was being checked: the user should always see it. */
function lookupLine(manifest: Pick<Manifest, 'lookups'>): string {
  const hosts = new Set(manifest.lookups.flatMap((lookup) => lookup.urls.map((url) => new URL(url).host)));
  return `network: ${plural(manifest.lookups.length, 'lookup')} to ${[...hosts].map(escapeText).join(', ') || 'no host'} (see "lookups" in --json)`;
}

/** `pledge inspect`: what each block claims, nothing verified. */
export function renderInspect(documents: ManifestDocument<SignatureClaims>[], colour: Colours = PLAIN): string {
  const lines: string[] = [];
  for (const document of documents) {
    lines.push(documentHeading(document, colour));
    for (const block of document.blocks) {
      lines.push(blockHeading(block, colour), ...renderBlockBody(block, colour));
      if (block.signedText !== null) {
        lines.push('    signed text, exactly:');
        for (const line of block.signedText.split('\n')) lines.push(`      │ ${escapeText(line)}`);
      }
      for (const signature of block.signatures) {
        const fingerprint = signature.issuerFingerprint ? ` · issuer fingerprint ${groupFingerprint(signature.issuerFingerprint)}` : '';
        lines.push(`    signature: issuer key ID ${signature.issuerKeyID}${fingerprint}`);
        lines.push(`      ${signature.publicKeyAlgorithm} · ${signature.hashAlgorithm} · created ${signature.created} · not verified (inspect does not verify)`);
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}
