import { createPublicKey, hash as digestOf, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { enums, mayHaveCriticalNotation, signatureInternals, signatureToHash, type AnyKeyPacket, type KeyID, type SignaturePacket } from '../openpgp/index.js';

/*
 * A fast path for the mathematics of one cleartext signature: node:crypto instead of openpgp.js,
 * whose fixed cost per verification (WebCrypto key import, promise chains) is ~350 µs.
 *
 * It answers exactly what `SignaturePacket.verify(key, type, literal, null, true, config)` answers
 * for the literal packet of openpgp.js's cleartext verify (`cleartextLiteralPacket(signedText)`,
 * verify-signature.ts `mathematicsHold`; for a text signature the same octets as `setText(signedText)`),
 * or 'unsupported' whenever it cannot be sure to, so that the caller asks openpgp.js. It judges
 * no dates and no policy: the signature's own expiry, the key's validity and the hash policy stay
 * with the caller.
 *
 * What is hashed (RFC 9580 §5.2.4, openpgp.js `SignaturePacket.toHash`):
 *   [v6: salt] || canonical text || signatureData || version 0xFF || len(signatureData) (4 octets, BE)
 * where the canonical text is the UTF-8 of the text with every LF not preceded by CR made CRLF
 * (openpgp.js `util.canonicalizeEOL`), and signatureData is the hashed part of the packet as
 * openpgp.js kept it when parsing: version, type, algorithms, hashed subpacket length and body.
 */

type Kind = 'rsa' | 'eddsa-legacy' | 'ed25519' | 'ecdsa';

/** A signing key made ready for node:crypto, built once per key and shared by its signatures. */
export interface PreparedKey {
  readonly kind: Kind;
  /** The OpenPGP public-key algorithm the signature must name. */
  readonly algorithm: enums.publicKey;
  /** The key ID the signature's issuer must equal (openpgp.js refuses a signature otherwise). */
  readonly keyID: KeyID;
  readonly keyObject: KeyObject;
  /** RSA: the modulus length in octets, the signature is left-padded to it as openpgp.js does; ECDSA: the field size (r and s each). */
  readonly modulusOctets: number;
}

/** node:crypto's names for the hashes the fast path handles; any other hash goes to openpgp.js. */
const HASHES = new Map<number, { name: string; saltLength: number }>([
  [enums.hash.sha256, { name: 'sha256', saltLength: 16 }],
  [enums.hash.sha384, { name: 'sha384', saltLength: 24 }],
  [enums.hash.sha512, { name: 'sha512', saltLength: 32 }],
]);

/**
 * Issue 12: SHA-1 self-signatures (P-02) are checked here too, for every key algorithm: openpgp.js
 * refuses SHA-1 with EdDSA inside its mathematics and accepts it with RSA, so the same key history
 * got two verdicts. The policy warns weak-binding-sha1 for both; data signatures in SHA-1 stay weak-hash.
 */
const KEY_SIGNATURE_HASHES = new Map<number, { name: string; saltLength: number }>([[enums.hash.sha1, { name: 'sha1', saltLength: 0 }]]);

/**
 * ECDSA curves by DER-encoded OID, with their field size in octets. Issue 12: openpgp.js's Node
 * build cannot check brainpool curves (it needs a module that is not installed), and OpenSSL can:
 * node:crypto is the only verifier for those, so for them 'unsupported' means pledge could not check.
 */
const ECDSA_CURVES = new Map<string, number>([
  ['2a8648ce3d030107', 32], // NIST P-256
  ['2b81040022', 48], // NIST P-384
  ['2b81040023', 66], // NIST P-521
  ['2b2403030208010107', 32], // brainpoolP256r1
  ['2b240303020801010b', 48], // brainpoolP384r1
  ['2b240303020801010d', 64], // brainpoolP512r1
]);

/** A SubjectPublicKeyInfo (RFC 5480) for an uncompressed EC point on the curve with this OID. */
function ecSpki(oidHex: string, point: Uint8Array): Buffer {
  const der = (tag: number, body: Buffer) => {
    const length = body.length < 128 ? Buffer.from([body.length]) : body.length < 256 ? Buffer.from([0x81, body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
    return Buffer.concat([Buffer.from([tag]), length, body]);
  };
  const algorithm = der(0x30, Buffer.concat([der(0x06, Buffer.from('2a8648ce3d0201', 'hex')), der(0x06, Buffer.from(oidHex, 'hex'))]));
  return der(0x30, Buffer.concat([algorithm, der(0x03, Buffer.concat([Buffer.from([0]), Buffer.from(point)]))]));
}

/** DER-encoded OID of Ed25519Legacy (1.3.6.1.4.1.11591.15.1), without tag and length. */
const ED25519_LEGACY_OID_HEX = '2b06010401da470f01';

const b64url = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array;

function prepareRSA(params: { n?: unknown; e?: unknown }): { keyObject: KeyObject; modulusOctets: number } | null {
  const { n, e } = params;
  // A leading zero octet would make openpgp.js pad the signature to a length node:crypto refuses.
  if (!isBytes(n) || !isBytes(e) || n.length === 0 || e.length === 0 || n[0] === 0 || e[0] === 0) return null;
  const keyObject = createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
  return { keyObject, modulusOctets: n.length };
}

function prepareEd25519(x: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(x) }, format: 'jwk' });
}

