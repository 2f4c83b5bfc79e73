import { readKeys, type Key, type PublicKey } from 'openpgp';
import { STRICT_CONFIG } from '../cleartext/openpgp-config.js';

const ARMORED_KEY_BLOCK = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

export interface ReadKeysResult {
  keys: PublicKey[];
  /** Armor blocks or binary data that did not parse, with openpgp.js's words. */
  errors: string[];
}

function toPublic(key: Key): PublicKey {
  return (key.isPrivate() ? key.toPublic() : key) as PublicKey;
}

/**
 * Reads every key in some bytes: armored (any number of armor blocks, text around them
 * ignored) or binary (concatenated transferable keys). Never just the first (security.md K-02).
 */
export async function readAllKeys(bytes: Uint8Array): Promise<ReadKeysResult> {
  const keys: PublicKey[] = [];
  const errors: string[] = [];
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64 * 1024 * 1024));
  const armoredBlocks = text.match(ARMORED_KEY_BLOCK);
  if (armoredBlocks) {
    for (const armoredKeys of armoredBlocks) {
      try {
        keys.push(...(await readKeys({ armoredKeys, config: STRICT_CONFIG })).map(toPublic));
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
  } else if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) {
    try {
      keys.push(...(await readKeys({ binaryKeys: bytes, config: STRICT_CONFIG })).map(toPublic));
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  return { keys, errors };
}
