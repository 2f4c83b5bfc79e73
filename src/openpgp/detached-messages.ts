import { LiteralDataPacket, Message, PacketList, Signature, enums, unarmor, type SignaturePacket } from 'openpgp';
import { LOW_LEVEL_STRICT } from './config.js';

/*
 * The openpgp.js objects a detached signature is verified against (issue 14). Its typings mark
 * `LiteralDataPacket.setBytes` private and give `Message` no public constructor from packets;
 * the detached path reaches past them here.
 */

/** openpgp.js's reading of an armor with pledge's configuration: its type (enums.armor) and bytes. */
export async function unarmorStrict(text: string): Promise<{ type: enums.armor; data: Uint8Array }> {
  const { type, data } = await unarmor(text, LOW_LEVEL_STRICT);
  return { type, data: data as Uint8Array };
}

/** A binary literal packet holding the document's octets: what `createMessage({ binary })` builds, without its stream machinery. */
export function detachedLiteralPacket(data: Uint8Array): LiteralDataPacket {
  const literal = new LiteralDataPacket() as unknown as { setBytes(bytes: Uint8Array, format: enums.literal): void };
  literal.setBytes(data, enums.literal.binary);
  return literal as unknown as LiteralDataPacket;
}

/** The message and detached signature `openpgp.verify` takes for one signature packet over `data`. */
export function detachedMessageWith(data: Uint8Array, packet: SignaturePacket): { message: Message<Uint8Array>; signature: Signature } {
  const literals = new PacketList<LiteralDataPacket>();
  literals.push(detachedLiteralPacket(data));
  const Constructor = Message as unknown as new (packets: PacketList<LiteralDataPacket>) => Message<Uint8Array>;
  const signatures = new PacketList<SignaturePacket>();
  signatures.push(packet);
  return { message: new Constructor(literals), signature: new Signature(signatures) };
}
