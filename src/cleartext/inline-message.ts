import { zlib } from '../core/built-ins.js';
import type { Limits } from '../core/limits.js';
import type { BlockErrorCode, Reason } from '../core/reasons.js';
import { wholePacketAt } from '../core/packet-header.js';
import { literalData, messageBytes, signedMessagePackets } from '../openpgp/index.js';
import { usableSignatures, type ParseResult } from './parse-block.js';

/*
 * Inline-signed messages (`gpg --sign --armor`, `sq sign`): one-pass signatures, literal data,
 * signatures, maybe compressed. The literal data is the signed text, held to the cleartext's
 * rules; its file name and date are not signed by a v4 or v6 signature, so they are dropped.
 */

const TAG = { compressed: 8, marker: 10, padding: 21 } as const;
/** Packets that make a message encrypted: session keys and encrypted data of every kind. */
const ENCRYPTED_TAGS = new Set([1, 3, 9, 18, 20]);
/** Compression inside compression is allowed this deep (GnuPG's own messages use one level). */
const MAX_NESTING = 2;

type Unwrapped = { ok: true; bytes: Uint8Array } | { ok: false; error: Reason<BlockErrorCode> };

const fail = (code: BlockErrorCode, message: string, detail?: Reason['detail']): { ok: false; error: Reason<BlockErrorCode> } => ({
  ok: false,
  error: detail ? { code, message, detail } : { code, message },
});

/** Inflates one compressed packet's body, never past `budget` octets (RFC 9580 §5.6). */
function inflate(body: Uint8Array, budget: number): Unwrapped {
  const algorithm = body[0];
  const data = body.subarray(1);
  if (algorithm === 0) return { ok: true, bytes: data };
  if (algorithm !== 1 && algorithm !== 2) return fail('unsupported-format', `the message is compressed with algorithm ${algorithm}${algorithm === 3 ? ' (BZip2)' : ''}, which pledge does not read`);
  try {
    // maxOutputLength stops zlib as soon as the output would pass the budget: a bomb is never inflated whole.
    const out = (algorithm === 1 ? zlib().inflateRawSync : zlib().inflateSync)(data, { maxOutputLength: budget });
    return { ok: true, bytes: new Uint8Array(out.buffer, out.byteOffset, out.length) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return fail('compression-bomb', `the compressed message inflates past ${budget} octets, the block limit (raise it with --max-block-chars): refused before it is read`);
    return fail('malformed-packet', `the compressed data does not inflate: ${(error as Error).message}`);
  }
}

/** The message's packets with compression undone, or why it cannot be read: encrypted, a bomb, truncated. */
function uncompressed(bytes: Uint8Array, budget: number, depth = 0): Unwrapped {
  const tags: number[] = [];
  let compressedBody: Uint8Array | null = null;
  for (let offset = 0; offset < bytes.length;) {
    const packet = wholePacketAt(bytes, offset);
    if (!packet) return fail('malformed-packet', `the message's packets do not parse (a truncated or invalid packet at octet ${offset})`);
    if (ENCRYPTED_TAGS.has(packet.tag)) return fail('unsupported-format', 'an encrypted message: pledge verifies signatures and never decrypts', 'encrypted-message');
    if (packet.tag === TAG.compressed) compressedBody = packet.body;
    if (packet.tag !== TAG.marker && packet.tag !== TAG.padding) tags.push(packet.tag);
    offset = packet.next;
  }
  if (!compressedBody) return { ok: true, bytes };
  if (tags.length !== 1) return fail('malformed-packet', 'a compressed packet beside other packets: not a message grammar pledge reads');
  if (depth >= MAX_NESTING) return fail('malformed-packet', `compression nested more than ${MAX_NESTING} deep`);
  const inflated = inflate(compressedBody, budget);
  return inflated.ok ? uncompressed(inflated.bytes, budget, depth + 1) : inflated;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The literal data as text under the cleartext's rules, or why it cannot be the signed text. */
function literalText({ bytes, text: marked }: { bytes: Uint8Array; text: boolean }, limits: Limits): { ok: true; text: string } | { ok: false; error: Reason<BlockErrorCode> } {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return fail('unsupported-format', 'the literal data is not UTF-8 text: pledge verifies text statements');
  }
  // Text-mode literal data holds CRLF line endings, read as LF (as GnuPG writes it out, and openpgp.js reads it); binary data stays exact.
  if (marked) text = text.replaceAll('\r\n', '\n');
  // As in a cleartext block (find-blocks checkLines): a lone CR or a Unicode line separator shows other lines than are signed.
  if (/\r(?!\n)|[\u2028\u2029]/.test(text)) return fail('bad-line-ending', 'the signed text holds a lone carriage return or a Unicode line separator: what it shows is not what was signed');
  let line = 1;
  for (const content of text.split('\n')) {
    if (content.length > limits.maxLineLength) return fail('input-too-large', `line ${line} of the signed text is longer than ${limits.maxLineLength} characters (raise it with --max-line-length)`);
    line++;
  }
  if (text.length > limits.maxBlockChars) return fail('input-too-large', `the signed text is over ${limits.maxBlockChars} characters (raise it with --max-block-chars)`);
  return { ok: true, text };
}

/**
 * Parses one BEGIN PGP MESSAGE block the extractor cut out. Failures are classified by the step
 * that failed (armor, compression, packets, text), never by openpgp.js's message text.
 */
export async function parseInlineMessage(armored: string, limits: Limits): Promise<ParseResult> {
  let bytes: Uint8Array;
  try {
    bytes = await messageBytes(armored);
  } catch (error) {
    return fail('malformed-armor', `the message armor does not decode: ${(error as Error).message}`);
  }
  const unwrapped = uncompressed(bytes, limits.maxBlockChars);
  if (!unwrapped.ok) return unwrapped;
  let packets: Awaited<ReturnType<typeof signedMessagePackets>>;
  try {
    packets = await signedMessagePackets(unwrapped.bytes);
  } catch (error) {
    return fail('malformed-packet', `the message does not parse: ${(error as Error).message}`);
  }
  const [literal, ...others] = packets.literals;
  if (!literal || others.length) return fail('malformed-packet', `the message holds ${packets.literals.length} literal data packets; a signed message holds one`);
  const text = literalText(literalData(literal), limits);
  if (!text.ok) return text;
  const usable = usableSignatures(packets.signatures, limits, 'message');
  if (!usable.ok) return usable;
  for (const signature of usable.signatures) signature.literal = literal;
  return { ok: true, block: { signedText: text.text, signatures: usable.signatures } };
}
