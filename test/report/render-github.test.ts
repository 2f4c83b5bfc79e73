import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/reasons.js';
import { escapeText } from '../../src/report/escape.js';
import { buildManifest } from '../../src/report/manifest.js';
import { hintFor } from '../../src/report/messages.js';
import { escapeData, escapeProperty, renderGithub, renderGithubStepSummary } from '../../src/report/render-github.js';
import { renderSignatureTable } from '../../src/report/render-markdown.js';
import { block, cellsOf, document, signature } from '../helpers/manifest-parts.js';


/** What the Actions runner does to a line: split at the first "::" after the name, decode. */
function parseCommand(line: string) {
  const end = line.indexOf('::', 2);
  const [command, ...rest] = line.slice(2, end).split(' ');
  const properties = Object.fromEntries(
    rest
      .join(' ')
      .split(',')
      .map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at), pair.slice(at + 1).replace(/%(25|0D|0A|3A|2C)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))];
      }),
  );
  const data = line.slice(end + 2);
  return { command, properties, data, message: data.replace(/%(25|0D|0A)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) };
}

const outputLines = (output: string) => {
  expect(output.endsWith('\n')).toBe(true);
  return output.slice(0, -1).split('\n');
};


describe('renderGithub', () => {
  describe('when every signature is verified and nothing warns', () => {
    it('writes nothing at all: no notice, no summary', () => {
      expect(renderGithub(buildManifest([document()], '0.1.0'))).toBe('');
    });
  });

  describe('when a signature fails and another verified one warns', () => {
    const failed = signature({ status: 'bad-signature', reason: { code: 'signature-mismatch', message: 'the signature does not match the text' } });
    const expired = signature({ warnings: ['key-expired-since'], userIDs: [] });
    const manifest = buildManifest([document({ blocks: [block({ signatures: [failed, expired] })] })], '0.1.0');
    const lines = outputLines(renderGithub(manifest));

    it('writes one ::error and one ::warning, each with file, the block lines and a title', () => {
      expect(lines).toHaveLength(2);
      expect(parseCommand(lines[0]!)).toMatchObject({ command: 'error', properties: { file: 'docs/post.md', line: '31', endLine: '46', title: 'pledge: bad-signature' } });
      expect(parseCommand(lines[1]!)).toMatchObject({ command: 'warning', properties: { file: 'docs/post.md', line: '31', endLine: '46', title: 'pledge: key-expired-since' } });
    });

    it('puts reason, signer, key, signed text and the hint from messages.ts in the message, one per line', () => {
      expect(parseCommand(lines[0]!).message.split('\n')).toEqual([
        'the signature does not match the text [signature-mismatch]',
        'signer: Alice <alice@example.org>',
        'key: AAAA BBBB CCCC DDDD EEEE FFFF 0000 1111 2222 3333',
        'signed text: "I hereby commit to the pledge. ⏎"',
        `hint: ${hintFor(failed)}`,
      ]);
    });

    it('names a signer with no user ID by fingerprint', () => {
      expect(parseCommand(lines[1]!).message).toContain('signer: AAAA BBBB');
    });
  });

  describe('when documents are not signed or unreadable, a block is malformed and findings exist', () => {
    const manifest = buildManifest(
      [
        document({ path: 'a.md', status: 'not-signed', blocks: [] }),
        document({ path: 'b.md', status: 'unreadable', error: { code: 'input-too-large', message: 'larger than 10 MiB' }, blocks: [] }),
        document({
          path: 'c.md',
          blocks: [block({ startLine: 3, endLine: 9, status: 'malformed', error: { code: 'split-block', message: 'the fence closes inside the block' }, signedText: null, signatures: [] })],
          findings: [
            { code: 'too-few-signatures', severity: 'error', message: 'needs 2 signatures, has 1' },
            { code: 'duplicate-signer', severity: 'warning', message: 'signed twice by one key', line: 12 },
          ] satisfies Finding[],
        }),
      ],
      '0.1.0',
    );
    const commands = outputLines(renderGithub(manifest)).map(parseCommand);

    it('annotates each once, with lines where there are lines', () => {
      expect(commands.map(({ command, properties }) => [command, properties])).toEqual([
        ['error', { file: 'a.md', title: 'pledge: not-signed' }],
        ['error', { file: 'b.md', title: 'pledge: unreadable' }],
        ['error', { file: 'c.md', line: '3', endLine: '9', title: 'pledge: malformed' }],
        ['error', { file: 'c.md', title: 'pledge: too-few-signatures' }],
        ['warning', { file: 'c.md', line: '12', endLine: '12', title: 'pledge: duplicate-signer' }],
      ]);
      expect(commands[1]!.message).toBe('larger than 10 MiB [input-too-large]');
      expect(commands[2]!.message).toBe('the fence closes inside the block [split-block]');
    });
  });

  describe('escaping as @actions/core does', () => {
    it('encodes %, CR and LF in data, and also : and , in properties', () => {
      expect(escapeData('100%\r\n:,')).toBe('100%25%0D%0A:,');
      expect(escapeProperty('100%\r\n:,')).toBe('100%25%0D%0A%3A%2C');
    });
  });
});

