/** The armor checksum line (RFC 9580 §6.1): '=' and four base64 characters. */
const CHECKSUM_LINE = /^=[A-Za-z0-9+/]{4}$/;

/**
 * The bytes of armor data lines (RFC 9580 §6) in their canonical shape only: base64 lines, none
 * empty, '=' padding only at the end of the last, then at most a checksum line (dropped unread, as
 * openpgp.js 6 drops it). The data is canonical exactly when it encodes back to itself, which is
 * cheaper to ask than a regular expression over it. Null for anything else: the caller then lets
 * openpgp.js's own armor reader decide, so both always agree.
 */
export function decodeArmorData(lines: readonly string[]): Uint8Array | null {
  const end = lines.length > 0 && CHECKSUM_LINE.test(lines[lines.length - 1]!) ? lines.length - 1 : lines.length;
  if (end === 0 || lines[end - 1]!.startsWith('=')) return null;
  for (let index = 0; index < end; index++) if (lines[index] === '') return null;
  const joined = lines.slice(0, end).join('');
  const decoded = Buffer.from(joined, 'base64');
  if (decoded.toString('base64') !== joined) return null;
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
}
