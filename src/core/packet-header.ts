/**
 * A new-format definite length at `position` (RFC 9580 §4.2.1: one, two or five octets): the
 * body's length and where it starts; null for a partial length or a truncated one.
 */
function definiteLength(bytes: Uint8Array, position: number): { length: number; start: number } | null {
  const first = bytes[position];
  if (first === undefined) return null;
  if (first < 192) return { length: first, start: position + 1 };
  if (first < 224) {
    const second = bytes[position + 1];
    return second === undefined ? null : { length: ((first - 192) << 8) + second + 192, start: position + 2 };
  }
  if (first !== 255 || position + 5 > bytes.length) return null;
  return { length: ((bytes[position + 1]! << 24) >>> 0) + (bytes[position + 2]! << 16) + (bytes[position + 3]! << 8) + bytes[position + 4]!, start: position + 5 };
}

/** Where one packet sits: its tag, and the offsets its body starts and ends at. */
export interface PacketFrame {
  tag: number;
  start: number;
  end: number;
}

/** One packet whole: its tag, its body (partial chunks joined) and where the next packet starts. */
export interface WholePacket {
  tag: number;
  body: Uint8Array;
  next: number;
}

/**
 * The packet header at `offset` (RFC 9580 §4.2, both formats) when it gives a definite length
 * and the body fits in `bytes`; null for anything else: no header there, a partial or
 * indeterminate length, a truncated header or body. The fast readers take only such packets
 * and leave the rest to openpgp.js.
 */
export function packetFrameAt(bytes: Uint8Array, offset: number): PacketFrame | null {
  const header = bytes[offset];
  if (header === undefined || (header & 0x80) === 0) return null;
  let position = offset + 1;
  let tag: number;
  let length: number;
  if (header & 0x40) {
    tag = header & 0x3f;
    const definite = definiteLength(bytes, position);
    if (!definite) return null;
    [length, position] = [definite.length, definite.start];
  } else {
    tag = (header >> 2) & 0x0f;
    const kind = header & 0x03;
    if (kind === 3) return null; // an indeterminate length
    const size = 1 << kind;
    if (position + size > bytes.length) return null;
    length = 0;
    for (let index = 0; index < size; index++) length = length * 256 + bytes[position++]!;
  }
  const end = position + length;
  return end <= bytes.length ? { tag, start: position, end } : null;
}

/**
 * The packet at `offset` with any length a writer may use (RFC 9580 §4.2): definite, partial
 * body chunks (sq writes them) or, in the old format, indeterminate to the end of the data
 * (gpg writes its compressed packet so). Null when the header or a chunk is truncated.
 */
export function wholePacketAt(bytes: Uint8Array, offset: number): WholePacket | null {
  const header = bytes[offset];
  if (header === undefined || (header & 0x80) === 0) return null;
  if ((header & 0x40) === 0 && (header & 0x03) === 3) return { tag: (header >> 2) & 0x0f, body: bytes.subarray(offset + 1), next: bytes.length };
  const definite = packetFrameAt(bytes, offset);
  if (definite) return { tag: definite.tag, body: bytes.subarray(definite.start, definite.end), next: definite.end };
  if ((header & 0x40) === 0) return null;
  // New format with partial lengths: chunks of 2^n octets, then a definite-length last chunk.
  const chunks: Uint8Array[] = [];
  let position = offset + 1;
  for (;;) {
    const first = bytes[position];
    if (first === undefined) return null;
    if (first >= 224 && first < 255) {
      const end = position + 1 + (1 << (first & 0x1f));
      if (end > bytes.length) return null;
      chunks.push(bytes.subarray(position + 1, end));
      position = end;
      continue;
    }
    // The last chunk: a definite length (one, two or five octets).
    const last = definiteLength(bytes, position);
    if (!last) return null;
    const end = last.start + last.length;
    if (end > bytes.length) return null;
    chunks.push(bytes.subarray(last.start, end));
    return { tag: header & 0x3f, body: Buffer.concat(chunks), next: end };
  }
}
