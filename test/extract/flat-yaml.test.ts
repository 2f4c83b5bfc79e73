import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFlatYaml } from '../../src/extract/flat-yaml.js';
import { readFrontMatter } from '../../src/extract/front-matter.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { seeded } from '../helpers/seeded.js';

// The flat reader stands in for yaml on the headers most posts carry. Its one rule: whatever
// it answers, yaml answers the same (as readFrontMatter calls it); everything else it leaves.
const yamlData = (body: string): unknown => {
  try {
    const data: unknown = parse(body, { maxAliasCount: 10, prettyErrors: false });
    return data && typeof data === 'object' && !Array.isArray(data) ? data : null;
  } catch {
    return null;
  }
};

/** Every front matter body under a folder, with its file. */
function bodiesUnder(dir: string, found: { file: string; body: string }[] = []): { file: string; body: string }[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) bodiesUnder(path, found);
    else if (name.endsWith('.md')) {
      const match = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\r?\n/.exec(readFileSync(path, 'utf8'));
      if (match) found.push({ file: path, body: match[1]! });
    }
  }
  return found;
}

// Values chosen at yaml's edges: numbers and their look-alikes, dates, booleans of YAML 1.1 and
// 1.2, quotes, indicators, comments, colons, trailing spaces, non-ASCII, tabs, CR.
const VALUES = [
  'neveragain.tech',
  'I hereby commit to the pledge. Please stand with me.',
  '2024-12-20T20:00:57Z',
  '2016-12-20T11:55:03-08:00',
  '2016-12-20',
  '12:30',
  '1:2',
  '""',
  "''",
  '"quoted"',
  "'single'",
  '"with \\" escape"',
  "'it''s'",
  '"a # b"',
  'a # comment',
  'a#b',
  'a: b',
  'a:b',
  'ends:',
  'true',
  'True',
  'TRUE',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'false',
  'FALSE',
  'null',
  'Null',
  'NULL',
  '~',
  '~x',
  '0',
  '42',
  '-1',
  '+12',
  '0x1F',
  '0o17',
  '017',
  '1e3',
  '1.5',
  '.5',
  '5.',
  '.inf',
  '-.Inf',
  '.nan',
  '1_000',
  '1,000',
  '0.1.2',
  'v1.2',
  '3 apples',
  'alice@example.org',
  'https://example.org/a?b=c#d',
  'Hello, world [draft] {x}',
  '[a, b]',
  '{a: 1}',
  '&anchor x',
  '*alias',
  '!tag x',
  '!!str 1',
  '|',
  '>',
  '%x',
  '@x',
  '`x`',
  '-x',
  '- x',
  '? x',
  ',x',
  'ünïcødé',
  '中文',
  '😀 emoji',
  'trailing   ',
  'a\tb',
  'x\r',
  'A5B4 3C2D 1E0F 9A8B 7C6D  5E4F 3A2B 1C0D 9E8F 7A6B',
  '0xA5B43C2D1E0F9A8B',
  'keybase_user',
  '<<',
  '=',
  '$HOME',
  '^caret',
  '(paren)',
  '/path',
  '.dotfile',
  '_under',
  '\\back',
];
const KEYS = ['title', 'date', 'email', 'keybase', 'github', 'github_user', 'fingerprint', 'key', 'tags', 'a-b', 'A_1', 'true', 'null', 'y', 'on', '1', '__proto__', 'constructor', 'toString', '<<', 'é', 'k k'];

function generated(next: () => number): string {
  const pick = <T>(from: readonly T[]): T => from[Math.floor(next() * from.length)]!;
  const lines: string[] = [];
  const count = 1 + Math.floor(next() * 6);
  for (let i = 0; i < count; i++) {
    const key = pick(KEYS);
    const shape = next();
    if (shape < 0.6) lines.push(`${key}:${pick([' ', ' ', '  ', ''])}${pick(VALUES)}`);
    else if (shape < 0.75) {
      lines.push(`${key}:${pick(['', ' ', '  '])}`);
      const indent = pick(['', '  ', '    ']);
      const items = Math.floor(next() * 4);
      for (let j = 0; j < items; j++) lines.push(`${next() < 0.9 ? indent : ' '}-${pick([' ', '  ', ''])}${pick(VALUES)}`);
    } else if (shape < 0.82) lines.push(`${key}:`, `  nested: ${pick(VALUES)}`);
    else if (shape < 0.88) lines.push(`${key}: ${pick(VALUES)}`, `  ${pick(VALUES)}`);
    else if (shape < 0.92) lines.push(pick(['', '   ', '# a comment', '#x']));
    else lines.push(`${key}: ${pick(VALUES)} ${pick(VALUES)}`);
  }
  return lines.join(next() < 0.1 ? '\r\n' : '\n');
}

describe('the flat front matter reader', () => {
  it('reads the seed post and the bundled example as yaml does, without yaml', () => {
    for (const file of ['examples/signed-post.md', 'fixtures/seeds/keybase-signed-post.md']) {
      const body = /^---\n([\s\S]*?)\n---\n/.exec(readFileSync(file, 'utf8'))![1]!;
      const flat = readFlatYaml(body);
      expect(flat, file).not.toBeNull();
      expect(flat!.data).toEqual(yamlData(body));
      expect(flat!.data.tags).toEqual(['activism']);
    }
  });

  it('agrees with yaml on every front matter in the fixtures and the real-world documents it accepts', () => {
    const bodies = [...bodiesUnder('test'), ...bodiesUnder('examples'), ...bodiesUnder('fixtures')];
    expect(bodies.length).toBeGreaterThan(4);
    let accepted = 0;
    for (const { file, body } of bodies) {
      const flat = readFlatYaml(body);
      if (!flat) continue;
      accepted++;
      expect(JSON.stringify(flat.data), file).toBe(JSON.stringify(yamlData(body)));
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('agrees with yaml on 50,000 generated headers, and reads a good share of them itself', () => {
    const next = seeded(15);
    let accepted = 0;
    for (let i = 0; i < 50_000; i++) {
      const body = generated(next);
      const flat = readFlatYaml(body);
      if (!flat) continue;
      accepted++;
      // As JSON: key order, null against a missing key, and a key named "constructor" compared
      // as data (vitest's equality would compare that key as the objects' type).
      expect(JSON.stringify(flat.data), JSON.stringify(body)).toBe(JSON.stringify(yamlData(body)));
    }
    expect(accepted).toBeGreaterThan(2_500);
  });

  it('leaves to yaml what it cannot read exactly', () => {
    for (const body of ['a: 1', 'a: [x]', 'a:\n  b: c', 'a: x\n  y', 'a: x # c', 'a: "x\\ty"', 'a: x\na: y', 'true: x', '__proto__: x', 'a:\t x', 'a: &x y', '# only a comment', '', 'a:\n- x\n  - y', 'a:\n-\n'])
      expect(readFlatYaml(body), JSON.stringify(body)).toBeNull();
  });

  it('is what readFrontMatter returns, and yaml still reads the rest', () => {
    expect(readFrontMatter('---\ntitle: x\ntags:\n- a\n- b\n---\n', DEFAULT_LIMITS)).toEqual({ ok: true, data: { title: 'x', tags: ['a', 'b'] } });
    expect(readFrontMatter('---\ntitle: x\ncount: 3\nnested:\n  k: v\n---\n', DEFAULT_LIMITS)).toEqual({ ok: true, data: { title: 'x', count: 3, nested: { k: 'v' } } });
  });
});
