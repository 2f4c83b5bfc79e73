import { escapeText } from './escape.js';
import type { Manifest } from './manifest.js';
import { summaryLine } from './render-human.js';
import { describeProblem, escapeMarkdown, listProblems, signatureTableRows, TABLE_HEAD, verdictOf, type Problem } from './render-markdown.js';

/** A workflow command's message, escaped as `@actions/core` does: the runner decodes these three. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: also `:` and `,`, which would end the value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * The runner only starts a command at the beginning of a line, and escapeData leaves no line
 * break, so `::` in a message is already inert; breaking it anyway keeps document text from ever
 * reading as a command, should the message be echoed or pasted elsewhere.
 */
function breakCommandMarkers(text: string): string {
  return text.replace(/::/g, ':\\x3A');
}

/**
 * A message pledge prints itself (stderr) in a `--format github` run: it may quote the pull
 * request (a config key, a JSON snippet), so it gets an annotation's escaping and stays one line.
 */
export function escapeLogMessage(text: string): string {
  return escapeData(breakCommandMarkers(text.split('\n').map(escapeText).join('\n')));
}

function annotation(problem: Problem): string {
  const properties = [`file=${escapeProperty(escapeText(problem.path))}`];
  if (problem.startLine !== null) properties.push(`line=${problem.startLine}`);
  if (problem.endLine !== null) properties.push(`endLine=${problem.endLine}`);
  properties.push(`title=${escapeProperty(`pledge: ${problem.title}`)}`);
  // Each line is escaped on its own, so the only line breaks left are ours, encoded as %0A.
  const message = describeProblem(problem).map(escapeText).join('\n');
  return `::${problem.severity} ${properties.join(',')}::${escapeData(breakCommandMarkers(message))}`;
}

/**
 * GitHub shows 10 error and 10 warning annotations per step (and 50 per job) and drops the rest
 * without a word; a step summary over 1 MiB is refused whole.
 */
export const ANNOTATIONS_PER_SEVERITY = 10;
export const STEP_SUMMARY_BYTES = 1024 * 1024;

const SEVERITIES = ['error', 'warning'] as const;
const plural = (count: number, word: string) => `${count} more ${word}${count === 1 ? '' : 's'}`;

/** A problem GitHub would not annotate: a plain log line (escaped as a message, so never a command). */
function logLines(problem: Problem): string {
  const where = problem.startLine === null ? problem.path : `${problem.path}:${problem.startLine}`;
  const [first, ...rest] = describeProblem(problem);
  return [`pledge: ${problem.severity}: ${where}: ${problem.title}: ${first}`, ...rest.map((line) => `  ${line}`)].map((line) => `${escapeLogMessage(line)}\n`).join('');
}

/**
 * `--format github`: one `::error` or `::warning` workflow command per problem. Past GitHub's 10
 * of a severity, the 10th says "and N more", and those are plain log lines after the annotations.
 */
export function renderGithub(manifest: Manifest): string {
  const problems = listProblems(manifest);
  const total = { error: 0, warning: 0 };
  for (const problem of problems) total[problem.severity]++;
  const room = { error: 0, warning: 0 };
  for (const severity of SEVERITIES) room[severity] = total[severity] > ANNOTATIONS_PER_SEVERITY ? ANNOTATIONS_PER_SEVERITY - 1 : ANNOTATIONS_PER_SEVERITY;
  const annotated: Problem[] = [];
  const logged: Problem[] = [];
  for (const problem of problems) (room[problem.severity]-- > 0 ? annotated : logged).push(problem);
  const more = SEVERITIES.filter((severity) => total[severity] > ANNOTATIONS_PER_SEVERITY).map((severity) => {
    const count = total[severity] - (ANNOTATIONS_PER_SEVERITY - 1);
    return `::${severity} title=${escapeProperty(`pledge: and ${plural(count, severity)}`)}::${escapeData(`GitHub shows ${ANNOTATIONS_PER_SEVERITY} ${severity} annotations per step: the other ${count} are in this step's log, after this one, and in the step summary.`)}\n`;
  });
  return [...annotated.map((problem) => `${annotation(problem)}\n`), ...more, ...logged.map(logLines)].join('');
}

/**
 * Markdown for `$GITHUB_STEP_SUMMARY`: verdict, counts and the signature table, within `limit`
 * bytes. A table too long for it keeps its problem rows first, then says how many rows it left out.
 */
export function renderGithubStepSummary(manifest: Manifest, limit = STEP_SUMMARY_BYTES): string {
  const head = [`### ${verdictOf(manifest)}`, escapeMarkdown(summaryLine(manifest)), TABLE_HEAD].join('\n\n');
  const rows = signatureTableRows(manifest);
  const whole = [head, ...rows.map((row) => row.line)].join('\n') + '\n';
  if (Buffer.byteLength(whole) <= limit) return whole;
  const ordered = [...rows.filter((row) => row.problem), ...rows.filter((row) => !row.problem)];
  // Room for the closing line, whatever its numbers.
  let budget = limit - Buffer.byteLength(head) - 300;
  const kept: string[] = [];
  for (const row of ordered) {
    budget -= Buffer.byteLength(row.line) + 1;
    if (budget < 0) break;
    kept.push(row.line);
  }
  const left = ordered.slice(kept.length);
  const verified = left.filter((row) => !row.problem).length;
  const closing = `and ${left.length} more rows (${verified} verified, ${left.length - verified} with a problem) not shown: a step summary holds 1 MiB. The run's manifest lists every one.`;
  return [head, ...kept].join('\n') + `\n\n${closing}\n`;
}
