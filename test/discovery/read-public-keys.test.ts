import fc from 'fast-check';
import { readKeys, type PublicKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { STRICT_CONFIG } from '../../src/openpgp/config.js';
import { readPublicKeys } from '../../src/openpgp/read-public-keys.js';
import { binaryKeys, portrait } from '../helpers/key-corpus.js';

/**
 * pledge's key packet reader must build exactly the keys openpgp.js's readKeys builds from the
 * same bytes, or hand the bytes to readKeys (null); never keys where readKeys refuses.
 */
async function theirs(bytes: Uint8Array): Promise<PublicKey[] | null> {
  try {
    return (await readKeys({ binaryKeys: bytes, config: STRICT_CONFIG })).map((key) => (key.isPrivate() ? key.toPublic() : key) as PublicKey);
  } catch {
    return null;
  }
}

/** True when pledge's reader took the bytes (and then built readKeys's keys). */
async function expectSameAsReadKeys(bytes: Uint8Array): Promise<boolean> {
  const ours = await readPublicKeys(bytes);
  if (!ours) return false;
  const expected = await theirs(bytes);
  expect(expected, 'readKeys must accept what pledge reads').not.toBeNull();
  expect(await Promise.all(ours.map(portrait))).toEqual(await Promise.all(expected!.map(portrait)));
  return true;
}

const packet = (tag: number, body: number[]) => [0xc0 | tag, body.length, ...body];

describe('readPublicKeys', () => {
  it('builds the fixture and real-world keys as readKeys does', async () => {
    const keys = await binaryKeys();
    let handled = 0;
    for (const { bytes } of keys) if (await expectSameAsReadKeys(bytes)) handled++;
    expect(keys.length).toBeGreaterThan(30);
    expect(handled / keys.length).toBeGreaterThan(0.8);
  });

  it('agrees with readKeys on concatenated keys and on mutated key data', async () => {
    const keys = await binaryKeys();
    const all = Buffer.concat(keys.slice(0, 6).map(({ bytes }) => bytes));
    expect(await expectSameAsReadKeys(new Uint8Array(all))).toBe(true);
    let handled = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(keys.length - 1),
        fc.nat(),
        fc.constantFrom('byte', 'truncate', 'marker', 'trust', 'padding', 'unknown', 'leading-signature', 'duplicate', 'drop-first'),
        async (which, position, mutation) => {
          const bytes = [...keys[which]!.bytes];
          const at = position % bytes.length;
          switch (mutation) {
            case 'byte':
              bytes[at] = (bytes[at]! + 1 + (position % 255)) & 0xff;
              break;
            case 'truncate':
              bytes.length = at;
              break;
            case 'marker':
              bytes.push(...packet(10, [0x50, 0x47, 0x50]));
              break;
            case 'trust':
              bytes.push(...packet(12, [0, 0]));
              break;
            case 'padding':
              bytes.push(...packet(21, [1, 2, 3]));
              break;
            case 'unknown':
              bytes.push(...packet(40 + (position % 20), [1]));
              break;
            case 'leading-signature':
              bytes.unshift(...packet(2, [4, 0x13, 1, 8, 0, 0, 0, 0, 0, 0]));
              break;
            case 'duplicate':
              bytes.push(...bytes.slice(0, Math.min(bytes.length, 200 + (position % 400))));
              break;
            case 'drop-first':
              bytes.splice(0, 2 + bytes[1]!);
              break;
          }
          if (await expectSameAsReadKeys(new Uint8Array(bytes))) handled++;
        },
      ),
      { numRuns: 300, seed: 9 },
    );
    expect(handled).toBeGreaterThan(20);
  });
});
