/*
 * pledge's adapter to openpgp.js: the only modules that import 'openpgp' (test/architecture.test.ts
 * holds every other module to importing this file instead). openpgp.js's public API is re-exported
 * below as it is; everything that reaches past it (fields its typings omit or mark private, its
 * private "verified" symbol, constructor arguments it does not type, packets filled field by field,
 * the partial configuration given to methods typed for a full one) is a typed function in one of
 * the modules beside this one, and test/openpgp/contract.test.ts asserts that each thing those
 * functions rely on exists on the installed openpgp.js, so an upgrade fails there first.
 *
 * To add to it: write the function in the module it belongs to (messages, signatures, keys,
 * config; a new module for a new kind of object, e.g. detached or inline-signed messages), typed
 * with openpgp.js's public types, the cast inside it with a comment saying what openpgp.js does at
 * run time; re-export it here; and add to the contract test one assertion per private field, symbol
 * or behaviour it relies on. A public openpgp.js function or class needed elsewhere: add it to the
 * re-exports below. openpgp is pinned exactly in package.json: upgrade it on purpose, with the
 * contract test.
 */
export {
  CleartextMessage,
  LiteralDataPacket,
  PacketList,
  PublicKey,
  Signature,
  SignaturePacket,
  enums,
  readCleartextMessage,
  readKeys,
  readSignature,
  unarmor,
  verify,
} from 'openpgp';
export type { AnyKeyPacket, Config, Key, KeyID, Subkey, User } from 'openpgp';
export { MATH_ONLY_CONFIG, STRICT_CONFIG } from './config.js';
export { cleartextLiteralPacket, cleartextMessageWith, literalTextPacket, mathematicsView, signaturePacketsOf } from './messages.js';
export {
  VERIFIED_MARK_FOUND,
  clearRevokedMark,
  keyExpirationSeconds,
  legacySignaturePacket,
  markVerified,
  mayHaveCriticalNotation,
  markedVerified,
  readSignaturePacketBody,
  signatureInternals,
  signatureToHash,
  verifySignaturePacket,
  type LegacyClaims,
  type SignatureInternals,
} from './signatures.js';
export { certificateExpirationTime, deepClone, directSignaturesOf, setDirectSignatures, signingKeyAt, subkeyExpirationTime, verifyUserAt } from './keys.js';
export { fingerprintOf, keyIDOf } from './key-names.js';
export { readCommonSignature } from './read-signature.js';
export { readPublicKeys } from './read-public-keys.js';
export { literalData, messageBytes, messageWith, signedMessagePackets } from './inline-messages.js';
export { detachedLiteralPacket, detachedMessageWith, unarmorStrict } from './detached-messages.js';
