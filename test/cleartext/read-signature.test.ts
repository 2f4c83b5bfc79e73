/**
 * readCommonSignature must give exactly the packet openpgp.js's own SignaturePacket.read gives,
 * or null (then openpgp.js reads it). Checked on every signature of the fixtures and the
 * real-world documents, on signatures made here with each key type it takes, and on thousands
 * of mutated packets.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { STRICT_CONFIG } from '../../src/openpgp/config.js';
import { readCommonSignature } from '../../src/openpgp/read-signature.js';
import { fixtureAndRealWorldDocuments } from '../helpers/corpus-files.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Everything a packet holds, in comparable form: its fields and what it writes. */
function view(packet: openpgp.SignaturePacket): unknown {
  const norm = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return `hex:${hex(value)}`;
    if (value instanceof Date) return `date:${value.getTime()}`;
    if (Array.isArray(value)) return value.map(norm);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, norm(v)]));
    return value;
  };
  return { fields: norm(packet), written: hex(packet.write() as Uint8Array) };
}

function openpgpRead(body: Uint8Array): openpgp.SignaturePacket | null {
  const packet = new openpgp.SignaturePacket();
  try {
    (packet as unknown as { read(bytes: Uint8Array, config: unknown): void }).read(body, STRICT_CONFIG);
    return packet;
  } catch {
    return null;
  }
}

/** true when the own reader took the packet (and agreed), false when it left it to openpgp.js. */
function agrees(body: Uint8Array, label: string): boolean {
  const own = readCommonSignature(body);
  if (!own) return false;
  const theirs = openpgpRead(body);
  expect(theirs, `${label}: openpgp.js must read what the own reader reads`).not.toBeNull();
  expect(view(own), label).toEqual(view(theirs!));
  return true;
}

/** Signature packet bodies in binary packet data (new and old framing, definite lengths). */
function signatureBodies(bytes: Uint8Array): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const header = bytes[offset++]!;
    let tag: number;
    let length: number;
    if (header & 0x40) {
      tag = header & 0x3f;
      const first = bytes[offset++]!;
      if (first < 192) length = first;
      else if (first < 224) length = ((first - 192) << 8) + bytes[offset++]! + 192;
      else if (first === 255) {
        length = Buffer.from(bytes.subarray(offset, offset + 4)).readUInt32BE();
        offset += 4;
      } else return bodies;
    } else {
      tag = (header >> 2) & 0x0f;
      const size = 1 << (header & 3);
      length = 0;
      for (let i = 0; i < size; i++) length = length * 256 + bytes[offset++]!;
    }
    if (tag === 2) bodies.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return bodies;
}

async function bodiesIn(text: string): Promise<Uint8Array[]> {
  const armors = text.match(/-----BEGIN PGP SIGNATURE-----[\s\S]*?-----END PGP SIGNATURE-----/g) ?? [];
  const bodies: Uint8Array[] = [];
  for (const armor of armors) {
    try {
      bodies.push(...signatureBodies((await openpgp.unarmor(armor.replace(/\r/g, ''))).data as Uint8Array));
    } catch {
      // not armor openpgp.js reads: nothing to compare
    }
  }
  return bodies;
}

async function madeHere(): Promise<Uint8Array[]> {
  const keys = await Promise.all([
    openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Legacy', email: 'l@example.org' }], format: 'object' }),
    openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Modern', email: 'm@example.org' }], format: 'object' }),
    openpgp.generateKey({ type: 'rsa', rsaBits: 2048, userIDs: [{ name: 'RSA', email: 'r@example.org' }], format: 'object' }),
  ]);
  const bodies: Uint8Array[] = [];
  for (const { privateKey } of keys) {
    for (const options of [{}, { signatureNotations: [{ name: 'pledge@example.org', value: new TextEncoder().encode('I mean it ✓'), humanReadable: true, critical: false }] }]) {
      const message = await openpgp.createCleartextMessage({ text: 'I sign this.\n- and this ' });
      const armored = await openpgp.sign({ message, signingKeys: privateKey, ...options, format: 'armored' } as never);
      bodies.push(...(await bodiesIn(armored as string)));
    }
  }
  return bodies;
}

describe('readCommonSignature', () => {
  it('reads the fixtures, the real-world documents and signatures made here as openpgp.js does', async () => {
    const files = fixtureAndRealWorldDocuments();
    const bodies: [string, Uint8Array][] = [];
    for (const file of files) for (const body of await bodiesIn(readFileSync(file, 'latin1'))) bodies.push([file, body]);
    for (const body of await madeHere()) bodies.push(['made here', body]);
    let taken = 0;
    for (const [label, body] of bodies) if (agrees(body, label)) taken++;
    expect(bodies.length).toBeGreaterThan(80);
    // Most signatures have the common shape; the rest (v3, v6, DSA, other subpackets) go to openpgp.js.
    expect(taken / bodies.length).toBeGreaterThan(0.6);
  });

  it('agrees with openpgp.js on mutated packets, or leaves them to it', async () => {
    const seeds = await madeHere();
    let taken = 0;
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.nat(), fc.nat(255), fc.constantFrom('flip', 'cut', 'insert'), (which, position, byte, mutation) => {
        const seed = seeds[which]!;
        const at = position % seed.length;
        let body: Uint8Array;
        if (mutation === 'flip') {
          body = Uint8Array.from(seed);
          body[at] = byte;
        } else if (mutation === 'cut') body = seed.subarray(0, at);
        else body = Uint8Array.from([...seed.subarray(0, at), byte, ...seed.subarray(at)]);
        if (agrees(body, `${mutation} at ${at} of seed ${which} with ${byte}`)) taken++;
      }),
      { numRuns: 3000 },
    );
    expect(taken).toBeGreaterThan(100);
  });
});
