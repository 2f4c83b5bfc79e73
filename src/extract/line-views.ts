import type { DocumentText } from './read-document.js';

/**
 * A line as the block scanner sees it, with enough of its origin to report where it
 * came from and which rendering was undone to get it.
 */
export interface LogicalLine {
  /** The text the scanner reads (CR of CRLF removed, HTML entities decoded). */
  text: string;
  /** HTML only: the source line holds markup (a tag) that pledge will not strip. */
  markup: boolean;
  /** 1-based line number in the document. */
  line: number;
  crlf: boolean;
  /** HTML entities were decoded in this line. */
  entities: boolean;
  /** The line ended at an HTML <br> rather than a newline. */
  lineBreak: boolean;
  /** Markdown: the code fence this line sits inside (null outside any fence and on fence lines). */
  fence: number | null;
}

/** Splits on LF only: a CR before LF is a CRLF ending; any other CR stays in the line. */
function physicalLines(text: string): { text: string; crlf: boolean }[] {
  return text.split('\n').map((line) => (line.endsWith('\r') ? { text: line.slice(0, -1), crlf: true } : { text: line, crlf: false }));
}

function plainLine(text: string, index: number, crlf: boolean): LogicalLine {
  return { text, markup: false, line: index + 1, crlf, entities: false, lineBreak: false, fence: null };
}

export function textView(document: DocumentText): LogicalLine[] {
  return physicalLines(document.text).map((line, index) => plainLine(line.text, index, line.crlf));
}

const QUOTE_PREFIX = /^(?: {0,3}> ?)*/;
// A fence is indented 3 spaces at most (CommonMark); 4 make the line indented code.
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * Markdown: the same lines, each tagged with the code fence it sits in, so that a block a
 * fence cuts in two is seen as split rather than stitched. Fences inside blockquotes count.
 */
export function markdownView(document: DocumentText): LogicalLine[] {
  const lines = textView(document);
  let open: { marker: string; id: number } | null = null;
  let nextId = 1;
  for (const line of lines) {
    const body = line.text.replace(QUOTE_PREFIX, '');
    const fence = FENCE_LINE.exec(body);
    if (open) {
      const closes = fence && fence[1]![0] === open.marker[0] && fence[1]!.length >= open.marker.length && fence[2]!.trim() === '';
      if (closes) {
        open = null;
        line.fence = null;
      } else {
        line.fence = open.id;
      }
    } else if (fence && !(fence[1]![0] === '`' && fence[2]!.includes('`'))) {
      open = { marker: fence[1]!, id: nextId++ };
      line.fence = null;
    }
  }
  return lines;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00A0',
  ndash: '\u2013',
  mdash: '\u2014',
  hellip: '\u2026',
};

/** Decodes HTML character references exactly once (so "&amp;lt;" becomes "&lt;", not "<"). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (whole, body: string) => {
    if (body.startsWith('#')) {
      const codePoint = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return '\uFFFD';
      return String.fromCodePoint(codePoint);
    }
    return NAMED_ENTITIES[body] ?? whole;
  });
}

const LINE_BREAK = /<br\s*\/?>(\r?\n)?|\r?\n/gi;
const OPENING = /<(pre|code|textarea)\b[^>\n]{0,1024}>/gi;

/**
 * The <pre>, <code> and <textarea> elements of a page, found in one pass: each opening tag is
 * matched to the next closing tag of its name with indexOf, and scanning resumes after it, so
 * a page of unclosed tags costs linear time (no regex backtracking to the end of the page).
 */
function preformattedElements(source: string): { inner: string; innerStart: number }[] {
  const lower = source.toLowerCase();
  const elements: { inner: string; innerStart: number }[] = [];
  OPENING.lastIndex = 0;
  for (let open = OPENING.exec(source); open; open = OPENING.exec(source)) {
    const name = open[1]!.toLowerCase();
    const innerStart = open.index + open[0].length;
    const close = lower.indexOf(`</${name}`, innerStart);
    if (close === -1) break; // nothing after this can be closed either
    elements.push({ inner: source.slice(innerStart, close), innerStart });
    OPENING.lastIndex = close + name.length + 2;
  }
  return elements;
}

/**
 * HTML: one view per <pre>, <code> or <textarea> element (an outer <pre> swallows the <code>
 * inside it). Lines end at newlines and at <br>; entities are decoded once.
 */
export function htmlViews(document: DocumentText): LogicalLine[][] {
  const views: LogicalLine[][] = [];
  const source = document.text;
  let lineNumber = 1;
  let counted = 0;
  for (const element of preformattedElements(source)) {
    let { inner, innerStart } = element;
    // Unwrap <pre><code>…</code></pre>: the code element is the same rendering.
    const wrapped = /^<code\b[^>\n]{0,1024}>([\s\S]*)<\/code\s*>$/i.exec(inner);
    if (wrapped) {
      innerStart += inner.indexOf('>') + 1;
      inner = wrapped[1]!;
    }
    lineNumber += countNewlines(source, counted, innerStart);
    counted = innerStart;
    let line = lineNumber;
    const view: LogicalLine[] = [];
    let start = 0;
    for (const end of inner.matchAll(LINE_BREAK)) {
      const raw = inner.slice(start, end.index);
      const isBreak = end[0].startsWith('<');
      view.push(htmlLine(raw, line, end[0].includes('\r\n'), isBreak));
      line += end[0].includes('\n') ? 1 : 0;
      start = end.index! + end[0].length;
    }
    view.push(htmlLine(inner.slice(start), line, false, false));
    views.push(view);
  }
  return views;
}

/** A start or end tag ("<span ", "</pre>", "<br/>"); "<alice@example.org>" in a user ID is not one. */
const TAG = /<\/?[a-zA-Z][a-zA-Z0-9-]*(?=[\s/>])|<!--/;

function htmlLine(raw: string, line: number, crlf: boolean, lineBreak: boolean): LogicalLine {
  const text = decodeEntities(raw);
  return { text, markup: TAG.test(raw), line, crlf, entities: text !== raw, lineBreak, fence: null };
}

function countNewlines(text: string, from: number, end: number): number {
  let count = 0;
  for (let index = text.indexOf('\n', from); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

export function viewsOf(document: DocumentText): LogicalLine[][] {
  switch (document.kind) {
    case 'text':
      return [textView(document)];
    case 'markdown':
      return [markdownView(document)];
    case 'html':
      return htmlViews(document);
  }
}
