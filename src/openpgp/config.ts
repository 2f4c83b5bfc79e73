import { enums, type Config } from 'openpgp';

/**
 * The configuration passed on every openpgp.js call (security-model.md §2). SHA-1 stays allowed in
 * self-signatures, where GnuPG and openpgp.js accept it; data signatures are judged by pledge's
 * own policy before openpgp.js is asked.
 */
export const STRICT_CONFIG: Partial<Config> = {
  minRSABits: 2048,
  rejectMessageHashAlgorithms: new Set([enums.hash.md5, enums.hash.ripemd, enums.hash.sha1]),
  rejectHashAlgorithms: new Set([enums.hash.md5, enums.hash.ripemd]),
  rejectPublicKeyAlgorithms: new Set([enums.publicKey.elgamal, enums.publicKey.dsa]),
  rejectCurves: new Set([enums.curve.secp256k1]),
  allowInsecureVerificationWithReformattedKeys: false,
  allowMissingKeyFlags: false,
  ignoreMalformedPackets: false,
  enforceGrammar: true,
  maxDecompressedMessageSize: 16 << 20,
  knownNotations: [],
};

/**
 * Only for asking "does the mathematics hold?" once pledge's policy has already rejected a
 * signature, so that a failed policy check is never reported over a forged signature.
 */
export const MATH_ONLY_CONFIG: Partial<Config> = {
  ...STRICT_CONFIG,
  minRSABits: 512,
  rejectMessageHashAlgorithms: new Set(),
  rejectHashAlgorithms: new Set(),
  rejectPublicKeyAlgorithms: new Set(),
  rejectCurves: new Set(),
};

/**
 * The same objects as the low-level methods (packet, key and user `verify`, `getSigningKey`,
 * `getExpirationTime`) type them: a full Config. They are given the partial object as they
 * always were; openpgp.js's top-level functions (readKeys, verify) merge it with the defaults.
 */
export const LOW_LEVEL_STRICT = STRICT_CONFIG as Config;
export const LOW_LEVEL_MATH_ONLY = MATH_ONLY_CONFIG as Config;

/** The named configurations the adapter's functions take. */
export type ConfigName = 'strict' | 'math-only';
export const lowLevelConfig = (name: ConfigName): Config => (name === 'strict' ? LOW_LEVEL_STRICT : LOW_LEVEL_MATH_ONLY);