/**
 * Builds the node:crypto key for one OpenPGP key or subkey packet, or null when the fast path does
 * not handle its algorithm (the caller then uses openpgp.js). Never throws.
 */
export function prepareKey(keyPacket: AnyKeyPacket): PreparedKey | null {
  try {
    const version = keyPacket.version;
    if (version !== 4 && version !== 6) return null;
    const algorithm = keyPacket.algorithm;
    const params = keyPacket.publicParams as Record<string, unknown>;
    const keyID = keyPacket.getKeyID();
    switch (algorithm) {
      case enums.publicKey.rsaEncryptSign:
      case enums.publicKey.rsaSign: {
        const rsa = prepareRSA(params);
        return rsa && { kind: 'rsa', algorithm, keyID, ...rsa };
      }
      case enums.publicKey.eddsaLegacy: {
        const { oid, Q } = params as { oid?: { toHex?: () => string }; Q?: unknown };
        if (typeof oid?.toHex !== 'function' || oid.toHex() !== ED25519_LEGACY_OID_HEX) return null;
        // openpgp.js's checkPublicPointEnconding: 0x40 then the 32-octet point.
        if (!isBytes(Q) || Q.length !== 33 || Q[0] !== 0x40) return null;
        return { kind: 'eddsa-legacy', algorithm, keyID, keyObject: prepareEd25519(Q.subarray(1)), modulusOctets: 0 };
      }
      case enums.publicKey.ecdsa: {
        const { oid, Q } = params as { oid?: { toHex?: () => string }; Q?: unknown };
        const oidHex = typeof oid?.toHex === 'function' ? oid.toHex() : '';
        const field = ECDSA_CURVES.get(oidHex);
        if (!field || !isBytes(Q) || Q.length !== 1 + 2 * field || Q[0] !== 0x04) return null;
        const keyObject = createPublicKey({ key: ecSpki(oidHex, Q), format: 'der', type: 'spki' });
        return { kind: 'ecdsa', algorithm, keyID, keyObject, modulusOctets: field };
      }
      case enums.publicKey.ed25519: {
        const { A } = params as { A?: unknown };
        if (!isBytes(A) || A.length !== 32) return null;
        return { kind: 'ed25519', algorithm, keyID, keyObject: prepareEd25519(A), modulusOctets: 0 };
      }
      default:
        return null;
    }
  } catch {
    return null; // node:crypto refused the key: leave it to openpgp.js
  }
}

/** A node:crypto key per key packet, prepared once per run (null: the fast path does not handle it). */
export type PreparedKeys = WeakMap<object, PreparedKey | null>;

export function preparedKeyFor(keyPacket: AnyKeyPacket, preparedKeys: PreparedKeys): PreparedKey | null {
  let prepared = preparedKeys.get(keyPacket);
  if (prepared === undefined) {
    prepared = prepareKey(keyPacket);
    preparedKeys.set(keyPacket, prepared);
  }
  return prepared;
}

