import { SignaturePacket, type AnyKeyPacket, type enums } from 'openpgp';
import { lowLevelConfig, LOW_LEVEL_STRICT, type ConfigName } from './config.js';

/*
 * What pledge reads from and writes to an openpgp.js SignaturePacket beyond its typed surface:
 * the fields its `read` fills but its typings omit, its private "verified" and `revoked` marks,
 * and its `verify` and `toHash`, typed as pledge calls them. test/openpgp/contract.test.ts
 * asserts each of these on the installed openpgp.js.
 */

/** The fields openpgp.js's `SignaturePacket.read` fills that its typings omit (types as pledge checks them: unknown). */
export interface SignatureInternals {
  /** The public-key algorithm's signature values (e.g. `{ s }` for RSA); a promise when read from a stream. */
  params: unknown;
  /** v6 signatures: the salt. */
  salt: unknown;
  /** The hashed subpacket area as openpgp.js re-encodes it when it writes the packet (null when read). */
  hashed: unknown;
  /** Every notation subpacket, human-readable or not, with its critical bit. */
  rawNotations: { critical?: boolean }[] | undefined;
  /** Subpackets openpgp.js does not know, with their critical bit. */
  unknownSubpackets: unknown;
  /** The hashed part of the packet, as read from the wire. */
  signatureData: unknown;
  /** The left 16 bits of the signed hash. */
  signedHashValue: unknown;
}

/** A read-only view of a packet's untyped fields. */
export function signatureInternals(signature: SignaturePacket): Readonly<SignatureInternals> {
  return signature as unknown as SignatureInternals;
}

/** A critical notation, which openpgp.js refuses unless it is a known one; also true when the notations cannot be read. */
export function mayHaveCriticalNotation(signature: SignaturePacket): boolean {
  const { rawNotations } = signatureInternals(signature);
  return !Array.isArray(rawNotations) || rawNotations.some((notation) => notation.critical);
}

/** The packet's key expiration time subpacket (seconds after the key's creation), or null. */
export function keyExpirationSeconds(signature: SignaturePacket | null | undefined): number | null {
  return (signature as unknown as { keyExpirationTime?: number | null } | null | undefined)?.keyExpirationTime ?? null;
}

/**
 * openpgp.js's `SignaturePacket.verify`: resolves if the signature holds for `data` (a literal
 * packet, or the key, user ID and subkey packets a key signature binds), rejects with openpgp.js's
 * error if not. `at` null: no date checks (openpgp.js skips them for a null date).
 */
export function verifySignaturePacket(
  signature: SignaturePacket,
  issuer: AnyKeyPacket,
  type: enums.signature,
  data: object,
  at: Date | null,
  detached: boolean,
  config: ConfigName = 'strict',
): Promise<void> {
  return signature.verify(issuer, type, data, at as Date, detached, lowLevelConfig(config));
}

/** What openpgp.js hashes for a key signature of `type` over `data` (before the trailer), as its `toHash` gives it. */
export function signatureToHash(signature: SignaturePacket, type: enums.signature, data: object): unknown {
  return (signature as unknown as { toHash(type: enums.signature, data: object): unknown }).toHash(type, data);
}

/**
 * openpgp.js's private mark of a successful check ("cryptographic validity is cached after one
 * successful verification"), found on a fresh packet (its constructor sets it to null); null if gone.
 */
const VERIFIED: symbol | null = Object.getOwnPropertySymbols(new SignaturePacket()).find((symbol) => symbol.description === 'verified') ?? null;

type Marks = Record<symbol, boolean | null | undefined>;

/** Whether openpgp.js's private "verified" mark exists on this version (else nothing can be marked). */
export const VERIFIED_MARK_FOUND = VERIFIED !== null;

/** Whether openpgp.js holds the signature's mathematics as checked. */
export function markedVerified(signature: SignaturePacket): boolean {
  return VERIFIED !== null && (signature as unknown as Marks)[VERIFIED] === true;
}

/** Sets openpgp.js's mark, so that it skips the mathematics (only after pledge checked it holds). */
export function markVerified(signature: SignaturePacket): void {
  if (VERIFIED !== null) (signature as unknown as Marks)[VERIFIED] = true;
}

/** Clears the `revoked` mark openpgp.js leaves on a self-signature it judged at some date (see verify/key-history.ts). */
export function clearRevokedMark(signature: SignaturePacket): void {
  (signature as unknown as { revoked: boolean | null }).revoked = null;
}

/** What a v3 signature (RFC 4880 §5.2.2) claims: openpgp.js 6 no longer reads them. */
export interface LegacyClaims {
  signatureType: number;
  created: Date;
  issuerKeyID: Uint8Array;
  publicKeyAlgorithm: number;
  hashAlgorithm: number;
}

/** A packet carrying a v3 signature's claims, that writes back its own wire bytes `body`; never verifiable. */
export function legacySignaturePacket(claims: LegacyClaims, body: Uint8Array): SignaturePacket {
  const packet = new SignaturePacket();
  packet.version = 3;
  packet.signatureType = claims.signatureType;
  packet.created = claims.created;
  (packet.issuerKeyID as unknown as { read(bytes: Uint8Array): void }).read(claims.issuerKeyID);
  packet.publicKeyAlgorithm = claims.publicKeyAlgorithm;
  packet.hashAlgorithm = claims.hashAlgorithm;
  (packet as unknown as { write(): Uint8Array }).write = () => body;
  return packet;
}

/** openpgp.js's own reading of one signature packet body (throws where it refuses it). */
export function readSignaturePacketBody(body: Uint8Array): SignaturePacket {
  const packet = new SignaturePacket();
  (packet as unknown as { read(bytes: Uint8Array, config: unknown): void }).read(body, LOW_LEVEL_STRICT);
  return packet;
}
