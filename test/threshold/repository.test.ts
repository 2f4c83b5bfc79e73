/**
 * Issue 14 item 3: a signers repository's minSignatures and allowedSigners are the threshold
 * `verify --min-signatures --signer-file` applies (src/verify/threshold.ts), one mechanism.
 */
import { describe, expect, it } from 'vitest';
import { checkRepository } from '../../src/repo/repository-checks.js';
import { block, document, signature } from '../helpers/manifest-parts.js';

const [A, B, S] = ['A', 'B', 'C'].map((c) => c.repeat(40)) as [string, string, string];
const signed = (primary: string, signing: string, sha: string) => signature({ primaryKeyFingerprint: primary, signingKeyFingerprint: signing, signatureSha256: sha.repeat(64) });

describe('a repository threshold', () => {
  it('counts distinct primary keys: two signatures by one key (two subkeys) fall short of minSignatures 2', () => {
    const documents = [document({ path: 'one.md', blocks: [block({ signatures: [signed(A, A, '1'), signed(A, S, '2')] })] })];
    checkRepository(documents, { documents: ['*.md'], minSignatures: 2 }, null, null);
    expect(documents[0]!.findings).toMatchObject([{ code: 'too-few-signatures', severity: 'error', message: expect.stringContaining('1 of 2 required signers') }]);
    expect(documents[0]!.threshold).toEqual({ required: 2, allowedSigners: null, counted: [A], notAllowed: [], missing: [], met: false });
  });

  it('passes two keys, records the requirement, and leaves a plain repository (minSignatures 1, no list) as it was', () => {
    const two = [document({ path: 'two.md', blocks: [block({ signatures: [signed(A, A, '1'), signed(B, B, '2')] })] })];
    checkRepository(two, { documents: ['*.md'], minSignatures: 2 }, null, null);
    expect(two[0]!.findings).toBeUndefined();
    expect(two[0]!.threshold).toMatchObject({ required: 2, counted: [A, B], met: true });
    const plain = [document({ path: 'p.md', blocks: [block({ signatures: [signed(A, A, '3')] })] })];
    checkRepository(plain, { documents: ['*.md'], minSignatures: 1 }, null, null);
    expect(plain[0]!.threshold).toBeUndefined();
  });

  it('an allowed signer may be named by its signing subkey; a key off the list fails the file once, by signer-not-allowed', () => {
    const documents = [
      document({ path: 'sub.md', blocks: [block({ signatures: [signed(A, S, '4')] })] }),
      document({ path: 'off.md', blocks: [block({ signatures: [signed(B, B, '5')] })] }),
    ];
    checkRepository(documents, { documents: ['*.md'] }, null, new Set([S]));
    expect(documents[0]!.findings).toBeUndefined();
    expect(documents[0]!.threshold).toMatchObject({ counted: [A], met: true });
    expect(documents[1]!.findings?.map((finding) => finding.code)).toEqual(['signer-not-allowed']);
    expect(documents[1]!.threshold).toMatchObject({ notAllowed: [B], missing: [S], met: false });
  });
});
