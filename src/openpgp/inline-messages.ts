import { LiteralDataPacket, Message, PacketList, SignaturePacket, enums, readMessage, unarmor, type AnyPacket } from 'openpgp';
import { LOW_LEVEL_STRICT, STRICT_CONFIG } from './config.js';

/*
 * Every openpgp.js call inline-signed messages make (issue 14): the armor, the
 * packets once pledge has undone any compression itself, and the one-signature message that
 * openpgp.js's own verify() is handed; and the private members read: the literal's octets and
 * format, and the packet stream the packets after the literal data arrive on.
 */

/** The bytes of a BEGIN PGP MESSAGE armor; throws when openpgp.js cannot read the armor. */
export async function messageBytes(armored: string): Promise<Uint8Array> {
  const { data } = await unarmor(armored, LOW_LEVEL_STRICT);
  return data as Uint8Array;
}

type PacketStream = { readToEnd?: (join: (parts: AnyPacket[]) => AnyPacket[]) => Promise<AnyPacket[]> };

/**
 * The literal data packets and signature packets of an uncompressed, unencrypted message; throws
 * on a packet or grammar error. openpgp.js hands the packets after the literal data over its
 * internal packet stream, and reports grammar errors there: it is read to its end, always.
 */
export async function signedMessagePackets(bytes: Uint8Array): Promise<{ literals: LiteralDataPacket[]; signatures: SignaturePacket[] }> {
  const message = await readMessage({ binaryMessage: bytes, config: STRICT_CONFIG });
  const stream = (message.packets as unknown as { stream?: PacketStream }).stream;
  const rest = typeof stream?.readToEnd === 'function' ? await stream.readToEnd((parts) => parts) : [];
  const packets = [...message.packets, ...rest];
  return {
    literals: packets.filter((packet): packet is LiteralDataPacket => packet instanceof LiteralDataPacket),
    signatures: packets.filter((packet): packet is SignaturePacket => packet instanceof SignaturePacket),
  };
}

/** A message of the literal data and this one signature: what openpgp.js's verify() checks it in. */
export function messageWith(literal: LiteralDataPacket, signature: SignaturePacket): Message<Uint8Array> {
  const packets = new PacketList<AnyPacket>();
  packets.push(literal, signature);
  return new Message(packets);
}

/**
 * The literal data as read: its octets, exactly what a binary (0x00) signature hashes, and whether
 * it is marked text ('t', 'u': RFC 9580 §5.9 says its line endings are CRLF, to be read as local ones).
 * Both private or untyped in openpgp.js 6.3's d.ts.
 */
export function literalData(literal: LiteralDataPacket): { bytes: Uint8Array; text: boolean } {
  const read = literal as unknown as { getBytes(): Uint8Array; format: number };
  return { bytes: read.getBytes(), text: read.format === enums.literal.text || read.format === enums.literal.utf8 };
}
