/**
 * What pledge relies on in openpgp.js beyond its typed API, asserted on the installed version,
 * so that an upgrade that moves or renames one of them fails here, by name, before anything
 * else does (src/openpgp/ is the only code that touches them). One assertion per private field,
 * symbol, untyped constructor argument or behaviour the adapter's functions use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  VERIFIED_MARK_FOUND,
  cleartextLiteralPacket,
  cleartextMessageWith,
  clearRevokedMark,
  deepClone,
  detachedLiteralPacket,
  detachedMessageWith,
  unarmorStrict,
  directSignaturesOf,
  keyExpirationSeconds,
  legacySignaturePacket,
  literalData,
  messageBytes,
  messageWith,
  signedMessagePackets,
  markVerified,
  markedVerified,
  mathematicsView,
  mayHaveCriticalNotation,
  readCommonSignature,
  readPublicKeys,
  readSignaturePacketBody,
  signatureInternals,
  signaturePacketsOf,
  signatureToHash,
  verifySignaturePacket,
} from '../../src/openpgp/index.js';
import { REPO } from '../helpers/run-cli.js';

const TEXT = 'I, Ada, agree.\nSecond line';
let key: openpgp.PublicKey;
let message: openpgp.CleartextMessage;
let packet: openpgp.SignaturePacket;

beforeAll(async () => {
  const generated = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Ada', email: 'ada@example.org' }], keyExpirationTime: 86_400 * 365, format: 'object' });
  key = generated.publicKey;
  const signingKey = generated.privateKey;
  const armored = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: TEXT }), signingKeys: signingKey });
  message = await openpgp.readCleartextMessage({ cleartextMessage: armored });
  packet = signaturePacketsOf(message)[0]!;
});

describe('openpgp.js contract', () => {
  it('is the exact version package.json pins, and the lock file agrees', () => {
    const installed = JSON.parse(readFileSync(join(REPO, 'node_modules', 'openpgp', 'package.json'), 'utf8')).version;
    const pinned = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).dependencies.openpgp;
    const locked = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')).packages['node_modules/openpgp'].version;
    expect(pinned, 'pinned exactly: no range').toMatch(/^\d+\.\d+\.\d+$/);
    expect(installed).toBe(pinned);
    expect(locked).toBe(pinned);
  });

  it('keeps a cleartext message\'s signature packets on `signature`, and builds one from (text, Signature)', () => {
    expect((message as unknown as { signature: openpgp.Signature }).signature).toBeInstanceOf(openpgp.Signature);
    expect(packet).toBeInstanceOf(openpgp.SignaturePacket);
    const rebuilt = cleartextMessageWith(TEXT, [packet]);
    expect(rebuilt.getText()).toBe(TEXT);
    expect(signaturePacketsOf(rebuilt)).toEqual([packet]);
  });

  it('hashes a cleartext message as CRLF text with trailing whitespace removed (cleartextLiteralPacket, C-23)', async () => {
    const literal = cleartextLiteralPacket('a  \nb\t\nc');
    expect((literal as unknown as { getText(): string }).getText()).toBe('a\r\nb\r\nc');
    await expect(verifySignaturePacket(packet, key.keyPacket, openpgp.enums.signature.text, cleartextLiteralPacket(TEXT), null, true)).resolves.toBeUndefined();
    await expect(verifySignaturePacket(packet, key.keyPacket, openpgp.enums.signature.text, cleartextLiteralPacket(`${TEXT}!`), null, true)).rejects.toThrow();
  });

  it('fills the fields its typings omit when it reads a signature packet', () => {
    const fields = signatureInternals(packet);
    expect(fields.params).toBeTypeOf('object');
    expect(Object.values(fields.params as object).every((value) => value instanceof Uint8Array)).toBe(true);
    expect(fields.hashed ?? null).toBeNull();
    expect(fields.salt ?? null, 'a v4 signature has no salt').toBeNull();
    expect(Array.isArray(fields.rawNotations)).toBe(true);
    expect(Array.isArray(fields.unknownSubpackets)).toBe(true);
    expect(fields.signatureData).toBeInstanceOf(Uint8Array);
    expect(fields.signedHashValue).toBeInstanceOf(Uint8Array);
    expect((fields.signedHashValue as Uint8Array).length).toBe(2);
    expect(mayHaveCriticalNotation(packet)).toBe(false);
  });

  it('reads a packet body with SignaturePacket#read(bytes, config), as pledge\'s own reader does', () => {
    const body = packet.write() as Uint8Array;
    const read = readSignaturePacketBody(body);
    expect(read.write()).toEqual(body);
    const own = readCommonSignature(body);
    expect(own, 'the common shape: an EdDSA v4 signature').not.toBeNull();
    expect(signatureInternals(own!).signatureData).toEqual(signatureInternals(read).signatureData);
  });

  it('reads eight octets into a KeyID with KeyID#read, and lets a packet\'s write be replaced (v3 signatures)', () => {
    const body = Uint8Array.from([3, 5, 0x01, 0x5f, 0x00, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 1, 8, 0, 0]);
    const legacy = legacySignaturePacket({ signatureType: 1, created: new Date(0x5f000000 * 1000), issuerKeyID: body.subarray(7, 15), publicKeyAlgorithm: 1, hashAlgorithm: 8 }, body);
    expect(legacy.issuerKeyID.toHex()).toBe('0102030405060708');
    expect(legacy.write()).toBe(body);
  });

  it('marks a checked signature under a private symbol described "verified", which pledge may set', async () => {
    expect(VERIFIED_MARK_FOUND).toBe(true);
    const fresh = readSignaturePacketBody(packet.write() as Uint8Array);
    expect(markedVerified(fresh)).toBe(false);
    await verifySignaturePacket(fresh, key.keyPacket, openpgp.enums.signature.text, cleartextLiteralPacket(TEXT), null, true);
    expect(markedVerified(fresh), 'openpgp.js sets it after a successful check').toBe(true);
    // A message signature is checked again whatever the mark (its data can change): set by pledge, it spares nothing there.
    const broken = (signature: openpgp.SignaturePacket) => {
      const copy = readSignaturePacketBody(signature.write() as Uint8Array);
      const value = Object.values(signatureInternals(copy).params as Record<string, Uint8Array>)[0]!;
      value[value.length - 1]! ^= 1;
      return copy;
    };
    const forgedText = broken(packet);
    markVerified(forgedText);
    await expect(verifySignaturePacket(forgedText, key.keyPacket, openpgp.enums.signature.text, cleartextLiteralPacket(TEXT), null, true)).rejects.toThrow();
    // A key's own signature is not: the public-key operation is skipped (why pledge sets it only where node:crypto proved it holds).
    const certification = key.users[0]!.selfCertifications[0]!;
    const data = { userID: key.users[0]!.userID, userAttribute: null, key: key.keyPacket };
    const brokenCertification = () => broken(certification);
    await expect(verifySignaturePacket(brokenCertification(), key.keyPacket, openpgp.enums.signature.certGeneric, data, null, false)).rejects.toThrow();
    const marked = brokenCertification();
    markVerified(marked);
    await expect(verifySignaturePacket(marked, key.keyPacket, openpgp.enums.signature.certGeneric, data, null, false)).resolves.toBeUndefined();
  });

  it('keeps direct-key signatures on the key, a revoked mark on self-signatures, and the key expiry on them', () => {
    expect(Array.isArray(directSignaturesOf(key))).toBe(true);
    const certification = key.users[0]!.selfCertifications[0]!;
    expect('revoked' in certification).toBe(true);
    clearRevokedMark(certification);
    expect((certification as unknown as { revoked: unknown }).revoked).toBeNull();
    expect(keyExpirationSeconds(certification)).toBe(86_400 * 365);
  });

  it('computes what a key signature hashes with SignaturePacket#toHash(type, data)', () => {
    const certification = key.users[0]!.selfCertifications[0]!;
    const data = { userID: key.users[0]!.userID, userAttribute: null, key: key.keyPacket };
    const toHash = signatureToHash(certification, openpgp.enums.signature.certGeneric, data);
    expect(toHash).toBeInstanceOf(Uint8Array);
  });

  it('deep-clones a key with clone(true): changing the copy leaves the key as it was', () => {
    const copy = deepClone(key);
    copy.users[0]!.selfCertifications = [];
    expect(key.users[0]!.selfCertifications.length).toBe(1);
  });

  it('checks only the mathematics through mathematicsView: critical notations and revocation keys out of sight', () => {
    const view = mathematicsView(packet) as unknown as { rawNotations: unknown[]; revocationKeyClass: unknown };
    expect(view.revocationKeyClass).toBeNull();
    expect(Object.getPrototypeOf(view)).toBe(packet);
  });

  it('builds public keys from packets read one by one with each packet class\'s read (readPublicKeys)', async () => {
    const keys = await readPublicKeys(key.write() as Uint8Array);
    expect(keys?.map((k) => k.getFingerprint())).toEqual([key.getFingerprint()]);
  });

  it('hands an inline message\'s packets after the literal data over packets.stream, and keeps the literal\'s octets and format', async () => {
    const { privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Ada' }], format: 'object' });
    const armored = await openpgp.sign({ message: await openpgp.createMessage({ text: TEXT }), signingKeys: privateKey, config: { preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed } });
    const bytes = await messageBytes(armored);
    const read = await openpgp.readMessage({ binaryMessage: bytes });
    expect(typeof (read.packets as unknown as { stream?: { readToEnd?: unknown } }).stream?.readToEnd, 'the packet stream').toBe('function');
    const { literals, signatures } = await signedMessagePackets(bytes);
    expect([literals.length, signatures.length], 'the signature after the literal data is read from the stream').toEqual([1, 1]);
    const data = literalData(literals[0]!);
    expect(new TextDecoder().decode(data.bytes)).toBe(TEXT.replaceAll('\n', '\r\n'));
    expect(data.text).toBe(true);
    const verified = await openpgp.verify({ message: messageWith(literals[0]!, signatures[0]!), verificationKeys: privateKey.toPublic(), expectSigned: true });
    await expect(verified.signatures[0]!.verified).resolves.toBe(true);
  });

  it('builds a binary literal with setBytes and a Message from packets, as a detached signature is verified against', async () => {
    const { privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Ada' }], format: 'object' });
    const data = new TextEncoder().encode('the document\r\n');
    const armored = await openpgp.sign({ message: await openpgp.createMessage({ binary: data }), signingKeys: privateKey, detached: true });
    const armor = await unarmorStrict(armored);
    expect(armor.type).toBe(openpgp.enums.armor.signature);
    const packet = (await openpgp.readSignature({ binarySignature: armor.data })).packets[0]!;
    expect(literalData(detachedLiteralPacket(data))).toEqual({ bytes: data, text: false });
    const { message, signature } = detachedMessageWith(data, packet);
    const verified = await openpgp.verify({ message, signature, verificationKeys: privateKey.toPublic(), expectSigned: true });
    await expect(verified.signatures[0]!.verified).resolves.toBe(true);
    const altered = detachedMessageWith(new TextEncoder().encode('another document'), packet);
    const refused = await openpgp.verify({ ...altered, verificationKeys: privateKey.toPublic() });
    await expect(refused.signatures[0]!.verified).rejects.toThrow();
  });
});
