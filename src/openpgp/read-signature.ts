import { SignaturePacket, enums } from 'openpgp';

/*
 * A reader for the common shape of v4 signature packets, filling an openpgp.js SignaturePacket
 * exactly as its own `read` would, without the per-call TextDecoder and string conversions that
 * make that cost ~15 µs a signature in a batch. It takes only what it knows field for field:
 * v4; RSA, EdDSA (legacy) or Ed25519; hashed subpackets of creation time, signature expiration,
 * issuer, notation, signer's user ID and issuer fingerprint; lengths that add up exactly. For
 * anything else it returns null and the caller asks openpgp.js. A differential test
 * (test/cleartext/read-signature.test.ts) holds the two to the same packet.
 */

/** Subpacket types (RFC 9580 §5.2.3.7); openpgp.js's enums.signatureSubpacket, which its typings omit. */
const SUB = { signatureCreationTime: 2, signatureExpirationTime: 3, issuerKeyID: 16, notationData: 20, signersUserID: 28, embeddedSignature: 32, issuerFingerprint: 33 } as const;
/** Unhashed subpackets openpgp.js reads the value of (the rest it only keeps). */
const UNHASHED_READ = new Set<number>([SUB.issuerKeyID, SUB.issuerFingerprint, SUB.embeddedSignature]);
const utf8 = new TextDecoder('utf-8'); // as openpgp.js util.decodeUTF8: not fatal, BOM dropped

type Writable = Record<string, unknown> & { issuerKeyID: { bytes: string } };

/** A key ID's eight octets as openpgp.js keeps them (one char each); no spread, which iterates. */
const keyIDString = (b: Uint8Array) => String.fromCharCode(b[0]!, b[1]!, b[2]!, b[3]!, b[4]!, b[5]!, b[6]!, b[7]!);

function readNumber(bytes: Uint8Array, start: number, length: number): number {
  let n = 0;
  for (let i = 0; i < length; i++) n = n * 256 + bytes[start + i]!;
  return n;
}

/** One subpacket area at `start`: its end, or -1 when it is not one this reader takes. */
function readArea(packet: Writable, body: Uint8Array, start: number, hashed: boolean): number {
  if (start + 2 > body.length) return -1;
  const end = start + 2 + readNumber(body, start, 2);
  if (end > body.length) return -1;
  let i = start + 2;
  while (i < end) {
    const first = body[i]!;
    let length: number;
    if (first < 192) {
      length = first;
      i += 1;
    } else if (first < 255) {
      if (i + 1 >= end) return -1;
      length = ((first - 192) << 8) + body[i + 1]! + 192;
      i += 2;
    } else {
      if (i + 5 > end) return -1;
      length = readNumber(body, i + 1, 4);
      i += 5;
    }
    if (length < 1 || i + length > end) return -1;
    const critical = (body[i]! & 0x80) !== 0;
    const type = body[i]! & 0x7f;
    const value = body.subarray(i + 1, i + length);
    i += length;
    if (!hashed) {
      (packet.unhashedSubpackets as unknown[]).push({ type, critical, body: value });
      if (!UNHASHED_READ.has(type)) continue;
    }
    if (!readSubpacket(packet, type, critical, value)) return -1;
  }
  return end;
}

/** The value of one subpacket, as openpgp.js's readSubPacket sets it; false when not taken. */
function readSubpacket(packet: Writable, type: number, critical: boolean, value: Uint8Array): boolean {
  switch (type) {
    case SUB.signatureCreationTime:
      if (value.length !== 4) return false;
      packet.created = new Date(readNumber(value, 0, 4) * 1000);
      return true;
    case SUB.signatureExpirationTime: {
      if (value.length !== 4) return false;
      const seconds = readNumber(value, 0, 4);
      packet.signatureNeverExpires = seconds === 0;
      packet.signatureExpirationTime = seconds;
      return true;
    }
    case SUB.issuerKeyID:
      if (value.length !== 8) return false;
      packet.issuerKeyID.bytes = keyIDString(value);
      return true;
    case SUB.notationData: {
      if (value.length < 8) return false;
      const nameLength = readNumber(value, 4, 2);
      const valueLength = readNumber(value, 6, 2);
      if (8 + nameLength + valueLength !== value.length) return false;
      const humanReadable = (value[0]! & 0x80) !== 0;
      const name = utf8.decode(value.subarray(8, 8 + nameLength));
      const data = value.subarray(8 + nameLength);
      (packet.rawNotations as unknown[]).push({ name, humanReadable, value: data, critical });
      if (humanReadable) (packet.notations as Record<string, string>)[name] = utf8.decode(data);
      return true;
    }
    case SUB.signersUserID:
      packet.signersUserID = utf8.decode(value);
      return true;
    case SUB.issuerFingerprint:
      if (value.length !== 21 || value[0] !== 4) return false;
      packet.issuerKeyVersion = 4;
      packet.issuerFingerprint = value.subarray(1);
      packet.issuerKeyID.bytes = keyIDString(value.subarray(13));
      return true;
    default:
      return false;
  }
}

/** An MPI at `start`: its bytes, or null when it runs past the end. */
function mpi(body: Uint8Array, start: number): Uint8Array | null {
  if (start + 2 > body.length) return null;
  const length = (((body[start]! << 8) | body[start + 1]!) + 7) >>> 3;
  return start + 2 + length <= body.length ? body.subarray(start + 2, start + 2 + length) : null;
}

/** The signature fields after the left 16 bits of the hash, or null. */
function signatureParams(algorithm: number, body: Uint8Array, start: number): Record<string, Uint8Array> | null {
  switch (algorithm) {
    case enums.publicKey.rsaEncryptSign:
    case enums.publicKey.rsaSign: {
      const s = mpi(body, start);
      return s && start + 2 + s.length === body.length ? { s } : null;
    }
    case enums.publicKey.eddsaLegacy: {
      const r = mpi(body, start);
      const s = r && mpi(body, start + 2 + r.length);
      return r && s && start + 4 + r.length + s.length === body.length ? { r, s } : null;
    }
    case enums.publicKey.ed25519:
      return start + 64 === body.length ? { RS: body.subarray(start) } : null;
    default:
      return null;
  }
}

/** The packet openpgp.js's `new SignaturePacket().read(body)` gives, or null to let it read it. */
export function readCommonSignature(body: Uint8Array): SignaturePacket | null {
  if (body.length < 6 || body[0] !== 4) return null;
  const packet = new SignaturePacket();
  const fields = packet as unknown as Writable;
  fields.version = 4;
  fields.signatureType = body[1];
  fields.publicKeyAlgorithm = body[2];
  fields.hashAlgorithm = body[3];
  const hashedEnd = readArea(fields, body, 4, true);
  if (hashedEnd < 0 || !fields.created) return null;
  fields.signatureData = body.subarray(0, hashedEnd);
  const unhashedEnd = readArea(fields, body, hashedEnd, false);
  if (unhashedEnd < 0 || unhashedEnd + 2 > body.length) return null;
  fields.signedHashValue = body.subarray(unhashedEnd, unhashedEnd + 2);
  const params = signatureParams(body[2]!, body, unhashedEnd + 2);
  if (!params) return null;
  fields.params = params;
  return packet;
}
