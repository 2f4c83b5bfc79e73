import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/reasons.js';
import { escapeText } from '../../src/report/escape.js';
import { buildManifest } from '../../src/report/manifest.js';
import { hintFor } from '../../src/report/messages.js';
import { escapeData, escapeProperty, renderGithub, renderGithubStepSummary, STEP_SUMMARY_BYTES } from '../../src/report/render-github.js';
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

// Issue 17 #2: GitHub shows 10 error and 10 warning annotations per step and drops the rest
// silently; a step summary over 1 MiB is refused whole.
describe("GitHub's limits", () => {
  const failed = (n: number) => document({ path: `_signatures/s${n}.md`, blocks: [block({ signatures: [signature({ status: 'bad-signature', reason: { code: 'signature-mismatch', message: 'no match' } })] })] });
  const warned = (n: number) => document({ path: `_signatures/w${n}.md`, blocks: [block({ signatures: [signature({ warnings: ['key-expired-since'] })] })] });
  const commands = (output: string) => outputLines(output).filter((line) => line.startsWith('::')).map(parseCommand);

  it('at exactly 10 errors and 10 warnings, annotates each and says nothing more', () => {
    const output = renderGithub(buildManifest([...Array.from({ length: 10 }, (_, n) => failed(n)), ...Array.from({ length: 10 }, (_, n) => warned(n))], '0.1.0'));
    expect(outputLines(output)).toHaveLength(20);
    expect(commands(output).filter((c) => c.command === 'error').map((c) => c.properties.file)).toEqual(Array.from({ length: 10 }, (_, n) => `_signatures/s${n}.md`));
  });

  it('past 10 of a severity: 9 annotations, a 10th "and N more", and the rest as plain log lines', () => {
    const output = renderGithub(buildManifest([...Array.from({ length: 25 }, (_, n) => failed(n)), ...Array.from({ length: 12 }, (_, n) => warned(n))], '0.1.0'));
    const shown = commands(output);
    const errors = shown.filter((c) => c.command === 'error');
    const warnings = shown.filter((c) => c.command === 'warning');
    expect(errors).toHaveLength(10);
    expect(warnings).toHaveLength(10);
    expect(errors.slice(0, 9).map((c) => c.properties.file)).toEqual(Array.from({ length: 9 }, (_, n) => `_signatures/s${n}.md`));
    expect(errors[9]!.properties).toEqual({ title: 'pledge: and 16 more errors' });
    expect(warnings[9]!.properties).toEqual({ title: 'pledge: and 3 more warnings' });
    // Nothing is lost: every problem past the cap is in the log, and none of those lines is a command.
    const logged = outputLines(output).filter((line) => line.startsWith('pledge: '));
    expect(logged.map((line) => /^pledge: (\w+): (\S+?):31: /.exec(line)?.slice(1, 3).join(' '))).toEqual([
      ...Array.from({ length: 16 }, (_, n) => `error _signatures/s${n + 9}.md`),
      ...Array.from({ length: 3 }, (_, n) => `warning _signatures/w${n + 9}.md`),
    ]);
    expect(outputLines(output).filter((line) => !line.startsWith('::') && !line.startsWith('pledge: ') && !line.startsWith('  '))).toEqual([]);
  });

  it('keeps the step summary within 1 MiB, problem rows first, with an "and N more rows" line', () => {
    const many = [...Array.from({ length: 4000 }, (_, n) => document({ path: `_signatures/${'x'.repeat(200)}${n}.md` })), failed(1), failed(2)];
    const manifest = buildManifest(many, '0.1.0');
    const summary = renderGithubStepSummary(manifest);
    expect(Buffer.byteLength(renderSignatureTable(manifest))).toBeGreaterThan(STEP_SUMMARY_BYTES);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(STEP_SUMMARY_BYTES);
    const rows = summary.split('\n').filter((line) => line.startsWith('| '));
    expect(rows[1]).toContain('_signatures/s1.md');
    expect(rows[2]).toContain('_signatures/s2.md');
    const kept = rows.length - 1 - 2; // less the header and the two problem rows
    expect(summary.trimEnd().split('\n').at(-1)).toBe(`and ${4000 - kept} more rows (${4000 - kept} verified, 0 with a problem) not shown: a step summary holds 1 MiB. The run's manifest lists every one.`);
  });

  it('control: a summary within the limit is the whole table, in document order', () => {
    const manifest = buildManifest([document(), failed(1)], '0.1.0');
    expect(renderGithubStepSummary(manifest, 100_000).endsWith(renderSignatureTable(manifest))).toBe(true);
    const whole = Buffer.byteLength(renderGithubStepSummary(manifest));
    expect(renderGithubStepSummary(manifest, whole)).toBe(renderGithubStepSummary(manifest));
    expect(renderGithubStepSummary(manifest, whole - 1).trimEnd().split('\n').at(-1)).toMatch(/^and 2 more rows \(1 verified, 1 with a problem\) not shown/);
  });
});
