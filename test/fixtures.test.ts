import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKey } from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDocuments } from '../src/pipeline/run.js';
import type { Manifest } from '../src/report/manifest.js';
import { REPO } from './helpers/run-cli.js';

/**
 * The committed fixture matrix (fixtures/cases.json, made by scripts/make-fixtures.sh with
 * GnuPG, sq and openpgp.js): every status, warning, document shape and the document and
 * cleartext rows of the threat catalogue. Each case names pledge's verdict and GnuPG's --status-fd
 * verdict; where they differ the case says why pledge is deliberately stricter.
 */
interface ExpectedSignature {
  status: string;
  warnings: string[];
  signer: string | null;
}
interface ExpectedBlock {
  status: 'ok' | 'malformed';
  errorCode: string | null;
  startLine: number;
  endLine: number;
  rendering: string[];
  signedText?: string;
  signatures: ExpectedSignature[];
}
interface GnupgSignature {
  keyword: string;
  keyID: string | null;
  validsigFingerprint: string | null;
  errsigRc: number | null;
}
interface Case {
  id: string;
  document: string;
  keyrings: string[];
  description: string;
  expected: { documentStatus: string; blocks: ExpectedBlock[] };
  gnupg: { input: string | string[]; exit: number; signatures: GnupgSignature[] } | null;
  gnupgAgrees: boolean;
  whyDifferent?: string;
}

const CASES: Case[] = JSON.parse(readFileSync(join(REPO, 'fixtures/cases.json'), 'utf8'));
const at = (path: string) => join(REPO, path);

async function fingerprintOf(keyFile: string): Promise<string> {
  const key = await readKey({ armoredKey: readFileSync(at(keyFile), 'utf8') });
  return key.getFingerprint().toUpperCase();
}

/** GnuPG's keyword for a pledge verdict, where the two vocabularies meet. */
const GNUPG_FOR: Record<string, string> = {
  verified: 'GOODSIG',
  'bad-signature': 'BADSIG',
  'no-public-key': 'ERRSIG',
  'expired-key': 'EXPKEYSIG',
  'revoked-key': 'REVKEYSIG',
};

describe('fixture matrix (fixtures/cases.json)', () => {
  it('covers every status, warning, shape and security row C-01…C-22, D-01…D-03', () => {
    const statuses = new Set(CASES.flatMap((c) => c.expected.blocks.flatMap((b) => b.signatures.map((s) => s.status))));
    expect([...statuses].sort()).toEqual(['bad-signature', 'expired-key', 'no-public-key', 'revoked-key', 'verified', 'weak-algorithm']);
    const warnings = new Set(CASES.flatMap((c) => c.expected.blocks.flatMap((b) => b.signatures.flatMap((s) => s.warnings))));
    expect([...warnings].sort()).toEqual(['claim-mismatch', 'confusable-text', 'control-characters', 'key-expired-since', 'key-revoked-since']);
    const rows = new Set(CASES.map((c) => /^([CD]-\d\d)/.exec(c.id)?.[1]).filter(Boolean));
    for (let n = 1; n <= 22; n++) expect(rows).toContain(`C-${String(n).padStart(2, '0')}`);
    for (const row of ['D-01', 'D-02', 'D-03']) expect(rows).toContain(row);
  });

  for (const fixture of CASES) {
    describe(fixture.id, () => {
      let manifest: Manifest;
      beforeAll(async () => {
        manifest = await verifyDocuments({ paths: [at(fixture.document)], keyrings: fixture.keyrings.map(at), version: 'test' });
      });

      it(`gives ${fixture.expected.blocks.map((b) => (b.status === 'ok' ? `[${b.signatures.map((s) => s.status).join(', ')}]` : b.errorCode)).join(' ') || fixture.expected.documentStatus}`, async () => {
        const document = manifest.documents[0]!;
        expect(document.status).toBe(fixture.expected.documentStatus);
        expect(document.blocks).toHaveLength(fixture.expected.blocks.length);
        for (const [index, expected] of fixture.expected.blocks.entries()) {
          const block = document.blocks[index]!;
          expect({ status: block.status, errorCode: block.error?.code ?? null, startLine: block.startLine, endLine: block.endLine, rendering: block.rendering }).toEqual({
            status: expected.status,
            errorCode: expected.errorCode,
            startLine: expected.startLine,
            endLine: expected.endLine,
            rendering: expected.rendering,
          });
          if (expected.signedText !== undefined) expect(block.signedText).toBe(expected.signedText);
          expect(block.signatures.map((s) => ({ status: s.status, warnings: [...s.warnings].sort() }))).toEqual(
            expected.signatures.map((s) => ({ status: s.status, warnings: [...s.warnings].sort() })),
          );
          for (const [position, signature] of expected.signatures.entries()) {
            if (signature.signer) expect(block.signatures[position]!.primaryKeyFingerprint).toBe(await fingerprintOf(signature.signer));
          }
        }
      });

      it('lists as signers only keys with a verified signature, and no signed text outside a block', () => {
        const verified = manifest.documents[0]!.blocks.flatMap((b) => b.signatures).filter((s) => s.status === 'verified');
        expect(manifest.signers.map((s) => s.primaryKeyFingerprint).sort()).toEqual([...new Set(verified.map((s) => s.primaryKeyFingerprint!))].sort());
        for (const block of manifest.documents[0]!.blocks) if (block.status === 'malformed') expect(block.signedText).toBeNull();
      });

      it(fixture.gnupgAgrees ? 'agrees with GnuPG' : `differs from GnuPG on purpose: ${fixture.whyDifferent ?? '(no reason recorded)'}`, () => {
        if (!fixture.gnupgAgrees) {
          expect(fixture.whyDifferent, 'a deliberate difference must say why').toBeTruthy();
          return;
        }
        const ours = manifest.documents[0]!.blocks.flatMap((b) => b.signatures.map((s) => s.status));
        const theirs = fixture.gnupg?.signatures.map((s) => s.keyword) ?? [];
        const comparable = ours.every((status) => status in GNUPG_FOR);
        if (comparable && ours.length) expect(theirs).toEqual(ours.map((status) => GNUPG_FOR[status]));
        // Blocks pledge rejects as malformed: GnuPG must not have found a good signature either.
        if (manifest.documents[0]!.blocks.every((b) => b.status === 'malformed')) expect(theirs).not.toContain('GOODSIG');
      });
    });
  }
});

