import { escapeText } from './escape.js';
import type { Manifest } from './manifest.js';
import { summaryLine } from './render-human.js';
import { describeProblem, escapeMarkdown, listProblems, renderSignatureTable, verdictOf, type Problem } from './render-markdown.js';

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

/** `--format github`: one `::error` or `::warning` workflow command per problem, nothing else. */
export function renderGithub(manifest: Manifest): string {
  return listProblems(manifest)
    .map((problem) => `${annotation(problem)}\n`)
    .join('');
}

/** Markdown for `$GITHUB_STEP_SUMMARY`: verdict, counts and the signature table. */
export function renderGithubStepSummary(manifest: Manifest): string {
  return [`### ${verdictOf(manifest)}`, escapeMarkdown(summaryLine(manifest)), renderSignatureTable(manifest)].join('\n\n');
}
