import fc from 'fast-check';
import { enums, readKeys, type PublicKey } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { MATH_ONLY_CONFIG, STRICT_CONFIG } from '../../src/openpgp/config.js';
import { preparedKeyFor } from '../../src/verify/fast-verify.js';
import { checkKeySignatures, keySignatures } from '../../src/verify/key-signatures.js';
import { markedVerified } from '../../src/openpgp/signatures.js';
import { VerificationMemory } from '../../src/verify/verification-memory.js';
import { binaryKeys, portrait } from '../helpers/key-corpus.js';

/**
 * pledge checks the mathematics of a key's own signatures with node:crypto and sets openpgp.js's
 * "verified" mark where they hold (verify/key-signatures.ts). That may only ever spare
 * openpgp.js work: every mark must be one openpgp.js would set itself on the same signature
 * with the same data, and openpgp.js's judgement of the key must not change.
 */

async function keysOf(bytes: Uint8Array): Promise<PublicKey[] | null> {
  try {
    return (await readKeys({ binaryKeys: bytes, config: STRICT_CONFIG })).map((key) => (key.isPrivate() ? key.toPublic() : key) as PublicKey);
  } catch {
    return null;
  }
}

const FAST_HASHES = new Set<number>([enums.hash.sha256, enums.hash.sha384, enums.hash.sha512]);

/**
 * Compares pledge's marks on one copy of the key with what openpgp.js's own verify marks on a
 * fresh copy, and the two copies' judgements. Returns how many signatures pledge marked.
 */
async function expectSameAsOpenpgp(bytes: Uint8Array, label: string): Promise<number> {
  const ours = await keysOf(bytes);
  const theirs = await keysOf(bytes);
  if (!ours || !theirs) return 0;
  let marked = 0;
  const memory = new VerificationMemory();
  for (const [index, key] of ours.entries()) {
    await checkKeySignatures(key, memory);
    expect(checkKeySignatures(key, memory), 'checked once per key and run').toBeNull();
    const again = checkKeySignatures(key, new VerificationMemory());
    expect(again, 'checked again by another run').not.toBeNull();
    await again;
    const mine = keySignatures(key);
    const reference = keySignatures(theirs[index]!);
    expect(mine.length).toBe(reference.length);
    for (const [at, { signature, type, data, issuer }] of reference.entries()) {
      // openpgp.js sets its mark right after the mathematics, before its other checks.
      await signature.verify(issuer, type, data, null as unknown as Date, false, MATH_ONLY_CONFIG as never).catch(() => undefined);
      const openpgpHolds = markedVerified(signature);
      const pledgeMarked = markedVerified(mine[at]!.signature);
      expect(pledgeMarked && !openpgpHolds, `${label}: pledge marked a signature openpgp.js rejects`).toBe(false);
      // Where the fast path handles the signature, it must find every valid one (else it proves nothing).
      const handled = (signature.version === 4 || signature.version === 6) && FAST_HASHES.has(signature.hashAlgorithm!) && preparedKeyFor(issuer, memory.preparedKeys) !== null;
      if (handled) expect(pledgeMarked, `${label}: a valid signature pledge handles was left unmarked`).toBe(openpgpHolds);
      if (pledgeMarked) marked++;
    }
  }
  const fresh = await keysOf(bytes);
  expect(await Promise.all(ours.map(portrait)), `${label}: openpgp.js judges the key differently`).toEqual(await Promise.all(fresh!.map(portrait)));
  return marked;
}

describe('checkKeySignatures', () => {
  it('marks exactly what openpgp.js would on the fixture and real-world keys, and changes no judgement', async () => {
    const keys = await binaryKeys();
    let marked = 0;
    for (const { name, bytes } of keys) marked += await expectSameAsOpenpgp(bytes, name);
    expect(keys.length).toBeGreaterThan(30);
    expect(marked).toBeGreaterThan(60);
  });

  it('marks nothing openpgp.js would reject in mutated keys (signatures, user IDs, key material)', async () => {
    const keys = await binaryKeys();
    let marked = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(keys.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), async (which, position, delta) => {
        const bytes = Uint8Array.from(keys[which]!.bytes);
        const at = position % bytes.length;
        bytes[at] = (bytes[at]! + delta) & 0xff;
        marked += await expectSameAsOpenpgp(bytes, `${keys[which]!.name} with octet ${at} changed`);
      }),
      { numRuns: 250, seed: 17 },
    );
    expect(marked).toBeGreaterThan(50);
  });

  it('leaves a signature whose mathematics fail unmarked, and openpgp.js then rejects it as before', async () => {
    const keys = await binaryKeys();
    const [key] = (await keysOf(keys.find(({ name }) => name.includes('fixtures/keys'))!.bytes))!;
    const certification = key!.users.find((user) => user.userID)!.selfCertifications[0]!;
    const params = (certification as unknown as { params: Record<string, Uint8Array> }).params;
    const value = params.s ?? params.RS!;
    value[value.length - 1] ^= 1;
    await checkKeySignatures(key!, new VerificationMemory());
    expect(markedVerified(certification)).toBe(false);
    await expect(key!.users.find((user) => user.userID)!.verify(new Date(), STRICT_CONFIG as never)).rejects.toThrow();
  });
});
