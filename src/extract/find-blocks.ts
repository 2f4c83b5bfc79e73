import type { BlockErrorCode, Reason } from '../core/reasons.js';
import type { Limits } from '../core/limits.js';
import type { LogicalLine } from './line-views.js';

/** Which rendering pledge undid to get back the block as it was signed. */
export type Rendering = 'bom' | 'crlf' | 'indentation' | 'quote-prefix' | 'html-entities' | 'html-line-breaks' | 'html-highlighting';

export type BlockForm = 'cleartext' | 'inline';

/**
 * One armored block cut out of a document. `armored` is the block as the signer's tool wrote
 * it (rendering undone, LF line endings); it is what the cleartext parser reads, one block per
 * parse.
 */
export interface ArmoredBlock {
  /** A cleartext-signed block, or an inline-signed message (BEGIN PGP MESSAGE: issue 14). */
  form: BlockForm;
  startLine: number;
  endLine: number;
  rendering: Rendering[];
  armored: string;
  /** Set when the block cannot be a valid cleartext-signed message; it is still reported. */
  error: Reason<BlockErrorCode> | null;
}

export const ARMOR = {
  signedMessage: '-----BEGIN PGP SIGNED MESSAGE-----',
  signatureBegin: '-----BEGIN PGP SIGNATURE-----',
  signatureEnd: '-----END PGP SIGNATURE-----',
  messageBegin: '-----BEGIN PGP MESSAGE-----',
  messageEnd: '-----END PGP MESSAGE-----',
} as const;

/** openpgp.js ends the signed text at ANY line of this shape, so pledge refuses them inside a block. */
const ANY_ARMOR_LINE = /^-----[^-]+-----$/;
const OPENING = /^([ \t>]*)(-----BEGIN PGP (?:SIGNED MESSAGE|SIGNATURE|MESSAGE)-----)[ \t]*$/;
const ASCII_BLANK = /^[ \t]*$/;
const OPENING_OR_END = /^[ \t>]*(-----(?:BEGIN PGP SIGNED MESSAGE|END PGP SIGNATURE)-----)[ \t]*$/;
/**
 * An armor line with blanks around it that are not ASCII spaces or tabs (U+00A0, U+2007, U+202F,
 * U+3000, zero-width characters…): a renderer shows an armor line, openpgp.js and pledge's exact
 * match read text. Such a decoy is refused, never passed over in silence (D-05).
 */
const DISGUISED =
  /^[\s\p{Default_Ignorable_Code_Point}>]*(-----(?:BEGIN PGP SIGNED MESSAGE|BEGIN PGP SIGNATURE|END PGP SIGNATURE|BEGIN PGP MESSAGE|END PGP MESSAGE)-----)[\s\p{Default_Ignorable_Code_Point}]*$/u;
const EXACT_ARMOR = /^[ \t>]*-----[^-]+-----[ \t]*$/;

/** The armor line a disguised line shows, or null when the line is exact or no armor line at all. */
function disguisedArmor(text: string): string | null {
  const shown = DISGUISED.exec(text)?.[1];
  return shown && !EXACT_ARMOR.test(text) ? shown : null;
}

/** The block a line opens, exactly or disguised: its rendering prefix and its kind. */
function openingOf(text: string): { prefix: string; kind: string } | null {
  const exact = OPENING.exec(text);
  if (exact) return { prefix: exact[1]!, kind: exact[2]! };
  const disguised = disguisedArmor(text);
  if (!disguised?.startsWith('-----BEGIN')) return null;
  return { prefix: /^[ \t>]*/.exec(text)![0], kind: disguised };
}

/** Removes the rendering prefix of the block's first line; null when the line does not carry it. */
function stripPrefix(text: string, prefix: string): string | null {
  if (text.startsWith(prefix)) return text.slice(prefix.length);
  if (prefix.includes('>')) return text.trimEnd() === prefix.trimEnd() ? '' : null;
  return text.trim() === '' ? '' : null;
}

interface Scan {
  end: number;
  resumeAt: number;
  contents: string[];
  error: Reason<BlockErrorCode> | null;
}

/**
 * Finds every armored block in one view of a document. Only the exact armor lines start and
 * end a block; a block that a renderer cut (fence, quote, indentation) is reported split,
 * never stitched back together.
 */
export function findBlocks(view: LogicalLine[], limits: Limits): ArmoredBlock[] {
  const blocks: ArmoredBlock[] = [];
  let index = 0;
  while (index < view.length) {
    const opening = openingOf(view[index]!.text);
    if (!opening) {
      index++;
      continue;
    }
    const { prefix, kind } = opening;
    const scan =
      kind === ARMOR.signedMessage ? scanSignedMessage(view, index, prefix) : scanOther(view, index, prefix, kind);
    const lines = view.slice(index, scan.end + 1);
    // What a reader is shown is checked first: a block shown otherwise than it is read is refused as such.
    const error = checkShown(lines) ?? scan.error ?? checkLimits(lines, limits) ?? checkLines(lines);
    blocks.push({
      form: kind === ARMOR.messageBegin ? 'inline' : 'cleartext',
      startLine: view[index]!.line,
      endLine: view[scan.end]!.line,
      rendering: renderingOf(lines, prefix),
      armored: scan.contents.join('\n') + '\n',
      error,
    });
    index = scan.resumeAt;
  }
  return blocks;
}

