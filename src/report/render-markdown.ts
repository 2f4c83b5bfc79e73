import { OUTCOME_CLASS_FOR, type Finding } from '../core/reasons.js';
import { escapeText, groupFingerprint, previewText } from './escape.js';
import type { Manifest, ManifestBlock, ManifestDocument, ManifestSignature } from './manifest.js';
import { hintFor, NOT_SIGNED_TEXT, WARNING_TEXT } from './messages.js';
import { summaryLine } from './render-human.js';

/**
 * The problems of a run, in one shape for every CI renderer (GitHub annotations, JUnit, this
 * pull-request comment). Text fields are raw: each renderer escapes them for its own syntax.
 */
export interface Problem {
  severity: 'error' | 'warning';
  path: string;
  startLine: number | null;
  endLine: number | null;
  /** What went wrong, as a stable code: a status, `malformed`, a warning or finding code. */
  title: string;
  /** Untrusted: reason messages come from the document, the key or openpgp.js. */
  detail: string;
  code: string | null;
  hint: string | null;
  signer: string | null;
  /** Shown next to a user ID, because a user ID is only the key's own claim. */
  key: string | null;
  signedText: string | null;
  /** pledge could not check (a key server down, an unreadable file): a JUnit error, not a failure. */
  indeterminate: boolean;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** "31–46", or "12" for a one-line range; "—" when there is no line. */
export function lineRange(startLine: number | null, endLine: number | null): string {
  if (startLine === null) return '—';
  return endLine === null || endLine === startLine ? `${startLine}` : `${startLine}–${endLine}`;
}

/** The user ID, or the fingerprint when the key has none or was not found. */
export function signerOf(signature: ManifestSignature): string {
  if (signature.userIDs.length) return signature.userIDs[0]!;
  const fingerprint = signature.primaryKeyFingerprint ?? signature.issuerFingerprint;
  return fingerprint ? groupFingerprint(fingerprint) : `key ID ${signature.issuerKeyID}`;
}

/** Where a block is shown: its lines in the document, or a detached signature's own file (issue 14), which an annotation points at. */
export function blockPlace(path: string, block: ManifestBlock | null): { path: string; startLine: number | null; endLine: number | null; where: string } {
  if (block?.form === 'detached') return { path: block.signatureFile ?? path, startLine: null, endLine: null, where: `detached signature ${block.signatureFile ?? ''}` };
  return { path, startLine: block?.startLine ?? null, endLine: block?.endLine ?? null, where: `lines ${lineRange(block?.startLine ?? null, block?.endLine ?? null)}` };
}

const problemAt = (path: string, block: ManifestBlock | null) => ({
  ...blockPlace(path, block),
  hint: null,
  signer: null,
  key: null,
  signedText: null,
  indeterminate: false,
});

function aboutSignature(signature: ManifestSignature, block: ManifestBlock) {
  return {
    signer: signerOf(signature),
    key: signature.userIDs.length ? signature.primaryKeyFingerprint : null,
    signedText: block.signedText,
  };
}

export function documentFailure(document: ManifestDocument): Problem | null {
  // A file that is there only for its repository findings (deleted, protected, unmatched) is described by them.
  if (document.status === 'signed' || (document.status === 'not-signed' && document.findings?.length)) return null;
  const base = problemAt(document.path, null);
  if (document.status === 'not-signed') {
    return { ...base, severity: 'error', title: 'not-signed', detail: NOT_SIGNED_TEXT, code: null };
  }
  const detail = document.error?.message ?? 'the document could not be read';
  return { ...base, severity: 'error', title: 'unreadable', detail, code: document.error?.code ?? null, indeterminate: true };
}

export function blockFailure(path: string, block: ManifestBlock): Problem | null {
  if (block.status === 'ok') return null;
  const detail = block.error?.message ?? 'the block is not a valid cleartext-signed message';
  return { ...problemAt(path, block), severity: 'error', title: 'malformed', detail, code: block.error?.code ?? null };
}

export function signatureFailure(path: string, block: ManifestBlock, signature: ManifestSignature): Problem | null {
  if (signature.status === 'verified') return null;
  return {
    ...problemAt(path, block),
    ...aboutSignature(signature, block),
    severity: 'error',
    title: signature.status,
    detail: signature.reason?.message ?? signature.status,
    code: signature.reason?.code ?? null,
    hint: hintFor(signature),
    indeterminate: OUTCOME_CLASS_FOR[signature.status] === 'indeterminate',
  };
}

export function signatureWarnings(path: string, block: ManifestBlock, signature: ManifestSignature): Problem[] {
  return signature.warnings.map((warning) => ({
    ...problemAt(path, block),
    ...aboutSignature(signature, block),
    severity: 'warning',
    title: warning,
    detail: WARNING_TEXT[warning],
    code: null,
  }));
}

export function findingProblem(path: string, finding: Finding): Problem {
  const line = finding.line ?? null;
  return { ...problemAt(path, null), startLine: line, endLine: line, severity: finding.severity, title: finding.code, detail: finding.message, code: null };
}

/** Every problem of the run, in document order: one per failure, malformed block, warning or finding. */
export function listProblems(manifest: Manifest): Problem[] {
  const problems: Problem[] = [];
  const add = (problem: Problem | null) => problem && problems.push(problem);
  for (const document of manifest.documents) {
    add(documentFailure(document));
    for (const block of document.blocks) {
      add(blockFailure(document.path, block));
      for (const signature of block.signatures) {
        add(signatureFailure(document.path, block, signature));
        problems.push(...signatureWarnings(document.path, block, signature));
      }
    }
    for (const finding of document.findings ?? []) problems.push(findingProblem(document.path, finding));
  }
  return problems;
}

/** The raw lines that explain a problem; the first one stands alone as a one-line message. */
export function describeProblem(problem: Problem): string[] {
  const lines = [problem.code ? `${problem.detail} [${problem.code}]` : problem.detail];
  if (problem.signer !== null) lines.push(`signer: ${problem.signer}`);
  if (problem.key !== null) lines.push(`key: ${groupFingerprint(problem.key)}`);
  if (problem.signedText !== null) lines.push(`signed text: "${previewText(problem.signedText)}"`);
  if (problem.hint !== null) lines.push(`hint: ${problem.hint}`);
  return lines;
}

/**
 * GitHub's autolinker turns `scheme://…` and `www.…` into links on its own, escapes or not: they
 * are defanged as `https[:]//…` and `www[.]…`, still readable, and the brackets are escaped next.
 * An e-mail address is left alone: a mailto: link opens nothing, and user IDs hold one as a rule.
 */
function breakAutolinks(text: string): string {
  return text.replace(/:(?=\/\/)/g, '[:]').replace(/(?<![\w.-])www\./gi, (www) => `${www.slice(0, 3)}[.]`);
}

/**
 * Untrusted text as literal Markdown, for a table cell or a list item. Control characters become
 * visible escapes (so no newline ends a row); `|` cannot split a cell; backslash escapes stop
 * code spans, emphasis, links and images (`![](…)` would load a tracking pixel) and `$` math;
 * `&`, `<`, `>` become entities, so neither HTML nor an entity such as `&#x202E;` gets through;
 * URLs cannot autolink.
 */
export function escapeMarkdown(text: string): string {
  return (
    breakAutolinks(escapeText(text))
      .replace(/[\\`*_[\]|~$]/g, '\\$&')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // A zero-width space after "@" stops GitHub from notifying @user or @org/team, as Dependabot does.
      .replace(/(^|[^\w])@(?=[\w-])/g, '$1@&#8203;')
  );
}

const TABLE_HEADER = ['Document', 'Lines', 'Signer', 'Status', 'Reason'];

function tableRow(cells: string[]): string {
  return `| ${cells.map(escapeMarkdown).join(' | ')} |`;
}

function signatureRow(path: string, block: ManifestBlock, signature: ManifestSignature): string[] {
  const verified = signature.status === 'verified';
  const reasons = signature.reason ? [`${signature.reason.message} [${signature.reason.code}]`] : [];
  for (const warning of signature.warnings) reasons.push(`⚠️ ${WARNING_TEXT[warning]} [${warning}]`);
  const lines = block.form === 'detached' ? blockPlace(path, block).where : lineRange(block.startLine, block.endLine);
  return [path, lines, signerOf(signature), `${verified ? '✅' : '❌'} ${signature.status}`, reasons.join('; ') || '—'];
}

/** A row for an outcome with no signature: the document, a malformed block or a finding. */
function problemRow(problem: Problem): string[] {
  const mark = problem.severity === 'error' ? '❌' : '⚠️';
  return [problem.path, lineRange(problem.startLine, problem.endLine), '—', `${mark} ${problem.title}`, describeProblem(problem)[0]!];
}

/** A row of the signature table, as Markdown, and whether it reports something wrong. */
export interface TableRow {
  line: string;
  problem: boolean;
}

/**
 * The rows of the signature table: one per signature, plus one per malformed block, not-signed
 * or unreadable document and finding.
 */
export function signatureTableRows(manifest: Manifest): TableRow[] {
  const rows: TableRow[] = [];
  const add = (cells: string[], problem: boolean) => rows.push({ line: tableRow(cells), problem });
  for (const document of manifest.documents) {
    const failure = documentFailure(document);
    if (failure) add(problemRow(failure), true);
    for (const block of document.blocks) {
      const malformed = blockFailure(document.path, block);
      if (malformed) add(problemRow(malformed), true);
      for (const signature of block.signatures) add(signatureRow(document.path, block, signature), signature.status !== 'verified' || signature.warnings.length > 0);
    }
    for (const finding of document.findings ?? []) add(problemRow(findingProblem(document.path, finding)), true);
  }
  return rows;
}

/** The table's header and rule lines. */
export const TABLE_HEAD = `${tableRow(TABLE_HEADER)}\n|${TABLE_HEADER.map(() => '---').join('|')}|`;

/** The signature table of the pull-request comment and of `$GITHUB_STEP_SUMMARY`. */
export function renderSignatureTable(manifest: Manifest): string {
  return [TABLE_HEAD, ...signatureTableRows(manifest).map((row) => row.line)].join('\n') + '\n';
}

/** ✅ only when the exit code would be 0: something verified and no error of any kind. */
export function verdictOf(manifest: Manifest): string {
  const errors = listProblems(manifest).filter((problem) => problem.severity === 'error').length;
  if (errors === 0 && manifest.summary.verified > 0) return `✅ pledge: ${plural(manifest.summary.verified, 'signature')} verified`;
  return errors ? `❌ pledge: ${plural(errors, 'problem')}` : '❌ pledge: no verified signature';
}

function problemItem(problem: Problem): string {
  const [first, ...rest] = describeProblem(problem).map(escapeMarkdown);
  const mark = problem.severity === 'error' ? '❌' : '⚠️';
  const range = lineRange(problem.startLine, problem.endLine);
  const lines = problem.startLine === null ? '' : `, ${range.includes('–') ? 'lines' : 'line'} ${range}`;
  const head = `- ${mark} **${escapeMarkdown(problem.title)}** in ${escapeMarkdown(problem.path)}${lines}: ${first}`;
  return [head, ...rest.map((line) => `  - ${line}`)].join('\n');
}

/** A pull-request comment: verdict, counts, the signature table, then each problem with its hint. */
export function renderMarkdown(manifest: Manifest): string {
  const parts = [`## ${verdictOf(manifest)}`, escapeMarkdown(summaryLine(manifest)), renderSignatureTable(manifest).trimEnd()];
  const problems = listProblems(manifest);
  if (problems.length) parts.push('### Problems', problems.map(problemItem).join('\n'));
  return parts.join('\n\n') + '\n';
}
