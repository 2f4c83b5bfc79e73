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

/** One packet whole: its tag, its body (partial chunks joined) and where the next packet starts. */
export interface WholePacket {
  tag: number;
  body: Uint8Array;
  next: number;
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
    let length: number;
    let start: number;
    if (first < 192) [length, start] = [first, position + 1];
    else if (first < 224) [length, start] = [((first - 192) << 8) + (bytes[position + 1] ?? 0) + 192, position + 2];
    else if (position + 5 <= bytes.length) [length, start] = [Buffer.from(bytes.subarray(position + 1, position + 5)).readUInt32BE(0), position + 5];
    else return null;
    const end = start + length;
    if (end > bytes.length) return null;
    chunks.push(bytes.subarray(start, end));
    return { tag: header & 0x3f, body: Buffer.concat(chunks), next: end };
  }
}