/**
 * Where openpgp.js's two readings of a text differ, the text is left to openpgp.js: `verify()` on a
 * CleartextMessage strips spaces, tabs and CRs from line ends, a bare literal packet does not. They
 * differ only if a line ends in space or tab (before LF or CRLF), in CR CR LF, or the text ends in
 * space, tab or CR. Texts from `CleartextMessage.getText()` never do.
 */
const AMBIGUOUS_LINE_END = /[ \t]\r?\n|\r\r\n|[ \t\r]$/;

/** openpgp.js's `util.canonicalizeEOL(encodeUTF8(text))`: every LF not after a CR becomes CRLF. */
function canonicalText(text: string): string {
  return text.includes('\r') ? text.replace(/(?<!\r)\n/g, '\r\n') : text.replaceAll('\n', '\r\n');
}

/**
 * The mathematics of one text signature over `signedText` with one prepared key: true or false
 * exactly where openpgp.js's `SignaturePacket.verify` would resolve or reject (given no date), or
 * 'unsupported' where the caller must ask openpgp.js. Reads the packet, never writes to it.
 *
 * The public-key operation runs on libuv's thread pool (node:crypto's callback form), so a batch
 * keeps a second core busy with the mathematics while this thread reads and parses documents.
 */
export async function fastVerify(signedText: string, signature: SignaturePacket, key: PreparedKey): Promise<boolean | 'unsupported'> {
  const job = verificationJob(signedText, signature, key);
  return typeof job === 'object' ? runJob(job) : job;
}

/** What node:crypto is asked: the algorithm (null for Ed25519), the data, the key and the signature value. */
interface VerificationJob {
  readonly algorithm: string | null;
  readonly data: Uint8Array;
  readonly key: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' };
  readonly signature: Uint8Array;
}

/*
 * Jobs are handed to libuv's pool together, once per turn of the event loop, not one by one. A job
 * handed to an idle pool wakes its thread, which costs the handing thread some 15 µs on this
 * machine (against 1–4 µs for a job queued behind another): a batch paces one job per statement,
 * so nearly every job found the pool idle (docs/benchmarks.md, sixth session).
 */
const waiting: Array<{ job: VerificationJob; resolve: (verdict: boolean | 'unsupported') => void }> = [];
let handOverScheduled = false;
/** Enough to keep the pool busy for a few milliseconds; more would only delay the first verdicts. */
const MOST_WAITING = 64;

function runJob(job: VerificationJob): Promise<boolean | 'unsupported'> {
  return new Promise((resolve) => {
    waiting.push({ job, resolve });
    if (waiting.length >= MOST_WAITING) handOver();
    else if (!handOverScheduled) {
      handOverScheduled = true;
      setImmediate(handOver);
    }
  });
}

function handOver(): void {
  handOverScheduled = false;
  for (const { job, resolve } of waiting.splice(0)) {
    try {
      cryptoVerify(job.algorithm, job.data, job.key, job.signature, (error, valid) => resolve(error ? 'unsupported' : valid));
    } catch {
      resolve('unsupported'); // node:crypto could not judge: openpgp.js may fall back to its own code
    }
  }
}

/** Every check fastVerify makes before the public-key operation: a verdict, or the job left to do. */
function verificationJob(signedText: string, signature: SignaturePacket, key: PreparedKey): boolean | 'unsupported' | VerificationJob {
  if (typeof signedText !== 'string') return 'unsupported';
  // A binary (0x00) signature goes to openpgp.js, which hashes the CRLF text for it in a cleartext block (C-23).
  if (signature.signatureType !== enums.signature.text || leftToOpenpgp(signature)) return 'unsupported';
  return mathematicsJob(signature, key, (salt, signatureData) => {
    if (AMBIGUOUS_LINE_END.test(signedText)) return null;
    // salt, text, signature data and trailer written into one buffer (one allocation per signature).
    const text = canonicalText(signedText);
    const saltLength = salt ? salt.length : 0;
    const textLength = Buffer.byteLength(text, 'utf8');
    const toHash = Buffer.allocUnsafe(saltLength + textLength + signatureData.length + 6);
    if (salt) toHash.set(salt, 0);
    toHash.write(text, saltLength, 'utf8'); // lone surrogates become U+FFFD, as with TextEncoder
    writeTrailer(toHash, saltLength + textLength, signature.version, signatureData);
    return toHash;
  });
}

