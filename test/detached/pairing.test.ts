import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { MAX_SIGNATURE_FILE_BYTES, readSignatureFile, signatureEncodingOf } from '../../src/cleartext/detached-signature.js';
import { DirectoryNames } from '../../src/extract/pair-signatures.js';
import { detachedSignedOctets } from '../../src/verify/fast-verify.js';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';

describe('the pairing rule: the longest prefix of the name that ends at a dot', () => {
  const names = new DirectoryNames(['X', 'X.asc', 'X.sig', 'X.sig.alice', 'X.sign.bob', 'X.carol', 'X.tar', 'X.tar.gz', 'X.tar.gz.asc', 'Y.txt', 'Y.txt.sig', 'Y', 'lonely.sig', '.X.sig']);

  it('pairs X.asc, X.sig, X.sign.NAME and X.NAME with X', () => {
    for (const name of ['X.asc', 'X.sig', 'X.sign.bob', 'X.carol']) expect({ name, partner: names.partnerOf(name) }).toEqual({ name, partner: 'X' });
  });

  it('takes the longest prefix: X.tar.gz.asc signs X.tar.gz, and X.sig.alice points to X.sig (a signature file: ambiguous, judged by content)', () => {
    expect(names.partnerOf('X.tar.gz.asc')).toBe('X.tar.gz');
    expect(names.partnerOf('X.sig.alice')).toBe('X.sig');
    expect(names.partnerOf('Y.txt.sig')).toBe('Y.txt');
  });

  it('gives no partner to a name no other name prefixes at a dot', () => {
    expect(names.partnerOf('lonely.sig')).toBeNull();
    expect(names.partnerOf('X')).toBeNull();
  });

  it("lists the names whose partner a file is, and no one else's", () => {
    expect(names.signaturesOf('X')).toEqual(['X.asc', 'X.carol', 'X.sig', 'X.sign.bob', 'X.tar']);
    expect(names.signaturesOf('X.tar.gz')).toEqual(['X.tar.gz.asc']);
    // By name Y.txt could sign Y; only its content (a text, not a signature) makes it a document.
    expect(names.signaturesOf('Y')).toEqual(['Y.txt']);
    expect(names.signaturesOf('Y.txt.sig')).toEqual([]);
  });
});

describe('a signature file is recognised by its content', () => {
  let signer: TestSigner;
  let armored: string;
  let binary: Uint8Array;
  beforeAll(async () => {
    signer = await createSigner();
    const message = await openpgp.createMessage({ text: 'statement\n' });
    armored = await openpgp.sign({ message, signingKeys: signer.privateKey, detached: true, format: 'armored' });
    binary = await openpgp.sign({ message, signingKeys: signer.privateKey, detached: true, format: 'binary' });
  });
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('takes an armored signature block alone (whitespace around it) and binary signature packets', () => {
    expect(signatureEncodingOf(bytes(armored))).toBe('armored');
    expect(signatureEncodingOf(bytes(`\n\n${armored.replaceAll('\n', '\r\n')}\n`))).toBe('armored');
    expect(signatureEncodingOf(binary)).toBe('binary');
    expect(signatureEncodingOf(Buffer.concat([binary, binary]))).toBe('binary');
  });

  it('refuses anything else: a cleartext-signed document, a text quoting an armor, two armors, a key, a truncated packet, an oversized file', async () => {
    expect(signatureEncodingOf(bytes(await clearsign('hello\n', [signer])))).toBeNull();
    expect(signatureEncodingOf(bytes(`To check, look for this:\n${armored}`))).toBeNull();
    expect(signatureEncodingOf(bytes(`${armored}\n${armored}`))).toBeNull();
    expect(signatureEncodingOf(bytes(signer.armoredPublicKey))).toBeNull();
    const key = (await openpgp.readKey({ armoredKey: signer.armoredPublicKey })).write();
    expect(signatureEncodingOf(key)).toBeNull();
    expect(signatureEncodingOf(binary.subarray(0, binary.length - 1))).toBeNull();
    expect(signatureEncodingOf(new Uint8Array(MAX_SIGNATURE_FILE_BYTES + 1).fill(0x88))).toBeNull();
    expect(signatureEncodingOf(new Uint8Array(0))).toBeNull();
  });

  it('reads several signature packets from one file, within --max-signatures', async () => {
    const two = Buffer.concat([binary, binary]);
    const read = await readSignatureFile(two, DEFAULT_LIMITS);
    expect(read.ok && read.signatures.map((signature) => signature.issuerFingerprint)).toEqual([signer.fingerprint, signer.fingerprint]);
    const limited = await readSignatureFile(two, { ...DEFAULT_LIMITS, maxSignaturesPerBlock: 1 });
    expect(limited).toMatchObject({ ok: false, error: { code: 'input-too-large' } });
  });

  it('refuses a signature that signs no data (a key certification) as no-signature', async () => {
    const key = await openpgp.readKey({ armoredKey: signer.armoredPublicKey });
    const certification = key.users[0]!.selfCertifications[0]!;
    const packets = new openpgp.PacketList<openpgp.SignaturePacket>();
    packets.push(certification);
    const read = await readSignatureFile(new openpgp.Signature(packets).write() as Uint8Array, DEFAULT_LIMITS);
    expect(read).toMatchObject({ ok: false, error: { code: 'no-signature' } });
  });
});

describe('the octets a detached signature hashes', () => {
  const octets = (text: string, type: number) => Buffer.from(detachedSignedOctets(Buffer.from(text, 'latin1'), type)).toString('latin1');

  it('are the file itself for a binary (0x00) signature', () => {
    expect(octets('a\nb\r\nc\rd', openpgp.enums.signature.binary)).toBe('a\nb\r\nc\rd');
  });

  it('have every LF not after a CR made CRLF for a text (0x01) signature, and nothing else changed', () => {
    expect(octets('a\nb\r\nc\rd  \n\n', openpgp.enums.signature.text)).toBe('a\r\nb\r\nc\rd  \r\n\r\n');
    expect(octets('\n', openpgp.enums.signature.text)).toBe('\r\n');
  });
});
