/**
 * threat catalogue, rows R-01…R-07: resource exhaustion. Inputs are made here (huge, sparse or
 * crafted documents, packets and key servers on 127.0.0.1 using the fault helpers of
 * test/helpers/http-server.ts). Every deadline is short (1 s per request), so no row waits for
 * the 200-second drip the catalogue describes: the point is that pledge's own deadline fires.
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/report/manifest.js';
import { dripBytes, gzipBomb, respondAfter } from '../helpers/http-server.js';
import { vksHandler } from '../helpers/servers/vks.js';
import {
  assertNothingUnproven,
  certify,
  cleartextBlock,
  hkpHandler,
  localDiscovery,
  newKey,
  outcome,
  packetBytes,
  publicPacket,
  scratchDir,
  signText,
  userIDPacket,
  verdicts,
  verify,
  writeIn,
  type Made,
  TEXT,
  serverPool,
  oneSignatureBlock as ok,
  malformedBlock as malformed,
} from './assert-nothing-unproven.js';

const { enums } = openpgp;
const UNAVAILABLE = [ok('key-unavailable', 'key-unavailable')];

let dir: string;
let alice: Made;
let aliceKeyring: string;
const { serve, closeAll } = serverPool();

beforeAll(async () => {
  dir = await scratchDir('pledge-sec-r-');
  alice = await newKey('Alice <alice@example.org>');
  aliceKeyring = await writeIn(dir, 'alice.asc', alice.armored);
});

afterAll(async () => {
  await closeAll();
});

/** Copies of one signature packet, each with a different (forged, hashed) issuer key ID. */
async function signaturesFromManyIssuers(count: number, firstID = 0): Promise<Uint8Array> {
  const marker = 'A1B2C3D4E5F60718';
  const KeyID = alice.publicKey.getKeyID().constructor as typeof openpgp.KeyID;
  const template = packetBytes([
    await signText(alice, TEXT, {
      tweak: (packet) => {
        packet.issuerFingerprint = null;
        packet.issuerKeyID = KeyID.fromID(marker);
      },
    }),
  ]);
  const at = Buffer.from(template).indexOf(Buffer.from(marker, 'hex'));
  const copies: number[] = [];
  for (let index = 0; index < count; index++) {
    const copy = Uint8Array.from(template);
    copy.set(Buffer.from((firstID + index + 1).toString(16).padStart(16, '0').replace(/^00/, 'EE'), 'hex'), at);
    copies.push(...copy);
  }
  return new Uint8Array(copies);
}

/** A lookup that failed: which source, and the code the HTTP client gave. */
const failures = (manifest: Manifest) => manifest.lookups.map((l) => ({ outcome: l.outcome, code: l.code }));

