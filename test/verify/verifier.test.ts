import * as openpgp from 'openpgp';
import { describe, expect, it } from 'vitest';
import { parseBlock } from '../../src/cleartext/parse-block.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { createVerifier } from '../../src/verify/verifier.js';
import { checkSignature } from '../../src/verify/verify-signature.js';

/** The verifier owns what a run learns about keys (issue 13): the same verdicts, nothing shared between runs. */
describe('Verifier', () => {
  it('gives checkSignature\'s verdict and keeps what it learnt about the key to itself', async () => {
    const { publicKey, privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Ada', email: 'ada@example.org' }], format: 'object' });
    const armored = await openpgp.sign({ message: await openpgp.createCleartextMessage({ text: 'I agree.' }), signingKeys: privateKey });
    const parsed = await parseBlock(armored.trimEnd(), DEFAULT_LIMITS);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const [signature] = parsed.block.signatures;
    const candidates = [{ key: publicKey, source: 'keyring:test' }];
    const first = createVerifier();
    const second = createVerifier();

    const check = await first.check(parsed.block.signedText, signature!, candidates);
    expect(check.status).toBe('verified');
    expect(first.memory.preparedKeys.has(publicKey.keyPacket), 'the run prepared the key once').toBe(true);
    expect(first.memory.keyChecks.has(publicKey)).toBe(true);
    expect(second.memory.preparedKeys.has(publicKey.keyPacket), 'another run starts with nothing').toBe(false);
    expect(second.memory.keyChecks.has(publicKey)).toBe(false);

    const alone = await checkSignature(parsed.block.signedText, signature!, candidates, first.policy);
    expect({ ...alone, candidate: null }).toEqual({ ...check, candidate: null });
    expect(second.memory.pruned.has(publicKey)).toBe(false);
    expect(first.memory.pruned.has(publicKey)).toBe(true);
  });
});
