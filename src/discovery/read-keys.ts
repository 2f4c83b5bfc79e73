import { readKeys, readPublicKeys, STRICT_CONFIG, unarmor, type Key, type PublicKey } from '../openpgp/index.js';
import { DEFAULT_KEY_LIMITS, type KeyLimits } from '../core/limits.js';
import { decodeArmorData } from '../core/radix64.js';

const ARMORED_KEY_BLOCK = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

export interface ReadKeysResult {
  keys: PublicKey[];
  /** Armor blocks or binary data that did not parse, with openpgp.js's words. */
  errors: string[];
  /** Set when the data was refused unread for exceeding a limit. */
  tooLarge?: string;
}

/**
 * Counts packets by their framing alone, without parsing them; null if the framing is not plain.
 * Not core/packet-header's reader: a truncated last packet still counts here, so that a flood of
 * packets cannot escape the limit by ending in a cut one.
 */
export function countPackets(bytes: Uint8Array): number | null {
  let count = 0;
  let offset = 0;
  while (offset < bytes.length) {
    const header = bytes[offset++]!;
    if ((header & 0x80) === 0) return null;
    let length: number;
    if (header & 0x40) {
      const first = bytes[offset++] ?? 0;
      if (first < 192) length = first;
      else if (first < 224) length = ((first - 192) << 8) + (bytes[offset++] ?? 0) + 192;
      else if (first === 255) {
        length = ((bytes[offset]! << 24) >>> 0) + (bytes[offset + 1]! << 16) + (bytes[offset + 2]! << 8) + bytes[offset + 3]!;
        offset += 4;
      } else return null;
    } else {
      const kind = header & 0x03;
      if (kind === 3) return null;
      length = 0;
      for (let index = 0; index < 1 << kind; index++) length = length * 256 + (bytes[offset++] ?? 0);
    }
    offset += length;
    count++;
  }
  return count;
}

/** An armor header line: "Key: value", not starting with a dash (which could be an armor line). */
const ARMOR_HEADER = /^[^\s:-][^:]*: .+$/;

/**
 * The bytes of one armored key block in its canonical shape (the BEGIN and END lines alone on
 * theirs, "Key: value" headers, a blank line, canonical data, LF line ends), read without
 * openpgp.js's stream machinery (~0.15 ms a key at start-up); null for any other shape, which
 * openpgp.js's unarmor then reads. A differential test holds the two to the same bytes.
 */
export function dearmorKeyBlock(block: string): Uint8Array | null {
  const lines = block.split('\n');
  const kind = /^-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----$/.exec(lines[0]!)?.[1];
  if (!kind || lines[lines.length - 1] !== `-----END PGP ${kind} KEY BLOCK-----`) return null;
  let index = 1;
  while (index < lines.length - 1 && lines[index] !== '') {
    if (!ARMOR_HEADER.test(lines[index]!)) return null;
    index++;
  }
  return index < lines.length - 1 ? decodeArmorData(lines.slice(index + 1, -1)) : null;
}

function toPublic(key: Key): PublicKey {
  return (key.isPrivate() ? key.toPublic() : key) as PublicKey;
}

/** The public keys in binary key data: pledge's packet reader for the common case, else openpgp.js's readKeys. */
async function keysIn(binary: Uint8Array): Promise<PublicKey[]> {
  return (await readPublicKeys(binary)) ?? (await readKeys({ binaryKeys: binary, config: STRICT_CONFIG })).map(toPublic);
}

/**
 * Reads every key in some bytes: armored (any number of armor blocks, text around them
 * ignored) or binary (concatenated transferable keys). Never just the first (threat catalogue K-02).
 */
export async function readAllKeys(bytes: Uint8Array, limits: KeyLimits = DEFAULT_KEY_LIMITS): Promise<ReadKeysResult> {
  const keys: PublicKey[] = [];
  const errors: string[] = [];
  if (bytes.length > limits.maxKeyBytes) {
    return { keys, errors, tooLarge: `the key data is ${bytes.length} bytes, over the limit of ${limits.maxKeyBytes} (raise it with --max-key-bytes)` };
  }
  const tooManyPackets = (binary: Uint8Array) => {
    const packets = countPackets(binary);
    return packets !== null && packets > limits.maxKeyPackets
      ? `the key data holds ${packets} packets (certification flooding?), over the limit of ${limits.maxKeyPackets} (raise it with --max-key-packets)`
      : null;
  };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64 * 1024 * 1024));
  const armoredBlocks = text.match(ARMORED_KEY_BLOCK);
  if (armoredBlocks) {
    for (const armoredKeys of armoredBlocks) {
      try {
        const binary = dearmorKeyBlock(armoredKeys) ?? ((await unarmor(armoredKeys)).data as Uint8Array);
        const refused = tooManyPackets(binary);
        if (refused) return { keys: [], errors, tooLarge: refused };
        keys.push(...(await keysIn(binary)));
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  } else if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) {
    const refused = tooManyPackets(bytes);
    if (refused) return { keys: [], errors, tooLarge: refused };
    try {
      keys.push(...(await keysIn(bytes)));
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  return { keys, errors };
}
