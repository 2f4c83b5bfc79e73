import { undoHighlighting } from './html-highlighting.js';
import { DecodingMode, EntityDecoder, fromCodePoint, htmlDecodeTree } from 'entities/decode';
import type { DocumentText } from './read-document.js';

/**
 * A line as the block scanner sees it, with enough of its origin to report where it
 * came from and which rendering was undone to get it.
 */
export interface LogicalLine {
  /** The text the scanner reads (CR of CRLF removed, HTML entities decoded). */
  text: string;
  /** HTML only: the markup on or around this line that is not highlighting (what and why), or null. */
  markup: string | null;
  /** HTML only: highlighting markup (colour, one line per box) was undone on this line. */
  highlighting: boolean;
  /** 1-based line number in the document. */
  line: number;
  crlf: boolean;
  /** HTML entities were decoded in this line. */
  entities: boolean;
  /** The line ended at an HTML <br> rather than a newline. */
  lineBreak: boolean;
  /** Markdown: the code fence this line sits inside (null outside any fence and on fence lines). */
  fence: number | null;
  /**
   * HTML only: a character reference in the source line decoded to a line break (`&#10;`,
   * `&NewLine;`, `&#13;`…), and this is one of the lines it was cut into. The lines are cut
   * there because openpgp.js would cut them there; no block may hold one (D-04).
   */
  encodedBreak: boolean;
  /** No renderer shows the line: it sits (at least partly) inside an HTML comment (D-05). */
  hidden: boolean;
}

/**
 * Splits on LF only: a CR before LF is a CRLF ending; any other CR stays in the line. The LF
 * that ends the last line starts no line of its own: a block left open at the end of a file
 * ends on the file's last line, as an editor numbers it.
 */
function physicalLines(text: string): { text: string; crlf: boolean }[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? { text: line.slice(0, -1), crlf: true } : { text: line, crlf: false }));
}

function plainLine(text: string, index: number, crlf: boolean): LogicalLine {
  return { text, markup: null, highlighting: false, line: index + 1, crlf, entities: false, lineBreak: false, fence: null, encodedBreak: false, hidden: false };
}

export function textView(document: DocumentText): LogicalLine[] {
  return physicalLines(document.text).map((line, index) => plainLine(line.text, index, line.crlf));
}

const QUOTE_PREFIX = /^(?: {0,3}> ?)*/;
// A fence is indented 3 spaces at most (CommonMark); 4 make the line indented code.
const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** A line that ends a paragraph, so an inline comment cannot run past it. */
const PARAGRAPH_END = /^[ \t]*$/;

/**
 * For each line, the first line at or after it that holds "-->" and the first that ends a
 * paragraph (blank or a fence): read backwards once, so finding where a comment ends is linear.
 */
function nextLines(lines: LogicalLine[]): { close: number[]; paragraphEnd: number[] } {
  const close = new Array<number>(lines.length + 1).fill(lines.length);
  const paragraphEnd = new Array<number>(lines.length + 1).fill(lines.length);
  for (let index = lines.length - 1; index >= 0; index--) {
    const text = lines[index]!.text;
    const body = text.replace(QUOTE_PREFIX, '');
    close[index] = text.includes('-->') ? index : close[index + 1]!;
    paragraphEnd[index] = PARAGRAPH_END.test(body) || FENCE_LINE.test(body) ? index : paragraphEnd[index + 1]!;
  }
  return { close, paragraphEnd };
}

/**
 * Markdown: the same lines, each tagged with the code fence it sits in, so that a block a
 * fence cuts in two is seen as split rather than stitched. Fences inside blockquotes count.
 * Lines inside an HTML comment are marked hidden, as renderers hide them (D-05): a comment
 * that opens a line (an HTML block) runs to the first line holding "-->", however far; one
 * inside a paragraph only if "-->" comes before the paragraph ends. In a fence "<!--" is text.
 */
export function markdownView(document: DocumentText): LogicalLine[] {
  const lines = textView(document);
  const next = nextLines(lines);
  let open: { marker: string; id: number } | null = null;
  let inComment = false;
  let nextId = 1;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (inComment) {
      // An HTML block: fences and everything else inside it are markup, not Markdown.
      line.hidden = true;
      inComment = !line.text.includes('-->');
      continue;
    }
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
      continue;
    }
    if (fence && !(fence[1]![0] === '`' && fence[2]!.includes('`'))) {
      open = { marker: fence[1]!, id: nextId++ };
      line.fence = null;
      continue;
    }
    if (/^ {0,3}<!--/.test(body)) {
      line.hidden = true;
      inComment = !body.includes('-->', body.indexOf('<!--') + 2);
      continue;
    }
    if (/^ {4}/.test(body)) continue; // indented code (or a continuation line): shown as typed
    // A code span ("`<!--`") would show it as typed; taking it for a comment only refuses more.
    const at = body.indexOf('<!--');
    if (at === -1) continue;
    if (body.includes('-->', at + 2)) {
      line.hidden = true;
      continue;
    }
    const close = next.close[index + 1]!;
    if (close >= next.paragraphEnd[index + 1]!) continue; // never closed in its paragraph: shown as text
    for (let hidden = index; hidden <= close; hidden++) lines[hidden]!.hidden = true;
    index = close;
  }
  return lines;
}

