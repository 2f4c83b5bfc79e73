import { createRequire } from 'node:module';
import type { Limits } from '../core/limits.js';
import type { Reason } from '../core/reasons.js';
import { readFlatYaml } from './flat-yaml.js';

/** yaml, loaded on the first front matter the flat reader leaves to it: most runs never pay for it. */
let parse: typeof import('yaml').parse | null = null;

export type FrontMatterResult = { ok: true; data: Record<string, unknown> | null } | { ok: false; reason: Reason<'input-too-large'> };

/** The opening "---" line; the end is found with indexOf, so a missing end costs linear time. */
const OPENING = /^---\r?\n/;
const CLOSING = /\r?\n(?:---|\.\.\.)\r?\n/g;

/**
 * The YAML front matter of a Markdown document, if any. It is the author's claim, never proof:
 * pledge uses it only to decide where to look for a key. Its size is capped before parsing
 * (yaml's duplicate-key check is quadratic, deep nesting overflows its stack); YAML that does
 * not parse is no front matter.
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
  try {
    parse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
    const data: unknown = parse(body, { maxAliasCount: 10, prettyErrors: false });
    return { ok: true, data: data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null };
  } catch {
    // A parse error, or a stack overflow on nesting the cap still allows: no front matter.
    return { ok: true, data: null };
  }
}
