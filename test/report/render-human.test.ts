import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { renderHumanDocument, wrapLines } from '../../src/report/render-human.js';
import type { ManifestDocument } from '../../src/report/manifest.js';

const plain = new Chalk({ level: 0 });
const long = 'We commit to the following actions: we refuse to participate in the creation of databases of identifying information. '.repeat(3).trim();

function documentWith(signedText: string, reason: string | null = null): ManifestDocument {
  return {
    path: 'post.md',
    status: 'signed',
    error: null,
    blocks: [
      {
        form: 'cleartext',
        startLine: 1,
        endLine: 9,
        status: 'ok',
        error: null,
        rendering: [],
        signedText,
        signedTextSha256: '0'.repeat(64),
        hashAlgorithm: 'SHA512',
        signatures: [
          {
            issuerKeyID: 'B8E24E869FE22E89',
            issuerFingerprint: null,
            created: '2024-12-20T20:00:57Z',
            hashAlgorithm: 'SHA512',
            publicKeyAlgorithm: 'EdDSA',
            signatureSha256: '0'.repeat(64),
            status: reason ? 'bad-signature' : 'verified',
            signingKeyFingerprint: null,
            primaryKeyFingerprint: null,
            userIDs: [],
            keySource: null,
            warnings: [],
            reason: reason ? { code: 'signature-mismatch', message: reason } : null,
            keyEvaluation: null,
          },
        ],
      },
    ],
  };
}

describe('the human report (issue 20 #9)', () => {
  it('prints the whole signed text, every line, escaped, wrapped at the width with soft wraps marked', () => {
    const text = `${long}\nSecond line\u001b[31m with an escape.\n\nLast.`;
    const report = renderHumanDocument(documentWith(text), plain, 60);
    const lines = report.split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    const shown = lines.filter((line) => /^ {6}[│┆] /.test(line));
    // Joining soft wraps with a space and real lines with \n gives back the (escaped) text.
    const rebuilt = shown
      .map((line) => (line.startsWith('      ┆ ') ? ' ' : '\n') + line.slice(8))
      .join('')
      .slice(1);
    expect(rebuilt).toBe(text.replace('\u001b', '\\x1B'));
    expect(report).not.toContain('\u001b');
    expect(report).not.toContain('…');
  });

  it('wraps a long reason at the width; control: a short one stays on one line', () => {
    const report = renderHumanDocument(documentWith('x', `the signature does not match ${'and so on '.repeat(12)}`), plain, 60);
    const reasonLines = report.split('\n').filter((line) => line.startsWith('      ') && !/^ {6}[│┆]/.test(line));
    expect(reasonLines.every((line) => line.length <= 60)).toBe(true);
    expect(report).toContain('[signature-mismatch]');
    expect(renderHumanDocument(documentWith('x', 'short'), plain, 60)).toContain('      reason: short [signature-mismatch]\n');
  });

  it('says a document with no signature of any form has no signed block, naming every form looked for', () => {
    const report = renderHumanDocument({ path: 'notes.txt', status: 'not-signed', error: null, blocks: [] }, plain);
    expect(report).toBe('notes.txt  not signed: no signed block found (no cleartext-signed block, inline-signed message or detached signature)\n\n');
  });

  it('wrapLines never drops a character, even inside a word longer than the line', () => {
    const word = 'A'.repeat(130);
    const wrapped = wrapLines(`x ${word} y`, '  ', 50);
    expect(wrapped.every((line) => line.length <= 50)).toBe(true);
    expect(
      wrapped
        .map((line) => line.slice(2))
        .join('')
        .replace(/ /g, ''),
    ).toBe(`x${word}y`);
  });
});
