import type { ManifestBlock, ManifestDocument, ManifestSignature } from '../../src/report/manifest.js';

/** Small, complete manifest parts for the report tests; each field can be overridden. */
export const FINGERPRINT = 'AAAABBBBCCCCDDDDEEEEFFFF0000111122223333';

export const signature = (overrides: Partial<ManifestSignature> = {}): ManifestSignature => ({
  issuerKeyID: '2222333344445555',
  issuerFingerprint: FINGERPRINT,
  created: '2024-05-01T12:00:00.000Z',
  hashAlgorithm: 'SHA512',
  publicKeyAlgorithm: 'EdDSA',
  signatureSha256: '1'.repeat(64),
  status: 'verified',
  signingKeyFingerprint: FINGERPRINT,
  primaryKeyFingerprint: FINGERPRINT,
  userIDs: ['Alice <alice@example.org>'],
  keySource: 'keyring:alice.asc',
  warnings: [],
  reason: null,
  keyEvaluation: 'openpgp',
  ...overrides,
});

export const block = (overrides: Partial<ManifestBlock> = {}): ManifestBlock => ({
  form: 'cleartext',
  startLine: 31,
  endLine: 46,
  status: 'ok',
  error: null,
  rendering: [],
  signedText: 'I hereby commit to the pledge.\n',
  signedTextSha256: '0'.repeat(64),
  hashAlgorithm: 'SHA512',
  signatures: [signature()],
  ...overrides,
});

export const document = (overrides: Partial<ManifestDocument> = {}): ManifestDocument => ({
  path: 'docs/post.md',
  status: 'signed',
  error: null,
  blocks: [block()],
  ...overrides,
});

/** A GFM row's cells: "|" splits unless a backslash escapes it (a backslash escapes any character). */
export function cellsOf(row: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 1; i < row.length; i++) {
    if (row[i] === '\\') cell += row[i]! + row[++i]!;
    else if (row[i] === '|') (cells.push(cell.trim()), (cell = ''));
    else cell += row[i];
  }
  return cells;
}
