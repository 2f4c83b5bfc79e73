import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { readKeys, unarmor, type Key, type PublicKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { STRICT_CONFIG } from '../../src/cleartext/openpgp-config.js';
import { readPublicKeys } from '../../src/discovery/read-public-keys.js';
import { REPO } from '../helpers/run-cli.js';

/**
 * pledge's key packet reader must build exactly the keys openpgp.js's readKeys builds from the
 * same bytes, or hand the bytes to readKeys (null); never keys where readKeys refuses.
 */
const BLOCK = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

async function binaryKeys(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const realworld = join(REPO, 'fixtures/realworld');
  const files = [
    ...readdirSync(join(REPO, 'fixtures/keys')).map((name) => join(REPO, 'fixtures/keys', name)),
    ...readdirSync(realworld, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) => readdirSync(join(realworld, entry.name)).filter((name) => /^key.*\.asc$/.test(name)).map((name) => join(realworld, entry.name, name))),
  ];
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (const file of files) {
    for (const block of readFileSync(file, 'latin1').match(BLOCK) ?? []) {
      const data = await unarmor(block).then((result) => result.data as Uint8Array).catch(() => null);
      if (data) out.push({ name: file, bytes: data });
    }
  }
  return out;
}

/** What a key is, as far as pledge uses it: its bytes, names and what openpgp.js concludes about it. */
async function portrait(key: Key) {
  const outcome = async (work: () => Promise<unknown>) => work().then((value) => (value instanceof Date ? value.toISOString() : String(value)), (error: Error) => `throws ${error.message}`);
  const at = new Date('2025-06-01T00:00:00Z');
  return {
    bytes: Buffer.from(key.write() as Uint8Array).toString('hex'),
    fingerprint: key.getFingerprint(),
    userIDs: key.getUserIDs(),
    subkeys: key.subkeys.map((subkey) => subkey.getFingerprint()),
    primary: await outcome(() => key.verifyPrimaryKey(at, undefined, STRICT_CONFIG as never)),
    expires: await outcome(() => key.getExpirationTime(undefined, STRICT_CONFIG as never)),
    signing: await outcome(async () => (await key.getSigningKey(undefined, at, undefined, STRICT_CONFIG as never)).getFingerprint()),
  };
}

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
