import { escapeText } from './escape.js';
import type { Manifest, ManifestDocument } from './manifest.js';
import { blockFailure, describeProblem, documentFailure, findingProblem, blockPlace, signatureFailure, signatureWarnings, signerOf, type Problem } from './render-markdown.js';

/** Anything XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF, lone surrogates). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** One line of untrusted text as XML character data: visible escapes, then entities. */
function xmlText(text: string): string {
  return escapeText(text)
    .replace(NOT_XML, (character) => `\\u${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function xmlAttribute(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function attributes(pairs: Record<string, string | number | null>): string {
  return Object.entries(pairs)
    .filter(([, value]) => value !== null)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join('');
}

interface Testcase {
  name: string;
  path: string;
  line: number | null;
  failure: Problem | null;
  warnings: Problem[];
}

function testcasesOf(document: ManifestDocument): Testcase[] {
  const { path } = document;
  const testcase = (name: string, failure: Problem | null, line: number | null = null, warnings: Problem[] = []) => ({ name, path, line, failure, warnings });
  const testcases: Testcase[] = [];
  const failure = documentFailure(document);
  if (failure) testcases.push(testcase(failure.title === 'unreadable' ? 'document is readable' : 'document is signed', failure));
  for (const block of document.blocks) {
    const { where, startLine } = blockPlace(path, block);
    const malformed = blockFailure(path, block);
    const what = block.form === 'detached' ? 'signature file' : block.form === 'inline' ? 'inline-signed message' : 'cleartext-signed block';
    if (malformed) testcases.push(testcase(`${where} · ${what}`, malformed, startLine));
    for (const signature of block.signatures) {
      const name = `${where} · ${signerOf(signature)}`;
      testcases.push(testcase(name, signatureFailure(path, block, signature), startLine, signatureWarnings(path, block, signature)));
    }
  }
  for (const finding of document.findings ?? []) {
    if (finding.severity === 'error') testcases.push(testcase(finding.code, findingProblem(path, finding), finding.line ?? null));
  }
  return testcases;
}

/** A not-checked outcome (key server down, file unreadable) is a JUnit error, not a failure. */
const elementFor = (failure: Problem) => (failure.indeterminate ? 'error' : 'failure');

function renderTestcase(testcase: Testcase): string[] {
  const open = `    <testcase${attributes({ classname: testcase.path, name: testcase.name, file: testcase.path, line: testcase.line })}`;
  const { failure, warnings } = testcase;
  if (!failure && !warnings.length) return [`${open}/>`];
  const lines = [`${open}>`];
  if (failure) {
    const description = describeProblem(failure);
    const element = elementFor(failure);
    lines.push(`      <${element}${attributes({ message: description[0]!, type: failure.title })}>${description.map(xmlText).join('\n')}</${element}>`);
  }
  const notes = warnings.map((warning) => `warning: ${warning.detail} [${warning.title}]`);
  lines.push(...systemOut('      ', notes), '    </testcase>');
  return lines;
}

/** Warnings as the <system-out> of a testcase or testsuite, one escaped line each; none: no element. */
function systemOut(indent: string, warnings: string[]): string[] {
  return warnings.length ? [`${indent}<system-out>${warnings.map(xmlText).join('\n')}</system-out>`] : [];
}

function count(testcases: Testcase[]) {
  const failing = testcases.flatMap((testcase) => (testcase.failure ? [elementFor(testcase.failure)] : []));
  return { tests: testcases.length, failures: failing.filter((element) => element === 'failure').length, errors: failing.filter((element) => element === 'error').length };
}

function renderTestsuite(document: ManifestDocument, testcases: Testcase[]): string[] {
  const warnings = (document.findings ?? []).filter((finding) => finding.severity === 'warning');
  const lines = [`  <testsuite${attributes({ name: document.path, ...count(testcases) })}>`, ...testcases.flatMap(renderTestcase)];
  const notes = warnings.map((finding) => `warning: ${finding.message} [${finding.code}]`);
  lines.push(...systemOut('    ', notes), '  </testsuite>');
  return lines;
}

/** JUnit XML: a testsuite per document, a testcase per signature or problem; no timestamps. */
export function renderJunit(manifest: Manifest): string {
  const suites = manifest.documents.map((document) => ({ document, testcases: testcasesOf(document) }));
  const totals = count(suites.flatMap((suite) => suite.testcases));
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attributes({ name: 'pledge', ...totals })}>`, ...suites.flatMap((suite) => renderTestsuite(suite.document, suite.testcases)), '</testsuites>', ''].join('\n');
}
