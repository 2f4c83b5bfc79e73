/**
 * Issue 19, item 9 (row C-24): the replay check of a signers repository recognises a copied
 * signature by what its signer hashed, not by its bytes. A copy re-dressed with an unhashed
 * subpacket (added, or the issuer moved out of the unhashed area) or, for ECDSA, with s
 * replaced by n − s, still verifies; it must still be a `replayed-signature`.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/report/manifest.js';
import { assertNothingUnproven, cleartextBlock, cli, newKey, packetBytes, scratchDir, signText, writeIn, type Made } from './assert-nothing-unproven.js';

const TEXT = 'I, Alice, commit to the pledge.';
/** P-256 order: an ECDSA signature (r, s) verifies as (r, n − s) too. */
const P256_ORDER = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

type Params = Record<string, Uint8Array>;
type Readable = openpgp.SignaturePacket & { params: Params; signedHashValue: Uint8Array; signatureData: Uint8Array; writeUnhashedSubPackets(): Uint8Array };

const signatureOf = async (bytes: Uint8Array) => (await openpgp.readSignature({ binarySignature: bytes })).packets[0] as Readable;

function mpi(value: bigint): Uint8Array {
  const bytes = Buffer.from(
    value
      .toString(16)
      .padStart(2, '0')
      .replace(/^(.(..)*)$/, '0$1'),
    'hex',
  );
  return Uint8Array.from([...[value.toString(2).length >> 8, value.toString(2).length & 0xff], ...bytes]);
}

/** A v4 ECDSA signature packet from its parts, framed (new format, two-octet length at most). */
function packetFrom(signature: Readable, unhashed: Uint8Array, r: bigint, s: bigint): Uint8Array {
  const body = Buffer.concat([signature.signatureData, unhashed, signature.signedHashValue, mpi(r), mpi(s)]);
  const length = body.length < 192 ? [body.length] : [((body.length - 192) >> 8) + 192, (body.length - 192) & 0xff];
  return Uint8Array.from([0xc2, ...length, ...body]);
}

const toBig = (bytes: Uint8Array) => BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

/** The copies an attacker can make of Alice's signature without her key, each of which verifies. */
async function copies(original: Uint8Array): Promise<Record<string, Uint8Array>> {
  const signature = await signatureOf(original);
  const r = toBig(signature.params.r!);
  const s = toBig(signature.params.s!);
  const withNotation = await signatureOf(original);
  withNotation.unhashedSubpackets.push({ type: 20, critical: false, body: Uint8Array.from([0x80, 0, 0, 0, 0, 4, 0, 1, ...Buffer.from('copy'), 0x78]) });
  return {
    'exact-copy': original,
    'unhashed-notation': packetFrom(signature, withNotation.writeUnhashedSubPackets(), r, s),
    'unhashed-issuer-added': packetFrom(signature, Uint8Array.from([0, 10, 9, 16, ...Buffer.from(signature.issuerKeyID.toHex(), 'hex')]), r, s),
    'unhashed-area-emptied': packetFrom(signature, Uint8Array.from([0, 0]), r, s),
    'value-negated': packetFrom(signature, signature.writeUnhashedSubPackets(), r, P256_ORDER - s),
  };
}

/** A signers repository: Alice's file, her pinned key, duplicate signers allowed, replays refused. */
async function repository(alice: Made, files: Record<string, string>): Promise<string> {
  const dir = await scratchDir('pledge-replay-');
  await mkdir(join(dir, '_signatures'));
  await mkdir(join(dir, 'keys'));
  await writeIn(dir, 'pledge.config.json', JSON.stringify({ documents: ['_signatures/*.md'], keys: 'keys', sources: [], duplicateSigner: 'off', replayedSignature: 'error' }));
  await writeIn(join(dir, 'keys'), 'alice.asc', alice.armored);
  for (const [name, block] of Object.entries(files)) await writeIn(join(dir, '_signatures'), name, `# ${name}\n\n\`\`\`text\n${block}\`\`\`\n`);
  return dir;
}

const findings = (manifest: Manifest) => Object.fromEntries(manifest.documents.map((d) => [d.path.split('/').pop(), (d as { findings?: { code: string }[] }).findings?.map((f) => f.code) ?? []]));

describe('C: a signature copied into another signer file', () => {
  it('C-24: a copy with unhashed subpackets added, moved or dropped, or an ECDSA value re-dressed as n − s, is still a replayed-signature', async () => {
    const alice = await newKey('Alice <alice@example.org>', { curve: 'nistP256' });
    const original = packetBytes([await signText(alice, TEXT)]);
    const made = await copies(original);
    const files: Record<string, string> = { '0-alice.md': cleartextBlock(TEXT, original) };
    for (const [name, bytes] of Object.entries(made)) files[`${name}.md`] = cleartextBlock(TEXT, bytes);
    const dir = await repository(alice, files);
    const run = await cli(['verify', '--json', '--offline', '--no-cache'], { cwd: dir });
    const manifest = JSON.parse(run.stdout) as Manifest;
    // Every copy verifies: the mathematics does not tell it from the original.
    expect(manifest.documents.map((d) => d.blocks[0]!.signatures[0]!.status)).toEqual(Object.keys(files).map(() => 'verified'));
    const expected = Object.fromEntries([['0-alice.md', []], ...Object.keys(made).map((name) => [`${name}.md`, ['replayed-signature']])]);
    expect(findings(manifest)).toEqual(expected);
    expect(new Set(manifest.documents.map((d) => d.blocks[0]!.signatures[0]!.signatureSha256)).size).toBe(1);
    expect(run.code).toBe(1);
    // A replay never counts as a signer file: Alice signed one.
    expect(manifest.signers.map((signer) => [signer.primaryKeyFingerprint, signer.documents])).toEqual([[alice.fingerprint, ['_signatures/0-alice.md']]]);
  });

  it('C-24 control: a second genuine signature by the same key over the same text is not a replay', async () => {
    const alice = await newKey('Alice <alice@example.org>', { curve: 'nistP256' });
    const first = packetBytes([await signText(alice, TEXT)]);
    const second = packetBytes([await signText(alice, TEXT, { date: new Date('2024-03-02T00:00:00Z') })]);
    const dir = await repository(alice, { 'alice.md': cleartextBlock(TEXT, first), 'alice-again.md': cleartextBlock(TEXT, second) });
    const run = await cli(['verify', '--json', '--offline', '--no-cache'], { cwd: dir });
    const manifest = JSON.parse(run.stdout) as Manifest;
    expect(manifest.documents.map((d) => d.blocks[0]!.signatures[0]!.status)).toEqual(['verified', 'verified']);
    expect(findings(manifest)).toEqual({ 'alice.md': [], 'alice-again.md': [] });
    expect(run.code).toBe(0);
    await assertNothingUnproven(manifest, { recheckText: false });
  });
});