describe('when a user ID, the signed text, the path and a reason message all carry workflow commands', () => {
  const HOSTILE = 'x%0A::error::pwned\r\n::error file=x::pwned\n::warning::w \u001b[2J\u001b]0;title\u0007 | `code` <img src=x onerror=alert(1)>';
  const shown = escapeText(HOSTILE).replaceAll('::', ':\\x3A');
  const failed = signature({ status: 'bad-signature', userIDs: [HOSTILE], reason: { code: 'signature-invalid', message: HOSTILE }, warnings: ['control-characters'] });
  const manifest = buildManifest(
    [
      document({ path: `${HOSTILE}.md`, blocks: [block({ signedText: HOSTILE, signatures: [failed] })], findings: [{ code: 'replayed-signature', severity: 'error', message: HOSTILE }] }),
      document({ path: HOSTILE, status: 'unreadable', error: { code: 'input-too-large', message: HOSTILE }, blocks: [] }),
    ],
    '0.1.0',
  );
  const output = renderGithub(manifest);
  const lines = outputLines(output);

  it('starts every output line with ::error or ::warning: no line is injected', () => {
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(/^::(error|warning) file=/);
    expect(output).not.toMatch(/[\r\u001b\u0007]/);
  });

  it('keeps properties to file, line, endLine and title, and the path decodes to its escaped form', () => {
    for (const { properties } of lines.map(parseCommand)) {
      expect(Object.keys(properties).every((key) => ['file', 'line', 'endLine', 'title'].includes(key))).toBe(true);
      expect([escapeText(`${HOSTILE}.md`), escapeText(HOSTILE)]).toContain(properties.file);
    }
  });

  it('leaves no "::" in any message, and each decoded message is the escaped text', () => {
    const [signatureError, warning, finding, unreadable] = lines.map(parseCommand);
    for (const { data } of lines.map(parseCommand)) expect(data).not.toContain('::');
    expect(signatureError!.message.split('\n')).toEqual([
      `${shown} [signature-invalid]`,
      `signer: ${shown}`,
      'key: AAAA BBBB CCCC DDDD EEEE FFFF 0000 1111 2222 3333',
      expect.stringMatching(/^signed text: "x%0A:\\x3Aerror:\\x3Apwned/),
      `hint: ${hintFor(failed)}`,
    ]);
    expect(warning!.message.split('\n')[1]).toBe(`signer: ${shown}`);
    expect(finding!.message).toBe(shown);
    expect(unreadable!.message).toBe(`${shown} [input-too-large]`);
  });

  it('keeps the step summary table at five columns on every row, with no HTML and no live backtick', () => {
    const summary = renderGithubStepSummary(manifest);
    const rows = summary.split('\n').filter((line) => line.startsWith('|'));
    expect(rows).toHaveLength(2 + 3);
    for (const row of rows) expect(cellsOf(row)).toHaveLength(5);
    expect(summary).not.toMatch(/[<>\r\u001b]/);
    expect(summary.replace(/\\./g, '')).not.toContain('`');
  });
});

describe('renderGithubStepSummary', () => {
  it('is a verdict heading, the counts and the table shared with the pull-request comment', () => {
    const manifest = buildManifest([document()], '0.1.0');
    const summary = renderGithubStepSummary(manifest);
    expect(summary.startsWith('### ✅ pledge: 1 signature verified\n\n1 document · 1 block')).toBe(true);
    expect(summary.endsWith(renderSignatureTable(manifest))).toBe(true);
    expect(renderSignatureTable(manifest).split('\n')).toEqual([
      '| Document | Lines | Signer | Status | Reason |',
      '|---|---|---|---|---|',
      '| docs/post.md | 31–46 | Alice &lt;alice@example.org&gt; | ✅ verified | — |',
      '',
    ]);
  });
});
