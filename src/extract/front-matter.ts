import { createRequire } from 'node:module';

/** yaml, loaded on the first front matter met: plain-text batches never pay for it. */
let parse: typeof import('yaml').parse | null = null;

/**
 * The YAML front matter of a Markdown document, if any. It is the author's claim, never proof:
 * pledge uses it only to decide where to look for a key.
 */
export function readFrontMatter(text: string): Record<string, unknown> | null {
  const match = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\r?\n/.exec(text);
  if (!match) return null;
  try {
    parse ??= (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
    const data: unknown = parse(match[1]!, { maxAliasCount: 10, prettyErrors: false });
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
