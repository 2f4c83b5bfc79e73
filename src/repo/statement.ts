import type { Reason, SignatureReasonCode } from '../core/reasons.js';
import type { StatementRule } from './load-config.js';

/** What the cleartext framework ignores, and nothing more: trailing spaces and tabs, CR, one final newline. */
export function normaliseStatement(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n$/, '');
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function frontMatterValue(frontMatter: Record<string, unknown> | null, field: string): string | null {
  const value = frontMatter?.[field];
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : null;
}

/** The template with each {field} replaced by the document's front matter value. */
export function fillTemplate(template: string, frontMatter: Record<string, unknown> | null): { text: string } | { missing: string } {
  let missing: string | null = null;
  const text = template.replace(PLACEHOLDER, (_whole, field: string) => {
    const value = frontMatterValue(frontMatter, field);
    if (value === null) missing ??= field;
    return value ?? '';
  });
  return missing ? { missing } : { text };
}

/**
 * Does the signed text say what the repository asks every signer to sign? Exact comparison
 * after normalisation; a template is filled from the front matter first, so "I, {name}, …"
 * must name the signer the file says it is.
 */
export function checkStatement(signedText: string, rule: StatementRule, frontMatter: Record<string, unknown> | null): Reason<SignatureReasonCode> | null {
  const signed = normaliseStatement(signedText);
  let accepted: string[];
  if (typeof rule === 'string') accepted = [rule];
  else if (Array.isArray(rule)) accepted = rule;
  else {
    const filled = fillTemplate(rule.template, frontMatter);
    if ('missing' in filled) {
      return { code: 'statement-mismatch', message: `the statement template needs front matter field "${filled.missing}", which this file lacks` };
    }
    accepted = [filled.text];
  }
  if (accepted.some((text) => normaliseStatement(text) === signed)) return null;
  const expected = accepted.length === 1 ? `"${normaliseStatement(accepted[0]!)}"` : `one of ${accepted.length} accepted texts`;
  return { code: 'statement-mismatch', message: `the signature is good but the signed text is not the statement: expected ${expected}` };
}