/**
 * Checks openpgp.js makes after the mathematics; they fail the signature whatever the mathematics
 * say, so the fast path leaves them to openpgp.js rather than copy them. The signature's own
 * expiry is a date check the fast path does not make either.
 */
function leftToOpenpgp(signature: SignaturePacket): boolean {
  if (!Array.isArray(signature.unknownSubpackets) || signature.unknownSubpackets.some((s) => s.critical)) return true;
  if (mayHaveCriticalNotation(signature)) return true;
  return signature.revocationKeyClass !== null || signature.signatureNeverExpires !== true;
}

/** signatureData, then version, 0xFF and its length in four octets (RFC 9580 §5.2.4), at `offset`. */
function writeTrailer(toHash: Buffer, offset: number, version: number, signatureData: Uint8Array): void {
  toHash.set(signatureData, offset);
  offset += signatureData.length;
  toHash[offset] = version;
  toHash[offset + 1] = 0xff;
  toHash.writeUInt32BE(signatureData.length, offset + 2);
}

/**
 * The octets a detached signature hashes for its data: the data as it is for a binary (0x00)
 * signature; for a text (0x01) one, every LF not after a CR made CRLF, as openpgp.js's
 * `util.canonicalizeEOL` does for a literal packet's bytes (RFC 9580 §5.2.1.2).
 */
export function detachedSignedOctets(data: Uint8Array, signatureType: number | null): Uint8Array {
  if (signatureType !== enums.signature.text) return data;
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let lone = 0;
  for (let index = buffer.indexOf(10); index !== -1; index = buffer.indexOf(10, index + 1)) if (index === 0 || buffer[index - 1] !== 13) lone++;
  if (lone === 0) return data;
  const canonical = Buffer.allocUnsafe(buffer.length + lone);
  let written = 0;
  let from = 0;
  for (let index = buffer.indexOf(10); index !== -1; index = buffer.indexOf(10, index + 1)) {
    if (index > 0 && buffer[index - 1] === 13) continue;
    written += buffer.copy(canonical, written, from, index);
    canonical[written++] = 13;
    from = index;
  }
  buffer.copy(canonical, written, from);
  return canonical;
}

/**
 * The mathematics of one detached signature over `data` (a file's octets, binary or text type),
 * with the same contract as fastVerify: true or false where openpgp.js's verify of that literal
 * data would resolve or reject (given no date), else 'unsupported'.
 */
export async function fastVerifyData(data: Uint8Array, signature: SignaturePacket, key: PreparedKey): Promise<boolean | 'unsupported'> {
  const type = signature.signatureType;
  if ((type !== enums.signature.text && type !== enums.signature.binary) || leftToOpenpgp(signature)) return 'unsupported';
  const job = mathematicsJob(signature, key, (salt, signatureData) => {
    const octets = detachedSignedOctets(data, type);
    const saltLength = salt ? salt.length : 0;
    const toHash = Buffer.allocUnsafe(saltLength + octets.length + signatureData.length + 6);
    if (salt) toHash.set(salt, 0);
    toHash.set(octets, saltLength);
    writeTrailer(toHash, saltLength + octets.length, signature.version, signatureData);
    return toHash;
  });
  return typeof job === 'object' ? runJob(job) : job;
}

/**
 * The checks of `SignaturePacket.verify` up to and including the public-key operation, for any
 * signature type: `toHashOf` gives the octets openpgp.js hashes (salt included). False where
 * openpgp.js would throw before or in the mathematics, 'unsupported' where unsure.
 */
