import type { Limits } from '../core/limits.js';
import { findBlocks, type ArmoredBlock } from './find-blocks.js';
import { viewsOf } from './line-views.js';
import { looseArmorBlocks } from './loose-armor.js';
import type { DocumentText } from './read-document.js';

/**
 * Every armored block of a document, in document order. Text outside blocks is dropped here.
 * Blocks past the per-document limit (counted over the whole document, every <pre> together)
 * are still reported, unread, so nothing is silently dropped.
 */
export function extractBlocks(document: DocumentText, limits: Limits): ArmoredBlock[] {
  const blocks = [...viewsOf(document).flatMap((view) => findBlocks(view, limits)), ...looseArmorBlocks(document)].sort((a, b) => a.startLine - b.startLine);
  for (const block of blocks.slice(limits.maxBlocksPerDocument)) {
    block.armored = '';
    block.error = { code: 'input-too-large', message: `the document holds more than ${limits.maxBlocksPerDocument} blocks; this one is not read (raise it with --max-blocks)` };
  }
  if (document.hadBom) for (const block of blocks) block.rendering.unshift('bom');
  return blocks;
}
