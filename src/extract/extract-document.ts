import type { Limits } from '../core/limits.js';
import type { Reason } from '../core/reasons.js';
import { extractBlocks } from './extract-blocks.js';
import type { ArmoredBlock } from './find-blocks.js';
import { readFrontMatter } from './front-matter.js';
import type { DocumentReadResult } from './read-document.js';

/**
 * A document reduced to what the later steps use: its front matter (Markdown only) and its
 * armored blocks; or why it could not be read. Plain data, so a reading thread can hand it over.
 */
export type ExtractedDocument = { ok: true; frontMatter: Record<string, unknown> | null; blocks: ArmoredBlock[] } | { ok: false; reason: Reason; skipped?: true };

export function extractDocument(read: DocumentReadResult, limits: Limits): ExtractedDocument {
  if (!read.ok) return read.skipped ? { ok: false, reason: read.reason, skipped: true } : { ok: false, reason: read.reason };
  const { document } = read;
  const frontMatter = document.kind === 'markdown' ? readFrontMatter(document.text, limits) : { ok: true as const, data: null };
  // Front matter over its cap makes the document unreadable, as an oversized file does: refused by name.
  if (!frontMatter.ok) return { ok: false, reason: frontMatter.reason };
  return { ok: true, frontMatter: frontMatter.data, blocks: extractBlocks(document, limits) };
}
