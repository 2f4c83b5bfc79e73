import { decodeHTMLAttribute } from 'entities';

/**
 * Highlighting markup inside a <pre>/<code>, undone as a browser shows it: the elements and
 * styles that only colour a line or lay lines out one under another (Hugo's
 * `<span style="display:flex;"><span>…</span></span>`, Chroma, Pygments and Rouge's
 * `<span class="…">`). Everything else can hide, add, move or reorder text, and is named.
 */
export interface SourceLine {
  /** The line with every highlighting tag removed (`<br>` kept: it is a line break). */
  text: string;
  /** Highlighting tags were removed from this line. */
  highlighting: boolean;
  /** Why this line's markup cannot be undone (the element and what it may do), or null. */
  refused: string | null;
}

const ELEMENTS = new Set(['span', 'code', 'div', 'b', 'i', 'a', 'strong', 'em']);
const BLOCK_BY_DEFAULT = new Set(['div']);

const COLOR = /^(?:#[0-9a-f]{3}|#[0-9a-f]{6}|[a-z]+|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\))$/;
/** Declarations that cannot hide, add, move or reorder text; a colour that is transparent can hide it. */
const DECLARATIONS: Record<string, RegExp> = {
  color: COLOR,
  'background-color': COLOR,
  'font-weight': /^(?:normal|bold|bolder|lighter|[1-9]00)$/,
  'font-style': /^(?:normal|italic|oblique)$/,
  'text-decoration': /^(?:none|underline)$/,
  display: /^(?:flex|block|inline)$/,
  'tab-size': /^\d{1,2}$/,
  '-moz-tab-size': /^\d{1,2}$/,
  '-o-tab-size': /^\d{1,2}$/,
  'user-select': /^(?:none|text|auto|all)$/,
  '-webkit-user-select': /^(?:none|text|auto|all)$/,
  'white-space': /^(?:pre|pre-wrap)$/,
};

/** Reads a style attribute; the display it sets, or why it is refused. */
function readStyle(style: string): { display: string | null } | { refused: string } {
  let display: string | null = null;
  for (const declaration of style.split(';')) {
    if (declaration.trim() === '') continue;
    const colon = declaration.indexOf(':');
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration
      .slice(colon + 1)
      .trim()
      .toLowerCase();
    // No CSS escapes or comments: the value read must be the value the browser applies.
    const allowed = colon > 0 && !/[\\/]/.test(declaration) && DECLARATIONS[property]?.test(value) && value !== 'transparent';
    if (!allowed) return { refused: `style "${declaration.trim()}"` };
    if (property === 'display') display = value;
  }
  return { display };
}

const ATTRIBUTE = /\s+([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/y;
const SAFE_ATTRIBUTE = /^(?:class|id|lang|tabindex|data-[a-z0-9._-]+)$/;

/** An allowed start tag's display, or why the tag is refused. */
function readStartTag(name: string, attributes: string): { display: string } | { refused: string } {
  if (!ELEMENTS.has(name)) return { refused: 'not a highlighting element' };
  let display = BLOCK_BY_DEFAULT.has(name) ? 'block' : 'inline';
  const rest = attributes.replace(/\/$/, '');
  ATTRIBUTE.lastIndex = 0;
  let at = 0;
  for (let match = ATTRIBUTE.exec(rest); match; match = ATTRIBUTE.exec(rest)) {
    at = ATTRIBUTE.lastIndex;
    const attribute = match[1]!.toLowerCase();
    const value = decodeHTMLAttribute(match[2] ?? match[3] ?? match[4] ?? '');
    if (attribute === 'style') {
      const style = readStyle(value);
      if ('refused' in style) return style;
      display = style.display ?? display;
    } else if (!SAFE_ATTRIBUTE.test(attribute) || (attribute === 'tabindex' && !/^-?\d{1,3}$/.test(value))) {
      return { refused: `attribute "${attribute}"` };
    }
  }
  if (rest.slice(at).trim() !== '') return { refused: 'attributes pledge cannot read' };
  return { display };
}

/** "<" opens markup to an HTML tokenizer when a letter, "/", "!" or "?" follows it. */
const MARKUP_START = /<[/!?a-zA-Z]/g;
/** A whole tag on one line: "/"?, its name, its attributes (read by readStartTag). */
const TAG = /^<(\/?)([a-zA-Z][^\s/>]*)([^>]*)>$/;

/**
 * The markup tokens of `inner` in order, each the tag through its ">" on the same line, or just
 * "<x" when no ">" ends it there. The next ">" and newline are each searched once per passing,
 * so a page of "<a<a<a…" costs linear time, never a regex rescan to the end of the line.
 */
function* markupTokens(inner: string): Generator<{ index: number; tag: string; match: RegExpExecArray | null }> {
  let close = -2;
  let newline = -2;
  MARKUP_START.lastIndex = 0;
  for (let start = MARKUP_START.exec(inner); start; start = MARKUP_START.exec(inner)) {
    const at = start.index;
    if (close !== -1 && close < at) close = inner.indexOf('>', at);
    if (newline !== -1 && newline < at) newline = inner.indexOf('\n', at);
    const ends = close !== -1 && (newline === -1 || close < newline);
    const tag = ends ? inner.slice(at, close + 1) : start[0];
    MARKUP_START.lastIndex = at + tag.length;
    yield { index: at, tag, match: ends ? TAG.exec(tag) : null };
  }
}
const BREAK_TAG = /^<br\s*\/?>$/i;

interface Open {
  name: string;
  display: string;
  /** Children so far, for a flex container (it may hold one element and no text). */
  children: number;
  /** Why this element or one around it is not highlighting: every line inside it is refused too. */
  refused: string | null;
  /** This element is or sits inside an <a>. */
  inA: boolean;
}

/**
 * The source lines of one element's inside, highlighting undone. A line is refused when it holds
 * markup that is not highlighting, or sits inside such an element, or breaks the layout rules
 * that keep lines where the source has them: a block (a div, display:block or flex, a flex item)
 * opens and closes only at the start of a line, and a flex container holds one element, no text.
 */
export function undoHighlighting(inner: string): SourceLine[] {
  const lines: SourceLine[] = [{ text: '', highlighting: false, refused: null }];
  const stack: Open[] = [];
  const refusedAncestor = () => stack.at(-1)?.refused ?? null;
  let line = lines[0]!;
  const refuse = (why: string) => void (line.refused ??= why);
  const atLineStart = () => line.text === '';
  const addText = (text: string) => {
    if (text === '') return;
    if (stack.at(-1)?.display === 'flex') refuse('text directly inside a display:flex element (a browser lays it out beside the line)');
    const pieces = text.split('\n');
    line.text += pieces[0]!;
    for (const piece of pieces.slice(1)) {
      line = { text: piece, highlighting: false, refused: refusedAncestor() };
      lines.push(line);
    }
  };
  let last = 0;
  for (const { index, tag, match } of markupTokens(inner)) {
    addText(inner.slice(last, index));
    last = index + tag.length;
    if (BREAK_TAG.test(tag)) {
      line.text += tag; // the line splitter reads <br> as a line break
      continue;
    }
    line.highlighting = true;
    const name = match?.[2]!.toLowerCase();
    if (!name) {
      refuse(`"${tag.slice(0, 4)}" (a comment or markup declaration)`);
      line.text += tag;
      continue;
    }
    const parent = stack.at(-1);
    if (match![1]) {
      if (parent?.name !== name) refuse(`</${name}> that closes no open element`);
      else {
        stack.pop();
        if ((parent.display !== 'inline' || stack.at(-1)?.display === 'flex') && !atLineStart()) refuse(`</${name}> ending a block inside a line`);
      }
      continue;
    }
    const start = readStartTag(name, match![3]!);
    if ('refused' in start) {
      refuse(`<${name}> (${start.refused})`);
      stack.push({ name, display: 'inline', children: 0, inA: parent?.inA ?? false, refused: parent?.refused ?? `text inside <${name}> (${start.refused})` });
      continue;
    }
    if (parent?.display === 'flex' && ++parent.children > 1) refuse(`<${name}>: a second element in a display:flex element is laid out beside the first`);
    if ((start.display !== 'inline' || parent?.display === 'flex') && !atLineStart()) refuse(`<${name}> starting a block inside a line`);
    if (name === 'a' && parent?.inA) refuse('<a> inside <a>');
    stack.push({ name, display: start.display, children: 0, inA: name === 'a' || (parent?.inA ?? false), refused: parent?.refused ?? null });
  }
  addText(inner.slice(last));
  return lines;
}
