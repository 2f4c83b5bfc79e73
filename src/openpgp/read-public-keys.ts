import { PacketList, PublicKey, PublicKeyPacket, PublicSubkeyPacket, SignaturePacket, UserAttributePacket, UserIDPacket, config, enums } from 'openpgp';
import { packetFrameAt } from '../core/packet-header.js';
import { STRICT_CONFIG } from './config.js';

/** The packets a public key is made of, by tag: the classes openpgp.js's readKeys builds for them. */
const KEY_PACKETS = new Map<number, new () => unknown>([
  [enums.packet.publicKey, PublicKeyPacket],
  [enums.packet.publicSubkey, PublicSubkeyPacket],
  [enums.packet.userID, UserIDPacket],
  [enums.packet.userAttribute, UserAttributePacket],
  [enums.packet.signature, SignaturePacket],
]);

interface ReadablePacket {
  packets: PacketList<never>;
  fromStream: boolean;
  read(bytes: Uint8Array, config: unknown): unknown;
}

/**
 * Public keys from binary transferable keys, built as openpgp.js's readKeys builds them (the
 * same packet classes, each read by its own `read`, then `new PublicKey` per primary key) but
 * without its stream machinery, which costs more than the parsing for a keyring of small keys
 * at start-up. Only the common case: definite lengths, every packet one a public key is made
 * of, every one readable. Anything else (secret keys; marker, trust or padding packets; unknown,
 * unsupported or malformed packets, which readKeys skips, wraps or refuses by its configuration)
 * gives null, and the caller asks readKeys. A differential test holds the two to the same keys.
 */
export async function readPublicKeys(bytes: Uint8Array): Promise<PublicKey[] | null> {
  const merged = { ...config, ...STRICT_CONFIG }; // as readKeys merges its configuration
  const packets = new PacketList<never>();
  const keyStarts: number[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const frame = packetFrameAt(bytes, offset);
    const Packet = frame && KEY_PACKETS.get(frame.tag);
    if (!frame || !Packet) return null;
    const packet = new Packet() as ReadablePacket;
    packet.packets = new PacketList();
    packet.fromStream = false;
    try {
      await packet.read(bytes.subarray(frame.start, frame.end), merged);
    } catch {
      return null;
    }
    if (frame.tag === enums.packet.publicKey) keyStarts.push(packets.length);
    packets.push(packet as never);
    offset = frame.end;
  }
  if (keyStarts.length === 0) return null;
  try {
    return keyStarts.map((start, index) => new PublicKey(packets.slice(start, keyStarts[index + 1]) as PacketList<never>));
  } catch {
    return null;
  }
}
