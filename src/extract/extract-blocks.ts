import type { Limits } from '../core/limits.js';
import { findBlocks, type ArmoredBlock } from './find-blocks.js';
import { viewsOf } from './line-views.js';
import type { DocumentText } from './read-document.js';

/** Every armored block of a document, in document order. Text outside blocks is dropped here. */
export function extractBlocks(document: DocumentText, limits: Limits): ArmoredBlock[] {
  const blocks = viewsOf(document)
    .flatMap((view) => findBlocks(view, limits))
    .sort((a, b) => a.startLine - b.startLine);
  if (document.hadBom) for (const block of blocks) block.rendering.unshift('bom');
  return blocks;
}
