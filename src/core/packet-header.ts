/** Where one packet sits: its tag, and the offsets its body starts and ends at. */
export interface PacketFrame {
  tag: number;
  start: number;
  end: number;
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
    const first = bytes[position++];
    if (first === undefined) return null;
    if (first < 192) length = first;
    else if (first < 224) {
      const second = bytes[position++];
      if (second === undefined) return null;
      length = ((first - 192) << 8) + second + 192;
    } else if (first === 255) {
      if (position + 4 > bytes.length) return null;
      length = ((bytes[position]! << 24) >>> 0) + (bytes[position + 1]! << 16) + (bytes[position + 2]! << 8) + bytes[position + 3]!;
      position += 4;
    } else return null; // a partial body length
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
