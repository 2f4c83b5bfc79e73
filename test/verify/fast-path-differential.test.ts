import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyDocuments } from '../../src/pipeline/run.js';
import { REPO } from '../helpers/run-cli.js';
import { clearsign, createSigner, type TestSigner } from '../helpers/sign.js';

/**
 * The fast path must give exactly openpgp.js's verdict: every fixture, every real-world
 * document and a generated corpus of valid, tampered and hostile statements are verified with
 * and without it, and the manifests must be identical.
 */
const NOW = new Date('2026-11-21T00:00:00Z');

async function both(paths: string[], keyrings: string[]) {
  const fast = await verifyDocuments({ paths, keyrings, version: 'test', now: NOW, fastPath: true });
  const slow = await verifyDocuments({ paths, keyrings, version: 'test', now: NOW, fastPath: false });
  return { fast, slow };
}

interface Case {
  document: string;
  keyrings: string[];
}

describe('fast path against openpgp.js', () => {
  it('agrees on every committed fixture', async () => {
    const cases: Case[] = JSON.parse(readFileSync(join(REPO, 'fixtures/cases.json'), 'utf8'));
    for (const fixture of cases) {
      const { fast, slow } = await both(
        [join(REPO, fixture.document)],
        fixture.keyrings.map((k) => join(REPO, k)),
      );
      expect(fast, fixture.document).toEqual(slow);
    }
  });

  it('agrees on the real-world documents', async () => {
    const root = join(REPO, 'fixtures/realworld');
    for (const name of readdirSync(root).filter((n) => !n.endsWith('.md'))) {
      const files = readdirSync(join(root, name));
      const document = files.find((f) => f.startsWith('doc'));
      if (!document) continue;
      const keyrings = files.filter((f) => /^key.*\.(asc|gpg)$/.test(f)).map((f) => join(root, name, f));
      const { fast, slow } = await both([join(root, name, document)], keyrings);
      expect(fast, name).toEqual(slow);
    }
  });

  describe('on a generated corpus of valid, tampered and hostile statements', () => {
    let dir: string;
    let keyFiles: string[];
    const signers: TestSigner[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'pledge-differential-'));
      signers.push(await createSigner('Ed <ed@example.org>'));
      const rsa = await openpgp.generateKey({ type: 'rsa', rsaBits: 2048, userIDs: [{ name: 'Rsa', email: 'rsa@example.org' }], date: new Date('2024-01-01T00:00:00Z'), format: 'object' });
      signers.push({ privateKey: rsa.privateKey, armoredPublicKey: rsa.publicKey.armor(), fingerprint: rsa.publicKey.getFingerprint().toUpperCase() });
      const keys = mkdtempSync(join(tmpdir(), 'pledge-differential-keys-'));
      keyFiles = signers.map((signer, index) => {
        const file = join(keys, `key-${index}.asc`);
        writeFileSync(file, signer.armoredPublicKey);
        return file;
      });
      const texts = ['I agree.', 'Line one\nline two  \n\n- dash line\n-----not armor', 'ünïcödé ✓ \u202E reversed', 'tab\tend\t', '\n', 'x'.repeat(5000)];
      let n = 0;
      for (const signer of signers) {
        for (const text of texts) {
          const block = await clearsign(text, [signer]);
          const variants: Record<string, string> = {
            valid: block,
            'text-changed': block.replace(/\n\n([\s\S])/, '\n\nX$1'),
            'trailing-space': block.replace('\n-----BEGIN PGP SIGNATURE', '   \n-----BEGIN PGP SIGNATURE'),
            'signature-byte-flipped': block.replace(/(-----BEGIN PGP SIGNATURE-----\n\n[A-Za-z0-9+/]{40})([A-Za-z0-9+/])/, (_m, head: string, c: string) => head + (c === 'A' ? 'B' : 'A')),
            'crlf': block.replace(/\n/g, '\r\n'),
            'extra-line': block.replace('\n-----BEGIN PGP SIGNATURE', '\n\n-----BEGIN PGP SIGNATURE'),
          };
          for (const [name, content] of Object.entries(variants)) writeFileSync(join(dir, `${String(n++).padStart(3, '0')}-${name}.txt`), content);
        }
      }
    }, 60_000);

    it('gives identical manifests with and without the fast path', async () => {
      const { fast, slow } = await both([dir], keyFiles);
      expect(fast.summary.documents).toBe(signers.length * 6 * 6);
      expect(fast.summary.verified).toBeGreaterThan(0);
      expect(fast.summary.failed).toBeGreaterThan(0);
      expect(fast).toEqual(slow);
    });
  });
});
