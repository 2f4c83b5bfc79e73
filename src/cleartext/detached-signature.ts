import { enums, readSignature, STRICT_CONFIG, unarmorStrict } from '../openpgp/index.js';
import type { BlockErrorCode, Reason } from '../core/reasons.js';
import type { Limits } from '../core/limits.js';
import { packetFrameAt } from '../core/packet-header.js';
import { signaturePackets } from './fast-parse.js';
import { usableSignatures, type ParsedSignature } from './parse-block.js';

/*
 * Detached signature files (RFC 9580 §10.4, `gpg --detach-sign`, `sq sign --signature-file`):
 * recognised by what they hold, never by their name, and read into the same ParsedSignature a
 * cleartext block gives, so that discovery and verification treat both alike.
 */

const BEGIN = '-----BEGIN PGP SIGNATURE-----';
const END = '-----END PGP SIGNATURE-----';

/** A signature file is a few signatures: larger than this, a file is no signature file (and is never read whole as one). */
export const MAX_SIGNATURE_FILE_BYTES = 256 * 1024;

/** How a signature file is written. */
export type SignatureEncoding = 'armored' | 'binary';

/** Whitespace around an armored signature: what editors and `gpg --armor` leave. */
const isSpace = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;

/** The file's text between the whitespace around it (Latin-1: armor is ASCII, anything else fails the test). */
function trimmedText(bytes: Uint8Array): string {
  let start = 0;
  let end = bytes.length;
  while (start < end && isSpace(bytes[start]!)) start++;
  while (end > start && isSpace(bytes[end - 1]!)) end--;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** Binary signature packets, one after another to the last byte, each with a definite length. */
function isBinarySignatures(bytes: Uint8Array): boolean {
  let offset = 0;
  while (offset < bytes.length) {
    const frame = packetFrameAt(bytes, offset);
    if (!frame || frame.tag !== enums.packet.signature || frame.end === frame.start) return false;
    offset = frame.end;
  }
  return offset > 0;
}

/**
 * How the file is a detached signature, by its content alone: one armored `BEGIN PGP SIGNATURE`
 * block and nothing else but whitespace, or binary signature packets and nothing else. Null for
 * any other file (a cleartext-signed document, an inline message, a text that quotes an armor).
 */
export function signatureEncodingOf(bytes: Uint8Array): SignatureEncoding | null {
  if (bytes.length === 0 || bytes.length > MAX_SIGNATURE_FILE_BYTES) return null;
  if (bytes[0]! & 0x80) return isBinarySignatures(bytes) ? 'binary' : null;
  const text = trimmedText(bytes);
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) return null;
  // One block: a second BEGIN would make it several files' worth, or a document quoting them.
  return text.indexOf(BEGIN, BEGIN.length) === -1 && text.indexOf(END) === text.length - END.length ? 'armored' : null;
}

export type SignatureFileResult = { ok: true; encoding: SignatureEncoding; signatures: ParsedSignature[]; lines: number } | { ok: false; error: Reason<BlockErrorCode> };

/** The packets of a signature file: the fast reader first, openpgp.js for any other shape. */
async function packetsOf(binary: Uint8Array) {
  const fast = signaturePackets(binary);
  if (fast) return fast;
  const signature = await readSignature({ binarySignature: binary, config: STRICT_CONFIG });
  return [...signature.packets];
}

/**
 * The signatures of a file `signatureEncodingOf` recognised, under the same limits and rules as
 * a cleartext block's (usable types only, at most --max-signatures). `lines`: how many lines the
 * file has, for a report to point into it.
 */
export async function readSignatureFile(bytes: Uint8Array, limits: Limits): Promise<SignatureFileResult> {
  const encoding = signatureEncodingOf(bytes);
  if (!encoding) return { ok: false, error: { code: 'unsupported-format', message: 'the file is not a detached signature' } };
  let binary = bytes;
  try {
    if (encoding === 'armored') {
      const armor = await unarmorStrict(trimmedText(bytes));
      if (armor.type !== enums.armor.signature) return { ok: false, error: { code: 'malformed-armor', message: 'the armor is not a signature armor' } };
      binary = armor.data;
    }
    if (binary.length === 0) return { ok: false, error: { code: 'no-signature', message: 'the signature armor holds no data' } };
    const taken = usableSignatures(await packetsOf(binary), limits, 'signature file');
    if (!taken.ok) return taken;
    const lines = encoding === 'armored' ? trimmedText(bytes).split('\n').length : 1;
    return { ok: true, encoding, signatures: taken.signatures, lines };
  } catch (error) {
    return { ok: false, error: { code: 'malformed-packet', message: `the signature does not parse: ${(error as Error).message}` } };
  }
}
