import { enums, legacySignaturePacket, readCommonSignature, readSignaturePacketBody, type SignaturePacket } from '../openpgp/index.js';
import { decodeArmorData } from '../core/radix64.js';
import { packetFrameAt } from '../core/packet-header.js';

export interface FastParsed {
  signedText: string;
  packets: SignaturePacket[];
}

const SIGNATURE_BEGIN = '-----BEGIN PGP SIGNATURE-----';
const SIGNATURE_END = '-----END PGP SIGNATURE-----';

/** openpgp.js's util.removeTrailingSpaces for one line: spaces, tabs and CRs at the end. */
function trimLine(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t' || line[end - 1] === '\r')) end--;
  return line.slice(0, end);
}

/**
 * A v3 signature (PGP 2.x), which openpgp.js 6 no longer parses: only its claims are read
 * (RFC 4880 §5.2.2), so the policy can refuse it as a legacy format rather than lose it.
 * It is never verified.
 */
function legacySignature(body: Uint8Array): SignaturePacket | null {
  if (body.length < 19 || body[1] !== 5) return null;
  const created = new Date(((body[3]! << 24) >>> 0) * 1000 + ((body[4]! << 16) + (body[5]! << 8) + body[6]!) * 1000);
  return legacySignaturePacket({ signatureType: body[2]!, created, issuerKeyID: body.subarray(7, 15), publicKeyAlgorithm: body[15]!, hashAlgorithm: body[16]! }, body);
}

/** Packet framing (RFC 9580 §4.2): definite lengths only; anything else goes to openpgp.js. */
export function signaturePackets(bytes: Uint8Array): SignaturePacket[] | null {
  const packets: SignaturePacket[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const frame = packetFrameAt(bytes, offset);
    if (!frame || frame.tag !== enums.packet.signature) return null;
    const body = bytes.subarray(frame.start, frame.end);
    offset = frame.end;
    if (body[0] === 3) {
      const legacy = legacySignature(body);
      if (!legacy) return null;
      packets.push(legacy);
      continue;
    }
    let packet = readCommonSignature(body);
    if (!packet) {
      try {
        packet = readSignaturePacketBody(body);
      } catch {
        return null; // openpgp.js decides what an unreadable packet means
      }
    }
    rawBodies.set(packet, body);
    packets.push(packet);
  }
  return packets;
}

const rawBodies = new WeakMap<SignaturePacket, Uint8Array>();

/** The packet body as it was on the wire, when the fast reader read it (else openpgp.js re-encodes it). */
export function wireBytesOf(packet: SignaturePacket): Uint8Array {
  return rawBodies.get(packet) ?? (packet.write() as Uint8Array);
}

/**
 * The signed text and signature packets of a block the extractor has already checked, read the
 * way openpgp.js's readCleartextMessage reads them but without its stream machinery (about ten
 * times faster). It handles only the canonical shape; for anything else it returns null and the
 * caller asks openpgp.js. A differential test holds the two to the same result.
 */
export function fastParseCleartext(armored: string): FastParsed | null {
  const lines = armored.split('\n');
  let index = 1;
  while (lines[index]?.startsWith('Hash: ')) index++;
  if (lines[index]?.trim() !== '') return null;
  index++;
  const text: string[] = [];
  for (; index < lines.length && lines[index] !== SIGNATURE_BEGIN; index++) text.push(trimLine(lines[index]!).replace(/^- /, ''));
  if (lines[index] !== SIGNATURE_BEGIN) return null;
  index++;
  while (index < lines.length && lines[index] !== '') {
    if (!/^[^\s:][^:]*: .+$/.test(lines[index]!)) return null; // headers: key: value
    index++;
  }
  if (lines[index] !== '') return null;
  index++;
  const data: string[] = [];
  for (; index < lines.length && lines[index] !== SIGNATURE_END; index++) data.push(lines[index]!);
  if (lines[index] !== SIGNATURE_END || lines.slice(index + 1).some((line) => line !== '')) return null;
  const bytes = decodeArmorData(data);
  const packets = bytes && signaturePackets(bytes);
  if (!packets) return null;
  // As CleartextMessage does: trailing whitespace off every line (above, before the dash-escape
  // is undone, which cannot leave any), LF line endings.
  return { signedText: text.join('\n'), packets };
}
