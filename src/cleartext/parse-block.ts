import { enums, readCleartextMessage, signaturePacketsOf, STRICT_CONFIG, type KeyID, type LiteralDataPacket, type SignaturePacket } from '../openpgp/index.js';
import { fastParseCleartext } from './fast-parse.js';
import type { BlockErrorCode, Reason } from '../core/reasons.js';
import type { Limits } from '../core/limits.js';
import { ARMOR } from '../extract/find-blocks.js';
import { HASH_HEADER_NAMES, hashName, publicKeyAlgorithmName } from './algorithm-names.js';

/** One signature packet of a block, with what it claims about itself (none of it trusted yet). */
export interface ParsedSignature {
  packet: SignaturePacket;
  issuerKeyID: string;
  issuerFingerprint: string | null;
  created: Date;
  hashAlgorithm: string;
  publicKeyAlgorithm: string;
  /**
   * The literal data packet the signature covers when it is not a cleartext block's text (an
   * inline-signed message): verified over these octets, as the signer hashed them.
   */
  literal?: LiteralDataPacket;
  /**
   * A detached signature's signed data: the document's octets exactly as read. Absent for a
   * cleartext block's signature, which signs its text.
   */
  signedData?: Uint8Array;
}

export interface ParsedBlock {
  /** Exactly what was hashed, as text: dash-escapes undone, trailing whitespace removed, LF endings. */
  signedText: string;
  signatures: ParsedSignature[];
}

export type ParseResult = { ok: true; block: ParsedBlock } | { ok: false; error: Reason<BlockErrorCode> };

const TEXT_SIGNATURE_TYPES = new Set<number>([enums.signature.text, enums.signature.binary]);
const KNOWN_HASH_NAMES = new Map(HASH_HEADER_NAMES);

const fail = (code: BlockErrorCode, message: string): ParseResult => ({ ok: false, error: { code, message } });

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** A key ID in upper-case hex, from the binary string openpgp.js keeps (its toHex converts it twice). */
function keyIDHex(keyID: KeyID): string {
  return Buffer.from(keyID.bytes, 'latin1').toString('hex').toUpperCase();
}

/** The lines after the first, read one at a time: the headers are a few lines of a long block. */
function* headerLines(armored: string): Generator<string> {
  let start = armored.indexOf('\n') + 1;
  while (start > 0 && start <= armored.length) {
    const end = armored.indexOf('\n', start);
    yield armored.slice(start, end === -1 ? armored.length : end);
    if (end === -1) return;
    start = end + 1;
  }
}

/** The hash algorithms a conformant "Hash:" header names, or null when a name is unknown. */
function hashHeaderAlgorithms(armored: string): { names: Set<number>; present: boolean } | null {
  const names = new Set<number>();
  let present = false;
  for (const line of headerLines(armored)) {
    if (!line.startsWith('Hash: ')) break;
    present = true;
    // A comma-separated list of names, ASCII spaces allowed around them and nothing else
    // (a "\v" or other control character makes the header non-conformant: RFC 9580 §6.2.2.3).
    for (const name of line.slice('Hash: '.length).split(',')) {
      const id = KNOWN_HASH_NAMES.get(name.replace(/^ +| +$/g, '').toUpperCase());
      if (id === undefined) return null;
      names.add(id);
    }
  }
  return { names, present };
}

/**
 * The block without its Hash: headers. Once pledge has checked them, RFC 9580 says to ignore
 * their contents; openpgp.js 6.3 does not know every RFC name (RIPEMD160), so it gets none.
 */
function withoutHashHeaders(armored: string): string {
  const lines = armored.split('\n');
  let end = 1;
  while (lines[end]?.startsWith('Hash: ')) end++;
  return [lines[0], ...lines.slice(end)].join('\n');
}

