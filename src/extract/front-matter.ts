import { createRequire } from 'node:module';
import type { Limits } from '../core/limits.js';
import type { Reason } from '../core/reasons.js';
import { readFlatYaml } from './flat-yaml.js';

/** yaml, loaded on the first front matter the flat reader leaves to it: most runs never pay for it. */
let yaml: typeof import('yaml') | null = null;

/**
 * Front matter with collections nested deeper than this inside its top-level one is no front
 * matter, decided before yaml composes it.
 * yaml composes (and converts) by recursion; nested past its stack it catches the RangeError,
 * but at the edge of the stack V8 can abort the whole process compiling a regular expression
 * ("FATAL ERROR: RegExpCompiler Allocation failed"), which no catch stops: one document of
 * `x: [[[[…` under the size cap took every other document's verdict with it (it ended a CI run).
 * yaml overflows near 900 levels on the main thread; real headers are a few deep, and aliases
 * (at most ten) can only multiply what is allowed here.
 */
export const MAX_FRONT_MATTER_DEPTH = 32;

type CstToken = { value?: unknown; items?: { key?: unknown; value?: unknown }[] };

/** Whether the YAML nests collections more than `limit` deep inside the top-level one: read from yaml's CST, whose parser keeps its own stack, walked without recursion. */
function nestsDeeperThan(parser: InstanceType<typeof import('yaml').Parser>, body: string, limit: number): boolean {
  const pending: [CstToken, number][] = [];
  for (const token of parser.parse(body)) pending.push([token as CstToken, 0]);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [token, depth] = next;
    if (token.value && typeof token.value === 'object') pending.push([token.value, depth]); // a document's content
    if (!Array.isArray(token.items)) continue; // a scalar, a comment…
    if (depth > limit) return true;
    for (const item of token.items) for (const part of [item.key, item.value]) if (part && typeof part === 'object') pending.push([part, depth + 1]);
  }
  return false;
}

export type FrontMatterResult = { ok: true; data: Record<string, unknown> | null } | { ok: false; reason: Reason<'input-too-large'> };

/** The opening "---" line; the end is found with indexOf, so a missing end costs linear time. */
const OPENING = /^---\r?\n/;
const CLOSING = /\r?\n(?:---|\.\.\.)\r?\n/g;

/**
 * The YAML front matter of a Markdown document, if any. It is the author's claim, never proof:
 * pledge uses it only to decide where to look for a key. Its size is capped before parsing
 * (yaml's duplicate-key check is quadratic) and its depth before composing (MAX_FRONT_MATTER_DEPTH);
 * YAML that does not parse, or nests deeper, is no front matter.
 */
export function readFrontMatter(text: string, limits: Pick<Limits, 'maxFrontMatterChars'>): FrontMatterResult {
  const opening = OPENING.exec(text);
  if (!opening) return { ok: true, data: null };
  CLOSING.lastIndex = opening[0].length - 1;
  const closing = CLOSING.exec(text);
  if (!closing) return { ok: true, data: null };
  const body = text.slice(opening[0].length, closing.index);
  if (body.length > limits.maxFrontMatterChars)
    return {
      ok: false,
      reason: {
        code: 'input-too-large',
        message: `the front matter is ${body.length} characters, over the limit of ${limits.maxFrontMatterChars} (raise it with --max-front-matter-chars)`,
      },
    };
  // Most headers are flat `key: value` lines: read them without loading yaml.
  const flat = readFlatYaml(body);
  if (flat) return { ok: true, data: flat.data };
  yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  if (nestsDeeperThan(new yaml.Parser(), body, MAX_FRONT_MATTER_DEPTH)) return { ok: true, data: null };
  try {
    // logLevel 'error': yaml would print its warnings (an unknown tag…) through process.emitWarning, onto pledge's stderr.
    const data: unknown = yaml.parse(body, { maxAliasCount: 10, prettyErrors: false, logLevel: 'error' });
    return { ok: true, data: data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null };
  } catch {
    return { ok: true, data: null }; // a parse error: no front matter
  }
}
