import { packetFrameAt } from '../core/packet-header.js';

/**
 * GnuPG's keybox (pubring.kbx, GnuPG 2.1+), read without gpg: the format is GnuPG's
 * kbx/keybox-blob.c. A file is a list of blobs, each "u32 length (itself included), u8 type,
 * u8 version, u16 flags"; an OpenPGP blob (type 2) then gives "u32 offset, u32 length" of its
 * OpenPGP key block, counted from the blob's start. The first blob (type 1) carries the magic
 * "KBXf" at byte 8. Everything else in a blob (GnuPG's index, ownertrust, validity) is left
 * unread: pledge judges keys by their own signatures, never by the user's trust.
 */

const HEADER_BLOB = 1;
const OPENPGP_BLOB = 2;
const SECRET_FLAG = 0x0001; // "contains secret key material": never produced by GnuPG 2.1+, never read here
const TRUST_PACKET = 12; // GnuPG's ring trust (key origin, validity): not part of the key

/** Does this file start with a keybox's first blob? */
export function isKeybox(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && bytes[4] === HEADER_BLOB && String.fromCharCode(...bytes.subarray(8, 12)) === 'KBXf';
}

export class KeyboxError extends Error {}

const u32 = (bytes: Uint8Array, offset: number) => ((bytes[offset]! << 24) >>> 0) + (bytes[offset + 1]! << 16) + (bytes[offset + 2]! << 8) + bytes[offset + 3]!;

/** The OpenPGP key blocks of a keybox, trust packets removed; a KeyboxError says where its framing breaks. */
export function keyboxKeyBlocks(bytes: Uint8Array): Uint8Array[] {
  if (!isKeybox(bytes)) throw new KeyboxError('not a GnuPG keybox (no "KBXf" header blob)');
  const blocks: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 6 > bytes.length) throw new KeyboxError(`truncated blob at byte ${offset}`);
    const length = u32(bytes, offset);
    if (length < 6 || offset + length > bytes.length) throw new KeyboxError(`the blob at byte ${offset} claims ${length} bytes, beyond the file's ${bytes.length}`);
    const blob = bytes.subarray(offset, offset + length);
    if (blob[4] === OPENPGP_BLOB) {
      if (length < 16) throw new KeyboxError(`the OpenPGP blob at byte ${offset} is too short (${length} bytes)`);
      const flags = (blob[6]! << 8) | blob[7]!;
      const start = u32(blob, 8);
      const size = u32(blob, 12);
      if (start < 16 || start + size > length) throw new KeyboxError(`the OpenPGP blob at byte ${offset} points its key block outside itself`);
      if ((flags & SECRET_FLAG) === 0) blocks.push(withoutTrustPackets(blob.subarray(start, start + size)));
    }
    offset += length;
  }
  return blocks;
}

/** The key block without its trust packets; unchanged when its framing is not plain (openpgp.js then reads it as is). */
function withoutTrustPackets(block: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [];
  let offset = 0;
  while (offset < block.length) {
    const frame = packetFrameAt(block, offset);
    if (!frame) return block;
    if (frame.tag !== TRUST_PACKET) kept.push(block.subarray(offset, frame.end));
    offset = frame.end;
  }
  return Buffer.concat(kept);
}
