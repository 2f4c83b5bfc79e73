import { enums } from '../openpgp/index.js';

/** Hash names as written in the cleartext "Hash:" header (RFC 9580 §9.5 text names). */
export const HASH_NAMES: Record<number, string> = {
  [enums.hash.md5]: 'MD5',
  [enums.hash.sha1]: 'SHA1',
  [enums.hash.ripemd]: 'RIPEMD160',
  [enums.hash.sha256]: 'SHA256',
  [enums.hash.sha384]: 'SHA384',
  [enums.hash.sha512]: 'SHA512',
  [enums.hash.sha224]: 'SHA224',
  [enums.hash.sha3_256]: 'SHA3-256',
  [enums.hash.sha3_512]: 'SHA3-512',
};

/**
 * Every spelling accepted in a "Hash:" header: the text names above and openpgp.js's own
 * `SHA3_256`/`SHA3_512`, which it writes for SHA-3 signatures (issue 12).
 */
export const HASH_HEADER_NAMES: [string, number][] = [
  ...Object.entries(HASH_NAMES).map(([id, name]): [string, number] => [name, Number(id)]),
  ['SHA3_256', enums.hash.sha3_256],
  ['SHA3_512', enums.hash.sha3_512],
];

export function hashName(algorithm: number | null): string {
  return algorithm === null ? 'unknown' : (HASH_NAMES[algorithm] ?? `hash-${algorithm}`);
}

/** Public-key algorithm names as GnuPG and Sequoia print them. */
const PUBLIC_KEY_NAMES: Record<number, string> = {
  [enums.publicKey.rsaEncryptSign]: 'RSA',
  [enums.publicKey.rsaEncrypt]: 'RSA',
  [enums.publicKey.rsaSign]: 'RSA',
  [enums.publicKey.elgamal]: 'ElGamal',
  [enums.publicKey.dsa]: 'DSA',
  [enums.publicKey.ecdh]: 'ECDH',
  [enums.publicKey.ecdsa]: 'ECDSA',
  [enums.publicKey.eddsaLegacy]: 'EdDSA',
  [enums.publicKey.ed25519]: 'Ed25519',
  [enums.publicKey.ed448]: 'Ed448',
};

export function publicKeyAlgorithmName(algorithm: number | null): string {
  return algorithm === null ? 'unknown' : (PUBLIC_KEY_NAMES[algorithm] ?? `algorithm-${algorithm}`);
}