/**
 * A character reference as browsers read it in text (the HTML standard's tokenizer, with the
 * whole table of named references, the legacy ones that need no semicolon such as "&copy", and
 * numeric ones remapped as browsers remap them). `entities` implements that state machine; this
 * drives it one reference at a time, so a reference that decodes to a line break is seen.
 */
function decodeReferences(raw: string, onReference: (decoded: string) => void, onText: (text: string) => void): void {
  let decoded = '';
  const decoder = new EntityDecoder(htmlDecodeTree, (codePoint) => (decoded += fromCodePoint(codePoint)));
  let last = 0;
  let offset = 0;
  while ((offset = raw.indexOf('&', offset)) !== -1) {
    decoder.startEntity(DecodingMode.Legacy);
    let length = decoder.write(raw, offset + 1);
    if (length < 0) length = decoder.end(); // the line ended inside a reference
    if (length === 0) {
      offset++;
      continue;
    }
    onText(raw.slice(last, offset));
    onReference(decoded);
    decoded = '';
    last = offset + length;
    offset = last;
  }
  onText(raw.slice(last));
}

/** Decodes HTML character references exactly once (so "&amp;lt;" becomes "&lt;", not "<"). */
export function decodeEntities(text: string): string {
  let out = '';
  const append = (piece: string): void => void (out += piece);
  decodeReferences(text, append, append);
  return out;
}

/** Line breaks to browsers, to openpgp.js or to JavaScript's multiline regular expressions. */
const DECODED_BREAK = /[\n\r\u2028\u2029]/;

/**
 * One source line with its references decoded, cut wherever a reference decodes to a line
 * break: the lines openpgp.js would read, so the armor lines are checked as it sees them (D-04).
 */
export function decodeLine(raw: string): string[] {
  const pieces: string[] = [];
  let current = '';
  decodeReferences(
    raw,
    (decoded) => {
      if (!DECODED_BREAK.test(decoded)) current += decoded;
      else {
        pieces.push(current);
        current = '';
      }
    },
    (text) => void (current += text),
  );
  pieces.push(current);
  return pieces;
}

const OPENING = /<(pre|code|textarea)\b[^>\n]{0,1024}>/gi;

/**
 * The <pre>, <code> and <textarea> elements of a page, found in one pass: each opening tag is
 * matched to the next closing tag of its name with indexOf, and scanning resumes after it, so
 * a page of unclosed tags costs linear time (no regex backtracking to the end of the page).
 */
export function preformattedElements(source: string, lower: string): { inner: string; innerStart: number; openAt: number }[] {
  const elements: { inner: string; innerStart: number; openAt: number }[] = [];
  OPENING.lastIndex = 0;
  for (let open = OPENING.exec(source); open; open = OPENING.exec(source)) {
    const name = open[1]!.toLowerCase();
    const innerStart = open.index + open[0].length;
    const close = lower.indexOf(`</${name}`, innerStart);
    if (close === -1) break; // nothing after this can be closed either
    elements.push({ inner: source.slice(innerStart, close), innerStart, openAt: open.index });
    OPENING.lastIndex = close + name.length + 2;
  }
  return elements;
}

/** Elements whose text an HTML parser does not read as markup: "<!--" in them opens no comment. */
const COMMENT_OR_TEXT_ELEMENT = /<!--|<(textarea|script|style|title)\b/gi;

/**
 * The page's comments as an HTML parser finds them, as [start, end) offsets: "<!--" to the next
 * "-->" or "--!>" ("<!-->" and "<!--->" are empty), an unclosed one to the end of the page. One
 * pass: each search resumes where the last comment or text element ended.
 */
