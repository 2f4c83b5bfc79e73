/**
 * Makes untrusted text (signed text, user IDs, paths) safe for a terminal or CI log: control
 * characters, bidi overrides and zero-width characters become visible escapes, so nothing a
 * document holds can move the cursor, recolour the screen or reorder what is read.
 */
/**
 * By Unicode property, not a list (a list missed U+061C, tags, U+2061–2064, U+3164…). U+FE0E and
 * U+FE0F are left alone: they only pick text or emoji style for the character before them.
 */
const UNSAFE = /(?![\uFE0E\uFE0F])[\p{Cc}\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/gu;

export function escapeText(text: string): string {
  return text.replace(UNSAFE, (character) => {
    const code = character.codePointAt(0)!;
    const hex = code.toString(16).toUpperCase();
    if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
    return code <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\u{${hex}}`;
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
