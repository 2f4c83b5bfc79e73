/**
 * Makes untrusted text (signed text, user IDs, paths) safe for a terminal or CI log: control
 * characters, bidi overrides and zero-width characters become visible escapes, so nothing a
 * document holds can move the cursor, recolour the screen or reorder what is read.
 */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;

export function escapeText(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const code = character.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

/** One line of signed text for a report: escaped, newlines shown, cut to `width` characters. */
export function previewText(text: string, width = 72): string {
  const oneLine = escapeText(text.replace(/\n/g, ' ⏎ ').replace(/\s+/g, ' ').trim());
  return oneLine.length > width ? `${oneLine.slice(0, width - 1)}…` : oneLine;
}

/** "ABCD EF01 …": fingerprints in groups of four, as GnuPG prints them. */
export function groupFingerprint(hex: string): string {
  return hex.replace(/(.{4})(?=.)/g, '$1 ');
}
