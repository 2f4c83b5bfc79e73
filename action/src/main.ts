// The GitHub Action: `pledge verify` run in-process by the runner's own Node, from one bundled
// file (action/dist/index.cjs, built by scripts/build-action.mjs), so a job installs nothing.
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { quote } from 'shlex';
import { main } from '../../src/cli/main.js';
import type { DocumentVerdict, Manifest } from '../../src/report/manifest.js';
import { escapeLogMessage } from '../../src/report/render-github.js';
import { manifestPath, verifyArguments } from './inputs.js';

/** One output in $GITHUB_OUTPUT, in the delimited form, so no value can add another output. */
function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT;
  if (!file) return;
  const delimiter = `ghadelimiter_${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/** Signer files by verdict: what a later step of the job can test. */
function writeOutputs(path: string): void {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return; // pledge stopped before writing it (a usage error): it has said why.
  }
  const count = (...verdicts: DocumentVerdict[]) => String(manifest.documents.filter((document) => verdicts.includes(document.verdict!)).length);
  setOutput('manifest', path);
  setOutput('verified', count('verified'));
  setOutput('failed', count('failed', 'not-signed'));
  setOutput('unchecked', count('could-not-check'));
}

async function runAction(): Promise<void> {
  let args: string[];
  try {
    args = verifyArguments(process.env);
  } catch (error) {
    process.stdout.write(`::error title=pledge::input args: ${escapeLogMessage((error as Error).message)}\n`);
    process.exitCode = 2;
    return;
  }
  const manifest = manifestPath(process.env);
  rmSync(manifest, { force: true }); // never report an earlier step's manifest
  // The exact arguments pledge gets; an expression in `args` may carry a pull request's text.
  process.stdout.write(`${escapeLogMessage(`pledge ${args.map((arg) => quote(arg)).join(' ')}`)}\n`);
  await main(['node', 'pledge', ...args]);
  writeOutputs(manifest);
}

void runAction();