function malformed(code: BlockErrorCode, message: string): Reason<BlockErrorCode> {
  return { code, message };
}

/**
 * Reads one cleartext block from its BEGIN line to its END PGP SIGNATURE line. Anything out of
 * grammar is recorded (first error wins) and the scan goes on to the END line, so one damaged
 * block is reported once and never re-read as a block of its own. Only a renderer split stops
 * the block's own lines; then a later END line with the same prefix still closes it, unless a
 * new BEGIN PGP SIGNED MESSAGE starts first.
 */
function scanSignedMessage(view: LogicalLine[], start: number, prefix: string): Scan {
  const contents: string[] = [ARMOR.signedMessage];
  let state: 'headers' | 'text' | 'signature' = 'headers';
  let error: Reason<BlockErrorCode> | null = null;
  let lastOwnLine = start;
  const first = view[start]!;
  for (let index = start + 1; index < view.length; index++) {
    const line = view[index]!;
    const inside = line.fence === first.fence ? stripPrefix(line.text, prefix) : null;
    if (error?.code === 'split-block') {
      // After a split, look only for this block's END, whatever its prefix now (or the next BEGIN).
      const armorLine = OPENING_OR_END.exec(line.text)?.[1];
      if (armorLine === ARMOR.signatureEnd) return { end: index, resumeAt: index + 1, contents, error };
      if (armorLine === ARMOR.signedMessage) return { end: lastOwnLine, resumeAt: index, contents, error };
      continue;
    }
    if (inside === null) {
      const why = line.fence !== first.fence ? 'a code fence opens or closes' : 'the quote or indentation of the block stops';
      error = malformed('split-block', `the block is split at line ${line.line}: ${why} there, so what is shown is not one block`);
      continue;
    }
    lastOwnLine = index;
    const content = inside;
    const trimmed = disguisedArmor(content) ?? content.trimEnd();
    contents.push(content);
    if (trimmed === ARMOR.signatureEnd) {
      if (state !== 'signature') error ??= malformed('malformed-armor', `line ${line.line}: END PGP SIGNATURE without BEGIN PGP SIGNATURE`);
      return { end: index, resumeAt: index + 1, contents, error };
    }
    if (trimmed === ARMOR.signedMessage) {
      error ??= malformed('malformed-armor', `line ${line.line}: a second BEGIN PGP SIGNED MESSAGE line inside the block`);
      continue;
    }
    if (state === 'headers') {
      if (content.startsWith('Hash: ')) continue;
      state = 'text';
      if (ASCII_BLANK.test(content)) continue;
      // RFC 9580 §7.1: any header but "Hash:" (or text around it) means decline to validate.
      error ??= content.includes(':')
        ? malformed('armor-header', `line ${line.line}: only "Hash:" headers may follow BEGIN PGP SIGNED MESSAGE (RFC 9580 §7.1)`)
        : malformed('malformed-armor', `line ${line.line}: the line after the headers must be empty`);
    } else if (state === 'text') {
      if (trimmed === ARMOR.signatureBegin) state = 'signature';
      else if (ANY_ARMOR_LINE.test(trimmed))
        error ??= malformed('malformed-armor', `line ${line.line}: an armor line inside the signed text (it must be dash-escaped)`);
    } else if (ANY_ARMOR_LINE.test(trimmed)) {
      error ??= malformed('malformed-armor', `line ${line.line}: unexpected armor line inside the signature`);
    }
  }
  return {
    end: lastOwnLine,
    resumeAt: lastOwnLine + 1,
    contents,
    error: error ?? malformed('malformed-armor', 'the block has no END PGP SIGNATURE line'),
  };
}

/**
 * An inline-signed message (read as such by cleartext/inline-message.ts) or a lone detached
 * signature, which without its signed text is reported, never verified.
 */