/** True when the signature armor holds no data at all (only headers, a checksum or nothing). */
function armorIsEmpty(armor: string): boolean {
  const lines = armor.split('\n').slice(1);
  const blank = lines.findIndex((line) => line.trim() === '');
  const body = lines.slice(blank + 1).filter((line) => line.trim() !== '' && !line.startsWith('=') && !line.startsWith('-----'));
  return body.length === 0;
}

function signatureArmor(armored: string): string {
  const lines = armored.split('\n');
  const start = lines.findIndex((line) => line.trimEnd() === ARMOR.signatureBegin);
  return lines.slice(start).join('\n');
}

/**
 * Parses one block that the extractor has already checked line by line. Failures are
 * classified by the step that failed, never by openpgp.js's message text.
 */
export async function parseBlock(armored: string, limits: Limits): Promise<ParseResult> {
  const hashHeader = hashHeaderAlgorithms(armored);
  if (!hashHeader) return fail('hash-header', 'the Hash: header names an unknown hash algorithm');

  // The fast reader never accepts an empty armor, so the emptiness check is needed only without it.
  let read = fastParseCleartext(armored);
  if (!read) {
    if (armorIsEmpty(signatureArmor(armored))) return fail('no-signature', 'the signature armor holds no data');
    try {
      // The extractor has checked the armor grammar line by line, so what fails here is the packets.
      const message = await readCleartextMessage({ cleartextMessage: withoutHashHeaders(armored), config: STRICT_CONFIG });
      read = { signedText: message.getText(), packets: signaturePacketsOf(message) };
    } catch (error) {
      return fail('malformed-packet', `the signature does not parse: ${(error as Error).message}`);
    }
  }
  const usable = usableSignatures(read.packets, limits, 'signature armor');
  if (!usable.ok) return usable;
  if (hashHeader.present) {
    const missing = usable.signatures.find((signature) => signature.packet.hashAlgorithm === null || !hashHeader.names.has(signature.packet.hashAlgorithm));
    if (missing) return fail('hash-header', `the Hash: header does not name ${missing.hashAlgorithm}, the signature's hash algorithm`);
  }
  return { ok: true, block: { signedText: read.signedText, signatures: usable.signatures } };
}

/**
 * The signature packets that can sign a text or a file, with what each claims; shared by cleartext
 * blocks, inline messages and detached signature files so all refuse the same packets and honour
 * the same limit.
 */
export function usableSignatures(packets: SignaturePacket[], limits: Limits, where: string): { ok: true; signatures: ParsedSignature[] } | { ok: false; error: Reason<BlockErrorCode> } {
  // Standalone, timestamp or certification signatures cannot sign a text (GHSA-qwqc-28w3-fww6).
  const usable = packets.filter((packet) => packet.signatureType !== null && TEXT_SIGNATURE_TYPES.has(packet.signatureType));
  if (usable.length === 0) return { ok: false, error: { code: 'no-signature', message: `the ${where} holds no usable text signature` } };
  // openpgp.js parses a malformed creation-time subpacket into an Invalid Date.
  if (usable.some((packet) => !packet.created || Number.isNaN(packet.created.getTime())))
    return { ok: false, error: { code: 'malformed-packet', message: 'a signature has no valid creation time' } };
  if (usable.length > limits.maxSignaturesPerBlock)
    return { ok: false, error: { code: 'input-too-large', message: `the block holds ${usable.length} signatures, over the limit of ${limits.maxSignaturesPerBlock} (raise it with --max-signatures)` } };
  return {
    ok: true,
    signatures: usable.map((packet) => ({
      packet,
      issuerKeyID: keyIDHex(packet.issuerKeyID),
      issuerFingerprint: packet.issuerFingerprint ? toHex(packet.issuerFingerprint) : null,
      created: packet.created ?? new Date(0),
      hashAlgorithm: hashName(packet.hashAlgorithm),
      publicKeyAlgorithm: publicKeyAlgorithmName(packet.publicKeyAlgorithm),
    })),
  };
}

