import { describe, expect, it } from 'vitest';
import { escapeText } from '../../src/report/escape.js';
import { buildManifest } from '../../src/report/manifest.js';
import { hintFor } from '../../src/report/messages.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { block, document, signature } from '../helpers/manifest-parts.js';

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Decodes entity references, failing on a bare "&" or an unknown entity, as an XML parser does. */
function decode(raw: string): string {
  expect(raw.replace(/&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g, '')).not.toContain('&');
  const decoded = raw.replace(/&(#x?)?(\w+);/g, (_, numeric: string | undefined, value: string) => (numeric ? String.fromCodePoint(parseInt(value, numeric === '#x' ? 16 : 10)) : ENTITIES[value]!));
  // A character reference must name a character XML allows: "&#0;" is not well-formed.
  expect(decoded).not.toMatch(NOT_XML);
  return decoded;
}

/**
 * A small XML 1.0 well-formedness check, enough for what a JUnit report may hold: the prolog,
 * one root, matched tags, quoted unique attributes with no raw "<", valid entities, no character
 * XML forbids, no "]]>" in text. Returns the root element with entities decoded.
 */
function parseXml(xml: string): XmlElement {
  const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n';
  expect(xml.startsWith(prolog)).toBe(true);
  expect(xml).not.toMatch(NOT_XML);
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  token.lastIndex = prolog.length;
  while (token.lastIndex < xml.length) {
    const at = token.lastIndex;
    const match = token.exec(xml);
    if (!match) throw new Error(`not well-formed at ${at}: ${JSON.stringify(xml.slice(at, at + 40))}`);
    const [, closing, name, attributeText, selfClosing, text] = match;
    const current = stack.at(-1)!;
    if (text !== undefined) {
      expect(text).not.toContain(']]>');
      if (current === root) expect(text.trim()).toBe('');
      current.text += decode(text);
    } else if (closing) {
      expect(current.name).toBe(name);
      stack.pop();
    } else {
      const attributes: Record<string, string> = {};
      for (const [, key, value] of attributeText!.matchAll(/([A-Za-z][\w.-]*)="([^"]*)"/g)) {
        expect(attributes).not.toHaveProperty(key!);
        attributes[key!] = decode(value!);
      }
      const element: XmlElement = { name: name!, attributes, children: [], text: '' };
      if (current === root) expect(root.children).toHaveLength(0);
      current.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  expect(stack).toHaveLength(1);
  expect(root.children).toHaveLength(1);
  return root.children[0]!;
}

describe('renderJunit', () => {
  describe('when a document has a verified, a failing and an indeterminate signature, with warnings and findings', () => {
    const failed = signature({ status: 'bad-signature', reason: { code: 'signature-mismatch', message: 'the signature does not match the text' } });
    const unchecked = signature({ status: 'key-unavailable', userIDs: [], primaryKeyFingerprint: null, reason: { code: 'key-unavailable', message: 'keys.openpgp.org did not answer' } });
    const expired = signature({ warnings: ['key-expired-since'] });
    const manifest = buildManifest(
      [
        document({
          blocks: [block({ signatures: [signature(), failed, unchecked, expired] })],
          findings: [
            { code: 'too-few-signatures', severity: 'error', message: 'needs 3 signatures, has 2', line: 31 },
            { code: 'duplicate-signer', severity: 'warning', message: 'signed twice by one key' },
          ],
        }),
        document({ path: 'a.md', status: 'not-signed', blocks: [] }),
        document({ path: 'b.md', blocks: [block({ startLine: 3, endLine: 9, status: 'malformed', error: { code: 'split-block', message: 'the fence closes inside the block' }, signedText: null, signatures: [] })] }),
      ],
      '0.1.0',
    );
    const xml = renderJunit(manifest);
    const root = parseXml(xml);
    const [post, unsigned, malformed] = root.children;

    it('is well-formed, with a testsuite per document and totals on <testsuites>', () => {
      expect(root).toMatchObject({ name: 'testsuites', attributes: { name: 'pledge', tests: '7', failures: '4', errors: '1' } });
      expect(root.children.map((suite) => [suite.name, suite.attributes])).toEqual([
        ['testsuite', { name: 'docs/post.md', tests: '5', failures: '2', errors: '1' }],
        ['testsuite', { name: 'a.md', tests: '1', failures: '1', errors: '0' }],
        ['testsuite', { name: 'b.md', tests: '1', failures: '1', errors: '0' }],
      ]);
    });

    it('has a testcase per signature, named by lines and signer, with file and line', () => {
      expect(post!.children.slice(0, 4).map((testcase) => testcase.attributes)).toEqual([
        { classname: 'docs/post.md', name: 'lines 31–46 · Alice <alice@example.org>', file: 'docs/post.md', line: '31' },
        { classname: 'docs/post.md', name: 'lines 31–46 · Alice <alice@example.org>', file: 'docs/post.md', line: '31' },
        { classname: 'docs/post.md', name: 'lines 31–46 · AAAA BBBB CCCC DDDD EEEE FFFF 0000 1111 2222 3333', file: 'docs/post.md', line: '31' },
        { classname: 'docs/post.md', name: 'lines 31–46 · Alice <alice@example.org>', file: 'docs/post.md', line: '31' },
      ]);
      expect(post!.children[0]!.children).toEqual([]);
    });

    it('gives a failing signature a <failure> typed by its status, with reason and hint in the body', () => {
      const [failure] = post!.children[1]!.children;
      expect(failure).toMatchObject({ name: 'failure', attributes: { message: 'the signature does not match the text [signature-mismatch]', type: 'bad-signature' } });
      expect(failure!.text.split('\n')).toContain(`hint: ${hintFor(failed)}`);
    });

    it('makes a "could not check" outcome an <error>, not a <failure>', () => {
      expect(post!.children[2]!.children[0]).toMatchObject({ name: 'error', attributes: { type: 'key-unavailable' } });
    });

    it('puts warnings in <system-out>: a signature warning in its testcase, a warning finding in the suite', () => {
      expect(post!.children[3]!.children).toEqual([{ name: 'system-out', attributes: {}, children: [], text: 'warning: the key has expired since it made this signature [key-expired-since]' }]);
      expect(post!.children.at(-1)).toMatchObject({ name: 'system-out', text: 'warning: signed twice by one key [duplicate-signer]' });
    });

    it('adds a failing testcase for an error finding, a not-signed document and a malformed block', () => {
      expect(post!.children[4]).toMatchObject({ attributes: { name: 'too-few-signatures', line: '31' }, children: [{ name: 'failure', attributes: { type: 'too-few-signatures' } }] });
      expect(unsigned!.children[0]).toMatchObject({ attributes: { name: 'document is signed' }, children: [{ name: 'failure', attributes: { type: 'not-signed' } }] });
      expect(malformed!.children[0]).toMatchObject({
        attributes: { name: 'lines 3–9 · cleartext-signed block', line: '3' },
        children: [{ name: 'failure', attributes: { type: 'malformed', message: 'the fence closes inside the block [split-block]' } }],
      });
    });

    it('is deterministic: no timestamp, no duration, the same bytes each time', () => {
      expect(xml).not.toMatch(/\b(timestamp|time|hostname)=/);
      expect(renderJunit(manifest)).toBe(xml);
    });
  });

  describe('when a user ID, signed text, path and reason hold markup and characters XML forbids', () => {
    const HOSTILE = `]]><x a="1" b='2'>&amp; &#0; <!-- \u0000\u0008\u001b[2J \uFFFE\uFFFF \uD800 \r\n::error::pwned`;
    const shown = escapeText(HOSTILE).replace('\uFFFE', '\\uFFFE').replace('\uFFFF', '\\uFFFF').replace('\uD800', '\\uD800');
    const failed = signature({ status: 'bad-signature', userIDs: [HOSTILE], reason: { code: 'signature-invalid', message: HOSTILE }, warnings: ['control-characters'] });
    const manifest = buildManifest(
      [
        document({ path: HOSTILE, blocks: [block({ signedText: HOSTILE, signatures: [failed] })], findings: [{ code: 'replayed-signature', severity: 'warning', message: HOSTILE }] }),
        document({ path: `${HOSTILE}2`, status: 'unreadable', error: { code: 'input-too-large', message: HOSTILE }, blocks: [] }),
      ],
      '0.1.0',
    );
    const xml = renderJunit(manifest);

    it('stays well-formed', () => {
      expect(() => parseXml(xml)).not.toThrow();
    });

    it('decodes every attribute and text back to the visibly escaped text, with nothing XML forbids', () => {
      const [suite, unreadable] = parseXml(xml).children;
      const [testcase, suiteOut] = suite!.children;
      expect(suite!.attributes.name).toBe(shown);
      expect(testcase!.attributes.name).toBe(`lines 31–46 · ${shown}`);
      expect(testcase!.children[0]!.attributes.message).toBe(`${shown} [signature-invalid]`);
      expect(testcase!.children[0]!.text.split('\n').slice(0, 2)).toEqual([`${shown} [signature-invalid]`, `signer: ${shown}`]);
      expect(suiteOut!.text).toBe(`warning: ${shown} [replayed-signature]`);
      expect(unreadable!.children[0]!.children[0]).toMatchObject({ name: 'error', attributes: { message: `${shown} [input-too-large]`, type: 'unreadable' } });
    });

    it('escapes markup in attributes and text rather than removing it', () => {
      expect(xml).toContain('name="]]&gt;&lt;x a=&quot;1&quot; b=&apos;2&apos;&gt;&amp;amp; &amp;#0; &lt;!-- \\x00\\x08\\x1B[2J \\uFFFE\\uFFFF \\uD800 \\x0D\\x0A::error::pwned"');
    });
  });
});
