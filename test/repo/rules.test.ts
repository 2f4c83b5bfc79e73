import { describe, expect, it } from 'vitest';
import { checkIdentity } from '../../src/repo/identity.js';
import { checkRepository } from '../../src/repo/repository-checks.js';
import { parseSignerList } from '../../src/verify/threshold.js';
import { checkStatement, normaliseStatement } from '../../src/repo/statement.js';
import type { KeyQuery } from '../../src/discovery/key-source.js';
import { block, document, signature } from '../helpers/manifest-parts.js';

const KEY = { primaryKeyFingerprint: 'A'.repeat(40), signingKeyFingerprint: 'B'.repeat(40) };

describe('checkStatement', () => {
  it('ignores only trailing whitespace, CRLF and one final newline', () => {
    expect(normaliseStatement('I sign.  \r\nTwice.\t\n')).toBe('I sign.\nTwice.');
    expect(checkStatement('I sign.\nTwice.', 'I sign.   \r\nTwice.\n', null)).toBeNull();
    expect(checkStatement('I  sign.', 'I sign.', null)).toMatchObject({ code: 'statement-mismatch' });
  });
  it('accepts any of a list of texts', () => {
    expect(checkStatement('B', ['A', 'B'], null)).toBeNull();
    expect(checkStatement('C', ['A', 'B'], null)?.message).toContain('one of 2 accepted texts');
  });
  it('fills a template from the front matter, and refuses a missing field', () => {
    const rule = { template: 'I, {name}, commit to the {pledge}.' };
    expect(checkStatement('I, Ada Lovelace, commit to the pledge.', rule, { name: 'Ada Lovelace', pledge: 'pledge' })).toBeNull();
    expect(checkStatement('I, Ada Lovelace, commit to the pledge.', rule, { name: 'Grace Hopper', pledge: 'pledge' })).toMatchObject({ code: 'statement-mismatch' });
    expect(checkStatement('I, Ada, commit to the pledge.', rule, { pledge: 'pledge' })?.message).toContain('"name"');
  });
});

describe('checkIdentity', () => {
  const services: Record<string, { fingerprints: string[]; error?: string }> = {
    'keybase:ada': { fingerprints: [KEY.primaryKeyFingerprint] },
    'github:ada': { fingerprints: ['C'.repeat(40)] },
    'ada@example.org': { fingerprints: [KEY.primaryKeyFingerprint] },
    'github:down': { fingerprints: [], error: 'network-timeout' },
  };
  const lookup = async (query: KeyQuery) => {
    const id = query.kind === 'email' ? query.email : query.kind === 'keybase' || query.kind === 'github' ? `${query.kind}:${query.username}` : '';
    const answer = services[id] ?? { fingerprints: [] };
    return { fingerprints: new Set(answer.fingerprints), error: answer.error ?? null };
  };
  const all = { keybase: true, github: true, email: true, fingerprint: true };

  it('accepts claims the services back, and a fingerprint of the primary or signing key', async () => {
    expect(await checkIdentity({ keybase: 'ada', email: 'ada@example.org', fingerprint: KEY.signingKeyFingerprint.toLowerCase() }, all, KEY, lookup)).toEqual({ outcome: 'backed' });
  });
  it('refuses a GitHub account that lists another key, and a wrong fingerprint', async () => {
    expect(await checkIdentity({ github_user: 'ada' }, all, KEY, lookup)).toMatchObject({ outcome: 'unbacked', reason: { code: 'identity-mismatch' } });
    expect(await checkIdentity({ fingerprint: 'D'.repeat(40) }, all, KEY, lookup)).toMatchObject({ outcome: 'unbacked' });
  });
  it('says "could not check" when the service is unreachable, and refuses names of the wrong shape', async () => {
    expect(await checkIdentity({ github: 'down' }, all, KEY, lookup)).toMatchObject({ outcome: 'unavailable' });
    expect(await checkIdentity({ github: '../etc' }, all, KEY, lookup)).toMatchObject({ outcome: 'unbacked' });
  });
  it('checks only the claims the rules name', async () => {
    expect(await checkIdentity({ github: 'ada' }, { keybase: true }, KEY, lookup)).toEqual({ outcome: 'backed' });
  });
});

describe('checkRepository', () => {
  const verified = (fingerprint: string, sha: string) => signature({ primaryKeyFingerprint: fingerprint, signingKeyFingerprint: fingerprint, signatureSha256: sha });

  it('requires minSignatures verified signatures per document', () => {
    const documents = [document({ path: 'one.md', blocks: [block({ signatures: [verified('A'.repeat(40), '1'.repeat(64))] })] })];
    checkRepository(documents, { documents: ['*.md'], minSignatures: 2 }, null, null);
    expect(documents[0]!.findings).toMatchObject([{ code: 'too-few-signatures', severity: 'error' }]);
  });
  it('refuses signers not in the allowed-signers file', () => {
    const allowed = parseSignerList(`# maintainers\n${'A'.repeat(4)} ${'A'.repeat(36)}\n`, 'allowed-signers.txt');
    expect([...allowed]).toEqual(['A'.repeat(40)]);
    const documents = [
      document({ path: 'a.md', blocks: [block({ signatures: [verified('A'.repeat(40), '1'.repeat(64))] })] }),
      document({ path: 'b.md', blocks: [block({ signatures: [verified('B'.repeat(40), '2'.repeat(64))] })] }),
    ];
    checkRepository(documents, { documents: ['*.md'] }, null, allowed);
    expect(documents[0]!.findings).toBeUndefined();
    expect(documents[1]!.findings).toMatchObject([{ code: 'signer-not-allowed' }]);
  });
  it('reports duplicates as warnings or not at all when configured so', () => {
    const make = () => [
      document({ path: 'a.md', blocks: [block({ signatures: [verified('A'.repeat(40), '1'.repeat(64))] })] }),
      document({ path: 'b.md', blocks: [block({ signatures: [verified('A'.repeat(40), '2'.repeat(64))] })] }),
    ];
    const warned = make();
    checkRepository(warned, { documents: ['*.md'], duplicateSigner: 'warning' }, null, null);
    expect(warned[1]!.findings).toMatchObject([{ code: 'duplicate-signer', severity: 'warning' }]);
    const off = make();
    checkRepository(off, { documents: ['*.md'], duplicateSigner: 'off' }, null, null);
    expect(off[1]!.findings).toBeUndefined();
  });
});