describe('R: resource exhaustion', () => {
  it('R-01: a 100 MB document, a 300 kB block, a 70,000-character line and thousands of armor headers are input-too-large before parsing', async () => {
    // A sparse 100 MB file: it is refused on its size, never read.
    const huge = join(dir, 'r01-100MB.txt');
    const handle = await open(huge, 'w');
    await handle.truncate(100 * 1024 * 1024);
    await handle.close();
    let started = Date.now();
    const document = await verify([huge], { keyrings: [aliceKeyring] });
    expect(document.documents[0]).toMatchObject({ status: 'unreadable', error: { code: 'input-too-large' }, blocks: [] });
    expect(Date.now() - started).toBeLessThan(1_000);
    await assertNothingUnproven(document);

    const signed = async (text: string) => cleartextBlock(text, [await signText(alice, text)]);
    const longBlock = Array.from({ length: 3_000 }, (_, index) => `${String(index).padStart(4, '0')} ${'x'.repeat(95)}`).join('\n') + '\n';
    const longLine = `I agree: ${'y'.repeat(70_000)}\n`;
    const base = await signed(TEXT);
    const headers = (line: string, count: number) => base.replace('-----BEGIN PGP SIGNATURE-----\n', `-----BEGIN PGP SIGNATURE-----\n${`${line}\n`.repeat(count)}`);
    const hashHeaders = base.replace('Hash: SHA512\n', 'Hash: SHA512\n'.repeat(5_000));
    const inputs = {
      'block of 300 kB': await signed(longBlock),
      'line of 70,000 characters': await signed(longLine),
      '5,000 Comment: headers': headers('Comment: x', 5_000),
      '5,000 Hash: headers': hashHeaders,
    };
    const seen: Record<string, unknown> = {};
    started = Date.now();
    for (const [name, block] of Object.entries(inputs)) {
      const manifest = await verify([await writeIn(dir, `r01-${name.replace(/\W+/g, '-')}.txt`, block)], { keyrings: [aliceKeyring] });
      seen[name] = verdicts(manifest);
      await assertNothingUnproven(manifest);
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(seen).toEqual(Object.fromEntries(Object.keys(inputs).map((name) => [name, [malformed('input-too-large')]])));
  });

  it('R-02: a block with many signatures from different issuers, a document with too many blocks, or too many distinct keys is capped before any key fetch', async () => {
    const vks = await serve(vksHandler({ keys: [] }));
    const discovery = localDiscovery({ vks: vks.origin }, ['vks'], { timeoutMs: 1_000 });

    // (a) 100 and 2,000 signatures in one block, each naming a different issuer.
    for (const count of [100, 2_000]) {
      const manifest = await verify([await writeIn(dir, `r02-${count}.txt`, cleartextBlock(TEXT, await signaturesFromManyIssuers(count)))], { discovery });
      expect.soft(verdicts(manifest), `${count} signatures`).toEqual([malformed('input-too-large')]);
      await assertNothingUnproven(manifest);
    }
    expect(vks.requests, 'no key is fetched for a block over the cap').toHaveLength(0);

    // (b) 65 blocks in one document: the cap (64) is reported, never a silent cut.
    const block = cleartextBlock(TEXT, [await signText(alice, TEXT)]);
    const many = await verify([await writeIn(dir, 'r02-65-blocks.txt', Array.from({ length: 65 }, () => block).join('\n'))], { keyrings: [aliceKeyring] });
    await assertNothingUnproven(many);
    const blocks = many.documents[0]!.blocks;
    expect.soft(blocks.length, 'every block of the document is reported').toBe(65);
    expect.soft(blocks.slice(0, 64).every((b) => b.status === 'ok'), 'the first 64 blocks are judged').toBe(true);
    expect.soft(blocks[64] ? verdicts({ ...many, documents: [{ ...many.documents[0]!, blocks: [blocks[64]] }] }) : null, 'block 65').toEqual([malformed('input-too-large')]);

    // (c) 20 blocks of 16 signatures (the per-block cap), 320 distinct issuers: a per-run cap
    // on distinct keys must stop the lookups before every one of them is fetched.
    const blocks20: string[] = [];
    for (let index = 0; index < 20; index++) blocks20.push(cleartextBlock(TEXT, await signaturesFromManyIssuers(16, index * 16)));
    const before = vks.requests.length;
    const distinct = await verify([await writeIn(dir, 'r02-320-issuers.txt', blocks20.join('\n'))], { discovery });
    await assertNothingUnproven(distinct);
    expect(distinct.signers).toEqual([]);
    expect(vks.requests.length - before, 'distinct keys fetched in one run').toBeLessThan(320);
  });

  it('R-03: a compressed packet (a 100 MB deflate bomb) inside the signature armor is rejected without being inflated', async () => {
    const inflated = 100 * 1024 * 1024;
    const deflated = deflateRawSync(Buffer.alloc(inflated), { level: 9 });
    const body = [enums.compression.zip, ...deflated];
    const length = body.length;
    const bomb = new Uint8Array([0xc8, 0xff, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff, ...body]);
    const good = packetBytes([await signText(alice, TEXT)]);
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const seen: Record<string, unknown> = {};
    for (const [name, bytes] of [
      ['good signature + bomb', new Uint8Array([...good, ...bomb])],
      ['bomb alone', bomb],
    ] as const) {
      const manifest = await verify([await writeIn(dir, `r03-${name.replace(/\W+/g, '-')}.txt`, cleartextBlock(TEXT, bytes))], { keyrings: [aliceKeyring] });
      seen[name] = verdicts(manifest);
      await assertNothingUnproven(manifest);
    }
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(process.memoryUsage().rss - rss, 'memory grows by far less than the 100 MB the bomb holds').toBeLessThan(50 * 1024 * 1024);
    // openpgp.js: "Packet not allowed in this context"; the block is refused (malformed-packet).
    expect(seen).toEqual({ 'good signature + bomb': [malformed('malformed-packet')], 'bomb alone': [malformed('malformed-packet')] });
  });

  it('R-04: packet lengths of 2^31, partial lengths on a signature and truncated MPIs are malformed-packet; fuzzed signatures never pass', async () => {
    const good = packetBytes([await signText(alice, TEXT)]);
    // PacketList.write() uses a new-format header with a one- or two-octet length.
    const headerLength = good[1]! < 192 ? 2 : 3;
    const body = good.subarray(headerLength);
    const crafted = {
      // A five-octet length of 0x80000000 (2^31) over a body of ~120 octets.
      'length 2^31': new Uint8Array([0xc2, 0xff, 0x80, 0x00, 0x00, 0x00, ...body]),
      // Partial body lengths are only for data packets: 32 octets, then the rest.
      'partial length': new Uint8Array([0xc2, 0xe5, ...body.subarray(0, 32), body.length - 32, ...body.subarray(32)]),
      // The last MPI cut short, the packet length made to match.
      'truncated MPI': new Uint8Array([0xc2, body.length - 10, ...body.subarray(0, body.length - 10)]),
    };
    const seen: Record<string, unknown> = {};
    for (const [name, bytes] of Object.entries(crafted)) {
      const manifest = await verify([await writeIn(dir, `r04-${name.replace(/\W+/g, '-')}.txt`, cleartextBlock(TEXT, bytes))], { keyrings: [aliceKeyring] });
      seen[name] = verdicts(manifest);
      await assertNothingUnproven(manifest);
    }
    expect.soft(seen).toEqual({ 'length 2^31': [malformed('malformed-packet')], 'partial length': [malformed('malformed-packet')], 'truncated MPI': [malformed('malformed-packet')] });

    // Fuzz: flip, drop, insert or truncate bytes of the signature, or change a character of the
    // text. Never a crash; and any "verified" must be openpgp.js's own verdict on the same
    // block, over the original text (encoding-only changes, such as an MPI's bit count, may
    // still verify).
    const original = TEXT.replace(/\n$/, '');
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({ kind: fc.constantFrom('flip', 'drop', 'insert', 'truncate', 'text'), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
        async ({ kind, at, value }) => {
          runs++;
          let bytes = Uint8Array.from(good);
          let text = TEXT;
          const i = at % bytes.length;
          if (kind === 'flip') bytes[i] = bytes[i]! ^ (value || 1);
          if (kind === 'drop') bytes = new Uint8Array([...bytes.subarray(0, i), ...bytes.subarray(i + 1)]);
          if (kind === 'insert') bytes = new Uint8Array([...bytes.subarray(0, i), value, ...bytes.subarray(i)]);
          if (kind === 'truncate') bytes = bytes.subarray(0, i);
          if (kind === 'text') {
            const j = at % original.length;
            text = `${original.slice(0, j)}${String.fromCharCode(33 + (value % 90))}${original.slice(j + 1)}\n`;
          }
          const block = cleartextBlock(text, bytes);
          const fuzzed = await writeIn(dir, 'r04-fuzz.txt', block);
          const result = await outcome(() => verify([fuzzed], { keyrings: [aliceKeyring] }));
          if ('threw' in result) throw new Error(`pledge threw on ${kind}@${at}: ${result.threw}`);
          for (const b of result.documents[0]!.blocks) {
            if (!b.signatures.some((s) => s.status === 'verified')) continue;
            if (b.signedText !== original) throw new Error(`${kind}@${at}: verified a changed text ${JSON.stringify(b.signedText)}`);
            const message = await openpgp.readCleartextMessage({ cleartextMessage: block });
            const { signatures } = await openpgp.verify({ message, verificationKeys: [alice.publicKey], expectSigned: false });
            await signatures[0]!.verified; // throws if openpgp.js does not agree
          }
        },
      ),
      { numRuns: 120 },
    );
    expect(runs).toBeGreaterThanOrEqual(120);
  });

  it('R-05: a keyserver serving a flooded key of 20 MB is capped (response-too-large), and the signature is key-unavailable', async () => {
    const linus = await newKey('Linus <linus@example.org>');
    const primary = await publicPacket(openpgp.PublicKeyPacket, alice.publicKey.keyPacket);
    const userID = userIDPacket('Alice <alice@example.org>');
    const head = new openpgp.PacketList<openpgp.AnyPacket>();
    head.push(primary, userID, await certify(alice.privateKey.keyPacket as openpgp.SecretKeyPacket, primary, userID));
    const flood = packetBytes([await certify(linus.privateKey.keyPacket as openpgp.SecretKeyPacket, primary, userID, { type: enums.signature.certGeneric })]);
    const copies = Math.ceil((20 * 1024 * 1024) / flood.length);
    const flooded = Buffer.concat([head.write(), ...Array.from({ length: copies }, () => flood)]);
    expect(flooded.length).toBeGreaterThan(20 * 1024 * 1024);
    const hkp = await serve(hkpHandler(() => flooded));
    const document = await writeIn(dir, 'r05.txt', cleartextBlock(TEXT, [await signText(alice, TEXT)]));
    const started = Date.now();
    const manifest = await verify([document], { discovery: localDiscovery({ keyservers: [hkp.origin] }, ['hkp'], { timeoutMs: 5_000 }) });
    expect(Date.now() - started).toBeLessThan(5_000);
    // The catalogue's error:key-too-large: the byte cap is the HTTP client's (1 MiB decoded).
    expect(verdicts(manifest)).toEqual(UNAVAILABLE);
    expect(failures(manifest)).toEqual([{ outcome: 'error', code: 'response-too-large' }]);
    await assertNothingUnproven(manifest);
  });

  it('R-06: a slow-loris keyserver (a byte at a time, or headers never sent) ends in network-timeout within pledge’s deadlines', async () => {
    const document = await writeIn(dir, 'r06.txt', cleartextBlock(TEXT, [await signText(alice, TEXT)]));
    const drip = await serve(() => dripBytes(100));
    const silent = await serve(() => respondAfter(60_000, { status: 404 }));
    for (const [name, server] of [['drip', drip], ['no headers', silent]] as const) {
      const started = Date.now();
      const manifest = await verify([document], { discovery: localDiscovery({ vks: server.origin }, ['vks'], { timeoutMs: 1_000 }) });
      expect.soft(Date.now() - started, `${name}: one request deadline of 1 s`).toBeLessThan(3_000);
      expect.soft(verdicts(manifest), name).toEqual(UNAVAILABLE);
      expect.soft(failures(manifest), name).toEqual([{ outcome: 'error', code: 'network-timeout' }]);
      await assertNothingUnproven(manifest);
    }
    // The run's own deadline: four dripping keyservers, 1 s each, but 1.5 s for the whole run.
    const keyservers = [drip.origin, (await serve(() => dripBytes(100))).origin, (await serve(() => dripBytes(100))).origin, (await serve(() => dripBytes(100))).origin];
    const started = Date.now();
    const manifest = await verify([document], { discovery: localDiscovery({ keyservers }, ['hkp'], { timeoutMs: 1_000, runTimeoutMs: 1_500 }) });
    expect(Date.now() - started, 'the run deadline (1.5 s) cuts the four 1 s requests short').toBeLessThan(3_000);
    expect(verdicts(manifest)).toEqual(UNAVAILABLE);
    // Issue 20 #8: once the first has spent the key's deadline, the others are not asked at all.
    expect(failures(manifest).every((f) => f.code === 'network-timeout' || f.code === 'key-deadline')).toBe(true);
  });

  it('R-07: a gzip bomb (Content-Encoding) is stopped while streaming at the decoded-size cap (response-too-large)', async () => {
    const document = await writeIn(dir, 'r07.txt', cleartextBlock(TEXT, [await signText(alice, TEXT)]));
    const bomb = await serve(() => gzipBomb(2 * 1024 * 1024 * 1024));
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const manifest = await verify([document], { discovery: localDiscovery({ vks: bomb.origin }, ['vks'], { timeoutMs: 10_000 }) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(process.memoryUsage().rss - rss, 'decoded bytes are counted, not buffered').toBeLessThan(200 * 1024 * 1024);
    expect(verdicts(manifest)).toEqual(UNAVAILABLE);
    expect(failures(manifest)).toEqual([{ outcome: 'error', code: 'response-too-large' }]);
    await assertNothingUnproven(manifest);
  });
});
