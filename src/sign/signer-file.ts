import { stringify } from 'yaml';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { PledgeError } from '../core/reasons.js';
import { readFrontMatter } from '../extract/front-matter.js';
import { fillTemplate } from '../repo/statement.js';
import type { StatementRule } from '../repo/load-config.js';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The front matter fields a statement rule fills from ({name}, …), in order of appearance. */
export function templateFields(rule: StatementRule | undefined): string[] {
  if (!rule || typeof rule === 'string' || Array.isArray(rule)) return [];
  return [...new Set([...rule.template.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/** YAML front matter for the fields, in the given order (strings quoted where YAML would read them otherwise). */
export function frontMatterText(fields: [string, string][]): string {
  return `---\n${stringify(Object.fromEntries(fields), { lineWidth: 0 })}---\n`;
}

/**
 * The statement exactly as `verify` will check it: the front matter is read back with the same
 * parser verify uses, and the template filled from what that parser returns.
 */
export function statementFor(rule: StatementRule, frontMatter: string): string {
  if (typeof rule === 'string') return rule;
  if (Array.isArray(rule)) return rule[0]!;
  const read = readFrontMatter(`${frontMatter}\n`, DEFAULT_LIMITS);
  const data = read.ok ? read.data : null;
  const filled = fillTemplate(rule.template, data);
  if ('missing' in filled) throw new PledgeError('usage', `the statement template needs front matter field "${filled.missing}"`);
  return filled.text;
}

/** A fence no line of `text` can close: one backtick longer than its longest run at a line start. */
export function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/^\s*(`{3,})/gm)].map((match) => match[1]!.length));
  return '`'.repeat(longest + 1);
}

/** The signed block in a ```text fence, so Markdown shows it as it is (the seed post's shape). */
export function fencedBlock(block: string): string {
  const fence = fenceFor(block);
  return `${fence}text\n${block.trimEnd()}\n${fence}\n`;
}

/** A signer file: front matter, a paragraph of the signer's own, the fenced signed block. */
export function signerFile(frontMatter: string, paragraph: string | null, block: string): string {
  return `${frontMatter}\n${paragraph ? `${paragraph.trim()}\n\n` : ''}${fencedBlock(block)}`;
}

/** A document split into its front matter (kept outside the block) and the body to sign. */
export function splitDocument(text: string): { frontMatter: string; body: string } {
  const match = /^---\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)\r?\n/.exec(text);
  return match ? { frontMatter: match[0], body: text.slice(match[0].length) } : { frontMatter: '', body: text };
}

/** A slug for the signer file's name: "Ada Lovelace" → "ada-lovelace". */
export function slugOf(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'signer'
  );
}
