import type { WarningCode } from './reasons.js';

/** C0 controls other than tab and newline, DEL and C1 controls: they can drive a terminal. */
export const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;
/** Bidi overrides and isolates, zero-width characters: text that reads other than it is (Trojan Source). */
export const CONFUSABLE_CHARACTERS = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2060\uFEFF]/;

/** Warnings a signed text earns whatever its signature: it was signed, but may not read as it is. */
export function textWarnings(text: string): WarningCode[] {
  const warnings: WarningCode[] = [];
  if (CONTROL_CHARACTERS.test(text)) warnings.push('control-characters');
  if (CONFUSABLE_CHARACTERS.test(text)) warnings.push('confusable-text');
  return warnings;
}
