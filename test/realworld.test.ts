import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyDocuments } from '../src/pipeline/run.js';
import { REPO } from './helpers/run-cli.js';

/**
 * The 24 real documents from beside the project (../shared/realworld, copied into
 * fixtures/realworld by scripts/copy-shared.sh), with the verdict pledge must give for each
 * signature, read from that folder's README table.
 */
const REALWORLD = join(REPO, 'fixtures/realworld');

interface Expectation {
  caseName: string;
  signature: number;
  verdicts: string[];
}

function expectations(): Expectation[] {
  const table = readFileSync(join(REALWORLD, 'README.md'), 'utf8');
  const rows = [...table.matchAll(/^\| ([A-Za-z0-9.-]+) \(signature (\d+)\) \| ([^|]+) \|$/gm)];
  return rows.map((row) => ({ caseName: row[1]!, signature: Number(row[2]), verdicts: row[3]!.split(' or ').map((v) => v.trim()) }));
}

describe('real-world documents (fixtures/realworld)', () => {
  const all = expectations();
  it('reads every row of the README table', () => {
    expect(all.length).toBeGreaterThanOrEqual(24);
  });

  for (const expectation of all) {
    it(`${expectation.caseName} signature ${expectation.signature}: ${expectation.verdicts.join(' or ')}`, async () => {
      const dir = join(REALWORLD, expectation.caseName);
      const files = readdirSync(dir);
      const document = files.find((name) => name.startsWith('doc'))!;
      const keyrings = files.filter((name) => /^key.*\.(asc|gpg)$/.test(name)).map((name) => join(dir, name));
      const manifest = await verifyDocuments({ paths: [join(dir, document)], keyrings, version: 'test' });
      const blocks = manifest.documents[0]!.blocks;
      const signatures = blocks.flatMap((block) => block.signatures);
      const verdict = signatures[expectation.signature]?.status ?? (blocks.some((b) => b.status === 'malformed') ? 'malformed' : 'none');
      expect(expectation.verdicts).toContain(verdict);
      // Whatever the verdict, only verified keys are listed as signers.
      const verifiedKeys = new Set(signatures.filter((s) => s.status === 'verified').map((s) => s.primaryKeyFingerprint));
      expect(manifest.signers.every((signer) => verifiedKeys.has(signer.primaryKeyFingerprint))).toBe(true);
    });
  }
});
