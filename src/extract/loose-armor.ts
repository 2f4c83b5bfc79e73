import type { Reason, BlockErrorCode } from '../core/reasons.js';
import { ARMOR, type ArmoredBlock } from './find-blocks.js';
import { asciiLowerCase, commentCursor, commentRanges, preformattedElements } from './line-views.js';
import type { DocumentText } from './read-document.js';

/*
 * A page's armor outside <pre>, <code> and <textarea>. pledge reads a page's blocks in those
 * elements only: anywhere else a browser collapses runs of spaces and joins lines that no <br>
 * ends, so what readers are shown need not be what was signed. Such a block is reported
 * (`not-preformatted`), unread, never passed over as if the page held no signature.
 */

const BEGIN = /-----BEGIN PGP (?:SIGNED MESSAGE|MESSAGE|SIGNATURE)-----/g;
/** Elements whose text no reader sees as text. */
const UNSHOWN = /<(script|style|title|template)\b/gi;
/** How far back the start of an armor line's rendered line is looked for. */
const LOOK_BACK = 1024;
const BLANK = /\s/;

/**
 * Does the armor at `at` start a line as a browser renders it: nothing but blanks and tags
 * between it and a newline or a <br>? Read backwards, at most LOOK_BACK characters, so a page of
 * many armor lines stays linear.
 */
function startsRenderedLine(source: string, at: number): boolean {
  const floor = Math.max(0, at - LOOK_BACK);
  let position = at;
  while (position > floor) {
    const before = source[position - 1]!;
    if (before === '\n') return true;
    if (BLANK.test(before)) position--;
    else if (before === '>') {
      let open = position - 2;
      while (open >= floor && source[open] !== '<') open--;
      if (open < floor) return false;
      if (/^<br\b/i.test(source.slice(open, open + 4))) return true;
      position = open;
    } else return false;
  }
  return position === 0;
}

function unshownRanges(source: string, lower: string): [number, number][] {
  const ranges: [number, number][] = [];
  UNSHOWN.lastIndex = 0;
  for (let open = UNSHOWN.exec(source); open; open = UNSHOWN.exec(source)) {
    const close = lower.indexOf(`</${open[1]!.toLowerCase()}`, UNSHOWN.lastIndex);
    const end = close === -1 ? source.length : close;
    ranges.push([open.index, end]);
    UNSHOWN.lastIndex = end;
  }
  return ranges;
}

/** The blocks of an HTML page that start outside its preformatted elements, reported unread. */
export function looseArmorBlocks(document: DocumentText): ArmoredBlock[] {
  if (document.kind !== 'html') return [];
  const source = document.text;
  BEGIN.lastIndex = 0;
  if (!BEGIN.test(source)) return [];
  const lower = asciiLowerCase(source);
  const read = preformattedElements(source, lower).map(({ openAt, innerStart, inner }): [number, number] => [openAt, innerStart + inner.length]);
  const elsewhere = [...read, ...unshownRanges(source, lower)].sort((a, b) => a[0] - b[0]);
  const skipped = commentCursor(elsewhere);
  const inComment = commentCursor(commentRanges(source, lower));
  const blocks: ArmoredBlock[] = [];
  // Line numbers counted forward only, the next newline kept: linear however long a line is.
  let line = 1;
  let newline = source.indexOf('\n');
  const lineAt = (offset: number) => {
    while (newline !== -1 && newline < offset) {
      line++;
      newline = source.indexOf('\n', newline + 1);
    }
    return line;
  };
  // Each END searched for again only once passed: a page of many unended armor lines stays linear.
  const ends = new Map<string, number>();
  const nextEnd = (marker: string, from: number): number => {
    let found = ends.get(marker);
    if (found === undefined || (found !== -1 && found < from)) {
      found = source.indexOf(marker, from);
      ends.set(marker, found);
    }
    return found;
  };
  let next = 0; // the first range of `elsewhere` that starts after the armor being read
  BEGIN.lastIndex = 0;
  for (let found = BEGIN.exec(source); found; found = BEGIN.exec(source)) {
    const at = found.index;
    const opening = found[0];
    if (skipped(at, at) || inComment(at, at) || !startsRenderedLine(source, at)) continue;
    while (next < elsewhere.length && elsewhere[next]![0] <= at) next++;
    const limit = next < elsewhere.length ? elsewhere[next]![0] : source.length;
    const startLine = lineAt(at);
    // Its END line, unless a preformatted element comes first: that END is the element's.
    const closing = nextEnd(opening === ARMOR.messageBegin ? ARMOR.messageEnd : ARMOR.signatureEnd, at);
    const end = closing !== -1 && closing < limit ? closing : -1;
    const endLine = end === -1 ? startLine : lineAt(end);
    const error: Reason<BlockErrorCode> = {
      code: 'not-preformatted',
      message: `line ${startLine}: armor outside <pre>, <code> and <textarea>, where browsers collapse spaces and join lines: pledge reads a page's blocks only in those elements, so this one is not verified`,
    };
    blocks.push({ form: opening === ARMOR.messageBegin ? 'inline' : 'cleartext', startLine, endLine, rendering: [], armored: `${opening}\n`, error });
    if (end !== -1) BEGIN.lastIndex = end;
  }
  return blocks;
}
