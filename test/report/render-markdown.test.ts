import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../src/report/manifest.js';
import { hintFor } from '../../src/report/messages.js';
import { escapeMarkdown, renderMarkdown, renderSignatureTable } from '../../src/report/render-markdown.js';
import { block, cellsOf, document, signature } from '../helpers/manifest-parts.js';

const tableRows = (markdown: string) => markdown.split('\n').filter((line) => line.startsWith('|'));

describe('renderMarkdown', () => {
  describe('when every signature is verified', () => {
    const markdown = renderMarkdown(buildManifest([document()], '0.1.0'));

    it('opens with a ✅ verdict and the counts, and lists no problems', () => {
      expect(markdown.split('\n\n').slice(0, 2)).toEqual(['## ✅ pledge: 1 signature verified', '1 document · 1 block · 1 signature: 1 verified, 0 not verified']);
      expect(markdown).not.toContain('Problems');
    });
  });

  describe('when nothing was signed at all', () => {
    it('says ❌ even with no failure, as the exit code does', () => {
      expect(renderMarkdown(buildManifest([], '0.1.0'))).toMatch(/^## ❌ pledge: no verified signature\n/);
    });
  });

  describe('when one signature fails, one warns and a document is not signed', () => {
    const failed = signature({ status: 'no-public-key', userIDs: [], primaryKeyFingerprint: null, reason: { code: 'key-not-found', message: 'no key found for this signature' } });
    const expired = signature({ warnings: ['key-expired-since'] });
    const manifest = buildManifest([document({ blocks: [block({ signatures: [failed, expired] })] }), document({ path: 'a.md', status: 'not-signed', blocks: [] })], '0.1.0');
    const markdown = renderMarkdown(manifest);

    it('opens with a ❌ verdict counting the errors', () => {
      expect(markdown).toMatch(/^## ❌ pledge: 2 problems\n/);
    });

    it('holds the same table as the step summary, a row per signature and per unsigned document', () => {
      expect(markdown).toContain(renderSignatureTable(manifest));
      expect(
        tableRows(markdown)
          .slice(2)
          .map((row) => cellsOf(row).slice(1, 4)),
      ).toEqual([
        ['31–46', 'AAAA BBBB CCCC DDDD EEEE FFFF 0000 1111 2222 3333', '❌ no-public-key'],
        ['31–46', 'Alice &lt;alice@example.org&gt;', '✅ verified'],
        ['—', '—', '❌ not-signed'],
      ]);
    });

    it('lists each problem with its reason, and the hint from messages.ts for a failure', () => {
      const problems = markdown.slice(markdown.indexOf('### Problems'));
      expect(problems).toContain('- ❌ **no-public-key** in docs/post.md, lines 31–46: no key found for this signature \\[key-not-found\\]');
      expect(problems).toContain(`  - hint: ${escapeMarkdown(hintFor(failed)!)}`);
      expect(problems).toContain('- ⚠️ **key-expired-since** in docs/post.md, lines 31–46: the key has expired since it made this signature');
      expect(problems).toContain('- ❌ **not-signed** in a.md: no signed block found (no cleartext-signed block, inline-signed message or detached signature)');
    });
  });

  describe('when user IDs and reasons hold pipes, newlines, HTML, entities, links and mentions', () => {
    const userIDs = ['Eve | admin\n| injected | row |', '<img src=x onerror=alert(1)>', '&#x202E;evil', '![t](https://t.example/p.png) [x](javascript:1)', '@octocat @org/team', '`code` *b* _i_ ~s~ $x$ \\'];
    const signatures = userIDs.map((userID) => signature({ userIDs: [userID], status: 'bad-signature', reason: { code: 'signature-mismatch', message: `${userID}\r\nsecond line` } }));
    const markdown = renderMarkdown(buildManifest([document({ path: 'a|b\n.md', blocks: [block({ signatures })] })], '0.1.0'));
    const rows = tableRows(markdown);

    it('keeps one row per signature, each with five cells', () => {
      expect(rows).toHaveLength(2 + userIDs.length);
      for (const row of rows) expect(cellsOf(row)).toHaveLength(5);
    });

    it('lets no HTML, entity, link, image or mention through', () => {
      expect(markdown).not.toMatch(/[<>\r]/);
      expect(markdown).toContain('&amp;#x202E;evil');
      expect(markdown).toContain('!\\[t\\](https\\[:\\]//t.example/p.png) \\[x\\](javascript:1)');
      expect(markdown).toContain('@&#8203;octocat @&#8203;org/team');
    });

    it('shows newlines as visible escapes and escapes backticks, emphasis, math and backslashes', () => {
      expect(cellsOf(rows[2]!)[2]).toBe('Eve \\| admin\\\\x0A\\| injected \\| row \\|');
      expect(cellsOf(rows[2]!)[0]).toBe('a\\|b\\\\x0A.md');
      expect(escapeMarkdown('`code` *b* _i_ ~s~ $x$ \\')).toBe('\\`code\\` \\*b\\* \\_i\\_ \\~s\\~ \\$x\\$ \\\\');
      expect(rows.join('\n').replace(/\\./g, '')).not.toMatch(/[`*_~$]/);
    });
  });

  describe('escapeMarkdown', () => {
    it('leaves an e-mail address alone: the "@" is inside a word, so GitHub mentions no one', () => {
      expect(escapeMarkdown('alice@example.org')).toBe('alice@example.org');
    });
  });
});