export function commentRanges(source: string, lower: string): [number, number][] {
  const ranges: [number, number][] = [];
  let dash = source.indexOf('-->');
  let bang = source.indexOf('--!>');
  COMMENT_OR_TEXT_ELEMENT.lastIndex = 0;
  for (let found = COMMENT_OR_TEXT_ELEMENT.exec(source); found; found = COMMENT_OR_TEXT_ELEMENT.exec(source)) {
    if (found[1]) {
      const close = lower.indexOf(`</${found[1].toLowerCase()}`, COMMENT_OR_TEXT_ELEMENT.lastIndex);
      if (close === -1) break;
      COMMENT_OR_TEXT_ELEMENT.lastIndex = close;
      continue;
    }
    const from = found.index + 4;
    let end: number;
    if (source.startsWith('>', from)) end = from + 1;
    else if (source.startsWith('->', from)) end = from + 2;
    else {
      // Each searched again only once passed: many comments stay linear.
      if (dash !== -1 && dash < from) dash = source.indexOf('-->', from);
      if (bang !== -1 && bang < from) bang = source.indexOf('--!>', from);
      const closer = dash === -1 ? bang : bang === -1 ? dash : Math.min(dash, bang);
      end = closer === -1 ? source.length : closer + (closer === dash ? 3 : 4);
    }
    ranges.push([found.index, end]);
    COMMENT_OR_TEXT_ELEMENT.lastIndex = end;
  }
  return ranges;
}

/** Asks, for source spans in increasing order, whether each touches a comment. */
export function commentCursor(ranges: [number, number][]): (from: number, to: number) => boolean {
  let at = 0;
  return (from, to) => {
    while (at < ranges.length && ranges[at]![1] <= from) at++;
    return at < ranges.length && ranges[at]![0] <= to;
  };
}

/**
 * A page's text with ASCII letters lower-cased, for finding tag names: toLowerCase() lengthens
 * some letters ("İ" → "i̇"), and offsets into the result must be offsets into the page.
 */
export function asciiLowerCase(source: string): string {
  return source.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * HTML: one view per <pre>, <code> or <textarea> element (an outer <pre> swallows the <code>
 * inside it). Lines end at newlines and at <br>; entities are decoded once, and a line is cut
 * where a reference decodes to a line break. Lines inside a comment (the whole element, or part
 * of it) are marked hidden.
 */
export function htmlViews(document: DocumentText): LogicalLine[][] {
  const views: LogicalLine[][] = [];
  const source = document.text;
  const lower = asciiLowerCase(source);
  const inComment = commentCursor(commentRanges(source, lower));
  let lineNumber = 1;
  let counted = 0;
  for (const element of preformattedElements(source, lower)) {
    let { inner, innerStart } = element;
    // Unwrap <pre><code>…</code></pre>: the code element is the same rendering.
    const wrapped = /^<code\b[^>\n]{0,1024}>([\s\S]*)<\/code\s*>$/i.exec(inner);
    if (wrapped) {
      innerStart += inner.indexOf('>') + 1;
      inner = wrapped[1]!;
    }
    lineNumber += countNewlines(source, counted, innerStart);
    counted = innerStart;
    const elementHidden = inComment(element.openAt, element.openAt);
    const view: LogicalLine[] = [];
    const sourceLines = undoHighlighting(inner);
    let from = 0;
    for (const [index, sourceLine] of sourceLines.entries()) {
      // Tags hold no newline, so the source line runs between the same newlines in `inner`.
      const newline = inner.indexOf('\n', from);
      const to = newline === -1 ? inner.length : newline;
      const hidden = elementHidden || inComment(innerStart + from, innerStart + to);
      // A CR is half of a CRLF only when the newline follows it in the source, not after a tag.
      const crlf = newline !== -1 && inner[to - 1] === '\r';
      const text = crlf ? sourceLine.text.slice(0, -1) : sourceLine.text;
      const pieces = text.split(BREAK_TAG);
      // "<br>" then a newline is one line break.
      const endsAtBreak = pieces.length > 1 && pieces.at(-1) === '' && newline !== -1;
      if (endsAtBreak) pieces.pop();
      for (const [at, piece] of pieces.entries()) {
        const last = at === pieces.length - 1;
        const line = { line: lineNumber + index, crlf: crlf && last, lineBreak: !last || endsAtBreak, hidden, markup: sourceLine.refused, highlighting: sourceLine.highlighting };
        view.push(...htmlLines(piece, line));
      }
      from = to + 1;
    }
    views.push(view);
  }
  return views;
}

const BREAK_TAG = /<br\s*\/?>/i;

/** The logical lines of one source line: one, or several where a reference decoded to a line break. */
function htmlLines(raw: string, origin: Pick<LogicalLine, 'line' | 'crlf' | 'lineBreak' | 'hidden' | 'markup' | 'highlighting'>): LogicalLine[] {
  const pieces = decodeLine(raw);
  const entities = pieces.length > 1 || pieces[0] !== raw;
  const encodedBreak = pieces.length > 1;
  return pieces.map((text) => ({ ...origin, text, entities, fence: null, encodedBreak }));
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