function scanOther(view: LogicalLine[], start: number, prefix: string, kind: string): Scan {
  const endLine = kind === ARMOR.messageBegin ? ARMOR.messageEnd : ARMOR.signatureEnd;
  const error = kind === ARMOR.messageBegin ? null : malformed('unsupported-format', 'a detached signature without its signed text; pledge verifies cleartext-signed blocks and inline-signed messages');
  const message = kind === ARMOR.messageBegin;
  const contents: string[] = [kind];
  for (let index = start + 1; index < view.length; index++) {
    const line = view[index]!;
    const content = line.fence === view[start]!.fence ? stripPrefix(line.text, prefix) : null;
    if (content === null) {
      const split = message ? malformed('split-block', `the message is split at line ${line.line}: its quote, indentation or code fence stops there`) : error;
      return { end: index - 1, resumeAt: index, contents, error: split };
    }
    contents.push(content);
    if ((disguisedArmor(content) ?? content.trimEnd()) === endLine) return { end: index, resumeAt: index + 1, contents, error };
  }
  return { end: view.length - 1, resumeAt: view.length, contents, error: error ?? malformed('malformed-armor', 'the message has no END PGP MESSAGE line') };
}

/** Armor header lines: Hash: headers after BEGIN, and key: value lines after BEGIN PGP SIGNATURE. */
function countHeaders(lines: LogicalLine[]): number {
  let count = 0;
  let inSignatureHeaders = false;
  for (const [position, line] of lines.entries()) {
    const text = line.text.trimEnd();
    if (position > 0 && position === count + 1 && text.includes('Hash: ')) count++;
    else if (text.endsWith(ARMOR.signatureBegin)) inSignatureHeaders = true;
    else if (inSignatureHeaders && /^[^\s:]+: /.test(text.replace(/^[ \t>]*/, ''))) count++;
    else inSignatureHeaders = false;
  }
  return count;
}

function checkLimits(lines: LogicalLine[], limits: Limits): Reason<BlockErrorCode> | null {
  if (countHeaders(lines) > limits.maxArmorHeaders)
    return malformed('input-too-large', `the block holds more than ${limits.maxArmorHeaders} armor header lines (raise it with --max-armor-headers)`);
  let total = 0;
  for (const line of lines) {
    total += line.text.length + 1;
    if (line.text.length > limits.maxLineLength)
      return malformed('input-too-large', `line ${line.line} is longer than ${limits.maxLineLength} characters (raise it with --max-line-length)`);
  }
  if (total > limits.maxBlockChars)
    return malformed('input-too-large', `the block is over ${limits.maxBlockChars} characters (raise it with --max-block-chars)`);
  return null;
}

/**
 * Whether what renderers show of the block is what pledge and openpgp.js read: no line inside a
 * comment, no line break decoded from a character reference, no disguised armor line.
 */
function checkShown(lines: LogicalLine[]): Reason<BlockErrorCode> | null {
  const hidden = lines.filter((line) => line.hidden);
  if (hidden.length)
    return malformed(
      'hidden-block',
      `${hidden.length === lines.length ? 'the whole block' : `line ${hidden[0]!.line}`} sits inside an HTML comment: no renderer shows what would be verified`,
    );
  const joined = lines.find((line) => line.encodedBreak);
  if (joined)
    return malformed(
      'encoded-line-break',
      `line ${joined.line}: a character reference (such as &#10; or &NewLine;) decodes to a line break, so openpgp.js would read lines the page does not have`,
    );
  for (const line of lines) {
    const shown = disguisedArmor(line.text);
    if (shown) {
      const blank = [...line.text.replace(shown, '')].find((character) => character !== ' ' && character !== '\t' && character !== '>')!;
      const name = `U+${blank.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      return malformed('disguised-armor', `line ${line.line} shows "${shown}" with ${name} beside it: renderers show an armor line, openpgp.js reads text`);
    }
  }
  return null;
}

function checkLines(lines: LogicalLine[]): Reason<BlockErrorCode> | null {
  for (const line of lines) {
    // A lone CR is dropped by the hash but shown by renderers and terminals; U+2028 and U+2029
    // end lines for JavaScript's multiline regular expressions (openpgp.js's armor parser among
    // them). Either makes one reader see other lines than another: refuse them.
    if (/[\r\u2028\u2029]/.test(line.text))
      return malformed('bad-line-ending', `line ${line.line} holds a lone carriage return or a Unicode line separator: what it shows is not what was signed`);
    if (line.markup)
      return malformed('markup-in-block', `line ${line.line}: ${line.markup} inside the block can change what readers see; pledge undoes only highlighting markup`);
  }
  return null;
}

function renderingOf(lines: LogicalLine[], prefix: string): Rendering[] {
  const rendering: Rendering[] = [];
  if (lines.some((line) => line.crlf)) rendering.push('crlf');
  if (/[ \t]/.test(prefix.replace(/>[ ]?/g, ''))) rendering.push('indentation');
  if (prefix.includes('>')) rendering.push('quote-prefix');
  if (lines.some((line) => line.entities)) rendering.push('html-entities');
  if (lines.some((line) => line.lineBreak)) rendering.push('html-line-breaks');
  // Recorded only where every tag was undone: a refused block keeps its markup.
  if (lines.some((line) => line.highlighting) && !lines.some((line) => line.markup)) rendering.push('html-highlighting');
  return rendering;
}