/**
 * The recorded GnuPG verdicts are re-checked against the gpg on this machine, from its
 * --status-fd lines only (threat catalogue O-03): the oracle is live, not a copy.
 */
const gpg = spawnSync('gpg', ['--version']).status === 0 ? 'gpg' : null;
const requireOracles = process.env.PLEDGE_REQUIRE_ORACLES === '1';

describe.skipIf(!gpg && !requireOracles)(`GnuPG as a live oracle${gpg ? '' : ' (skipped: gpg is not installed)'}`, () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'pledge-gnupg-'));
    const keys = readdirSync(at('fixtures/keys')).map((name) => at(`fixtures/keys/${name}`));
    execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--import', ...keys], { stdio: 'ignore' });
  });

  const statusKeywords = (input: string): string[] => {
    const result = spawnSync('gpg', ['--homedir', home, '--batch', '--status-fd', '1', '--verify', at(input)], { encoding: 'utf8' });
    return result.stdout
      .split('\n')
      .filter((line) => line.startsWith('[GNUPG:] '))
      .map((line) => line.split(' ')[1]!)
      .filter((keyword) => ['GOODSIG', 'BADSIG', 'EXPKEYSIG', 'REVKEYSIG', 'EXPSIG', 'ERRSIG'].includes(keyword));
  };

  for (const fixture of CASES.filter((c) => c.gnupg)) {
    it(`${fixture.id}: gpg still says ${fixture.gnupg!.signatures.map((s) => s.keyword).join(', ') || 'no signature'}`, () => {
      const inputs = Array.isArray(fixture.gnupg!.input) ? fixture.gnupg!.input : [fixture.gnupg!.input];
      expect(inputs.flatMap(statusKeywords)).toEqual(fixture.gnupg!.signatures.map((s) => s.keyword));
    });
  }
});

/**
 * Sequoia (sq verify) as a second live oracle, on the same inputs GnuPG read. It agrees with
 * pledge on every fixture but these, each a deliberate difference.
 */
const SEQUOIA_DIFFERS: Record<string, string> = {
  'status-weak-algorithm-dsa2048': "Sequoia's standard policy still accepts DSA-2048; pledge refuses DSA (openpgp.js 6 default, RFC 9580 deprecation)",
  'C-02-extra-armor-header': 'sq reads past a header other than Hash:; RFC 9580 §7.1 says to decline to validate',
  'C-11-unescaped-armor-line-in-text': 'sq reads past an unescaped armor line; other readers (openpgp.js) end the text there, so pledge refuses it',
  'C-14-nbsp-separator-line': 'sq takes a no-break-space line as the blank separator; pledge accepts only an empty or ASCII-blank line',
  'C-14-em-space-separator-line': 'as above, with an em space',
  'C-17-good-and-unknown-signer': 'sq verify passes at one good signature (threshold 1); pledge judges each signature on its own and reports the unknown one',
  'C-18-unhashed-issuer-swapped': 'sq follows the hashed issuer fingerprint; pledge refuses a signature whose unhashed issuer contradicts it',
  'D-02-hidden-span-inside-pre': 'sq was given the block without its HTML; as published, it hides markup pledge will not strip',
  'D-03-split-across-fences': 'sq was given the block whole; as published, a renderer splits it',
  'D-03-blockquote-ends-mid-block': 'sq was given the block whole; as published, a renderer splits it',
  'D-03-indentation-ends-mid-block': 'sq was given the block whole; as published, a renderer splits it',
};

const sq = spawnSync('sq', ['--version']).status === 0;

describe.skipIf(!sq && !requireOracles)(`Sequoia as a live oracle${sq ? '' : ' (skipped: sq is not installed)'}`, () => {
  const singleBlock = CASES.filter((c) => c.gnupg && !Array.isArray(c.gnupg.input) && c.expected.blocks.length === 1);
  for (const fixture of singleBlock) {
    const ours = fixture.expected.blocks[0]!;
    const pledgeVerifies = ours.status === 'ok' && ours.signatures.length > 0 && ours.signatures.every((s) => s.status === 'verified');
    const why = SEQUOIA_DIFFERS[fixture.id];
    it(`${fixture.id}: sq ${why ? `differs on purpose: ${why}` : 'agrees'}`, () => {
      const args = ['verify', ...fixture.keyrings.flatMap((key) => ['--signer-cert', at(key)]), at(fixture.gnupg!.input as string)];
      const sequoiaVerifies = spawnSync('sq', args, { stdio: 'ignore' }).status === 0;
      expect(sequoiaVerifies).toBe(why ? !pledgeVerifies : pledgeVerifies);
    });
  }
});
