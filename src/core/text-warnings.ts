import type { WarningCode } from './reasons.js';

/** C0 controls other than tab and newline, DEL and C1 controls: they can drive a terminal. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
/**
 * Bidi controls and invisible (default-ignorable) characters: text that reads other than it is
 * (Trojan Source). By Unicode property, so U+061C, tags, U+2061–2064, fillers… are all in; U+FE0E
 * and U+FE0F only choose text or emoji style, so an emoji is not a warning.
 */
export const CONFUSABLE_CHARACTERS = /(?![\uFE0E\uFE0F])[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/u;

const PLAIN_ASCII = /^[\t\n\x20-\x7E]*$/;

/** Letters of a script that can pass for Latin ones (Cyrillic а, Greek ο…). */
const LOOKALIKE_SCRIPTS = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u;
const LATIN = /\p{Script=Latin}/u;

/** A word mixing Latin letters with look-alike letters of another script: a homoglyph (CVE-2021-42694). */
export function hasMixedScriptWord(text: string): boolean {
  return text.split(/[^\p{L}\p{M}]+/u).some((word) => LATIN.test(word) && LOOKALIKE_SCRIPTS.test(word));
}

/** Warnings a text earns whatever its signature: it was signed, but may not read as it is. */
export function textWarnings(text: string): WarningCode[] {
  const warnings: WarningCode[] = [];
  if (PLAIN_ASCII.test(text)) return warnings; // the common case, decided in one pass
  if (CONTROL_CHARACTERS.test(text)) warnings.push('control-characters');
  if (CONFUSABLE_CHARACTERS.test(text) || hasMixedScriptWord(text)) warnings.push('confusable-text');
  return warnings;
}