function mathematicsJob(signature: SignaturePacket, key: PreparedKey, toHashOf: (salt: Uint8Array | null, signatureData: Uint8Array) => Uint8Array | null, keySignature = false): boolean | 'unsupported' | VerificationJob {
  const internals = signatureInternals(signature);
  const version = signature.version;
  if (version !== 4 && version !== 6) return 'unsupported';
  const hash = signature.hashAlgorithm === null ? undefined : (HASHES.get(signature.hashAlgorithm) ?? (keySignature ? KEY_SIGNATURE_HASHES.get(signature.hashAlgorithm) : undefined));
  if (!hash) return 'unsupported';
  // A digest computed elsewhere (streamed one-pass signatures) would replace ours in openpgp.js.
  if (internals.hashed !== undefined && internals.hashed !== null) return 'unsupported';

  const signatureData = signature.signatureData;
  const signedHashValue = signature.signedHashValue;
  if (!isBytes(signatureData) || !isBytes(signedHashValue) || signedHashValue.length !== 2) return 'unsupported';

  let salt: Uint8Array | null = null;
  if (version === 6) {
    if (!isBytes(internals.salt) || internals.salt.length !== hash.saltLength) return 'unsupported';
    salt = internals.salt;
  }

  // openpgp.js refuses a signature whose issuer or algorithm is not this key's.
  if (signature.publicKeyAlgorithm !== key.algorithm) return false;
  if (!signature.issuerKeyID || !signature.issuerKeyID.equals(key.keyID)) return false;

  const rawSignature = signatureValue(internals.params, key);
  if (rawSignature === 'unsupported' || rawSignature === false) return rawSignature;

  const toHash = toHashOf(salt, signatureData);
  if (!toHash) return 'unsupported';
  const digest = digestOf(hash.name, toHash, 'buffer');
  if (digest[0] !== signedHashValue[0] || digest[1] !== signedHashValue[1]) return false;

  if (key.kind === 'ecdsa') return { algorithm: hash.name, data: toHash, key: { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, signature: rawSignature };
  return key.kind === 'rsa'
    ? { algorithm: hash.name, data: toHash, key: key.keyObject, signature: rawSignature } // PKCS#1 v1.5 over the data
    : { algorithm: null, data: digest, key: key.keyObject, signature: rawSignature }; // Ed25519 over the digest
}

/**
 * The mathematics of a signature inside a key (self-certification, binding, back-signature,
 * revocation): true or false as `signature.verify(key, type, data)` would find them before its
 * date and policy checks, hashing exactly what openpgp.js hashes (its own `toHash`), or
 * 'unsupported'. Reads the packet, never writes to it.
 */
export async function verifyKeySignature(signature: SignaturePacket, type: enums.signature, data: object, key: PreparedKey): Promise<boolean | 'unsupported'> {
  const job = mathematicsJob(
    signature,
    key,
    () => {
      try {
        const toHash = signatureToHash(signature, type, data);
        return isBytes(toHash) ? toHash : null;
      } catch {
        return null; // openpgp.js would throw too; let it say so
      }
    },
    true,
  );
  return typeof job === 'object' ? runJob(job) : job;
}

/** The signature value in node:crypto's form, padded as openpgp.js pads it; false where openpgp.js throws. */
function signatureValue(params: unknown, key: PreparedKey): Uint8Array | false | 'unsupported' {
  if (typeof params !== 'object' || params === null || params instanceof Promise) return 'unsupported';
  const p = params as Record<string, unknown>;
  switch (key.kind) {
    case 'rsa': {
      const { s } = p;
      if (!isBytes(s)) return 'unsupported';
      if (s.length > key.modulusOctets) return false; // util.leftPad throws "Input array too long"
      return leftPad(s, key.modulusOctets);
    }
    case 'ecdsa': {
      const { r, s } = p;
      if (!isBytes(r) || !isBytes(s)) return 'unsupported';
      const field = key.modulusOctets;
      if (r.length > field || s.length > field) return false;
      const rs = new Uint8Array(2 * field);
      rs.set(r, field - r.length);
      rs.set(s, 2 * field - s.length);
      return rs;
    }
    case 'eddsa-legacy': {
      const { r, s } = p;
      if (!isBytes(r) || !isBytes(s)) return 'unsupported';
      if (r.length > 32 || s.length > 32) return false; // util.leftPad throws
      const rs = new Uint8Array(64);
      rs.set(r, 32 - r.length);
      rs.set(s, 64 - s.length);
      return rs;
    }
    case 'ed25519': {
      const { RS } = p;
      if (!isBytes(RS) || RS.length !== 64) return 'unsupported';
      return RS;
    }
  }
}

function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length === length) return bytes;
  const padded = new Uint8Array(length);
  padded.set(bytes, length - bytes.length);
  return padded;
}
