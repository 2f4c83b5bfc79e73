import { CleartextMessage, LiteralDataPacket, PacketList, Signature, type SignaturePacket } from 'openpgp';

/*
 * Messages and literal packets built the way openpgp.js builds them to verify a cleartext
 * message: openpgp.js 6 exposes these at run time, but its type definitions mark them private or
 * omit the constructor arguments (test/openpgp/contract.test.ts holds them to it).
 */

/** A literal data packet holding `text`, as openpgp.js builds one to verify a cleartext message. */
export function literalTextPacket(text: string): LiteralDataPacket {
  const literal = new LiteralDataPacket() as unknown as { setText(text: string): void };
  literal.setText(text);
  return literal as unknown as LiteralDataPacket;
}

/**
 * The literal packet openpgp.js's `CleartextMessage.verify` hashes for `text`: trailing spaces
 * removed and CRLF line endings (its constructor's form), so that a binary (0x00) signature is
 * checked over the same octets as a text (0x01) one, never over the LF text (threat catalogue C-23).
 */
export function cleartextLiteralPacket(text: string): LiteralDataPacket {
  const message = cleartextMessageWith(text, []) as unknown as { text: string };
  return literalTextPacket(message.text);
}

/** A cleartext message over `text` carrying only the given signature packets. */
export function cleartextMessageWith(text: string, packets: SignaturePacket[]): CleartextMessage {
  const list = new PacketList<SignaturePacket>();
  list.push(...packets);
  const Constructor = CleartextMessage as unknown as new (text: string, signature: Signature) => CleartextMessage;
  return new Constructor(text, new Signature(list));
}

/** The signature packets a parsed cleartext message carries (typed as absent in 6.3's d.ts). */
export function signaturePacketsOf(message: CleartextMessage): SignaturePacket[] {
  const signature = (message as unknown as { signature: Signature }).signature;
  return [...signature.packets];
}

/**
 * The same signature packet seen without what openpgp.js checks after the mathematics
 * (critical notations and subpackets, revocation keys), to ask only "does the signature match
 * the text and key?" once pledge has decided on those itself. Reads go to the real packet.
 */
export function mathematicsView(packet: SignaturePacket): SignaturePacket {
  type Checked = { rawNotations: { critical: boolean }[]; unknownSubpackets?: { critical: boolean }[]; revocationKeyClass: number | null };
  const original = packet as unknown as Checked;
  const view = Object.create(packet) as Checked;
  view.rawNotations = original.rawNotations.map((notation) => ({ ...notation, critical: false }));
  view.unknownSubpackets = (original.unknownSubpackets ?? []).map((subpacket) => ({ ...subpacket, critical: false }));
  view.revocationKeyClass = null;
  return view as unknown as SignaturePacket;
}
