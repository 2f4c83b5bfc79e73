/**
 * The front matter most posts carry, read without loading yaml: `key: value` lines and lists of
 * scalars under a key, as Hugo and Jekyll write them. Loading yaml costs a one-document run about
 * a fifth of its time (issue 15, docs/benchmarks.md), for a header like the seed post's.
 *
 * It answers only for text it can read exactly as yaml's `parse` would (YAML 1.2, core schema):
 * anything else (nesting, anchors, tags, flow collections, numbers, escapes, comments, repeated
 * keys, tabs, unusual characters) returns null, and the caller asks yaml.
 * test/extract/flat-yaml.test.ts holds the two to agree on every text this accepts.
 */
export function readFlatYaml(body: string): { data: Record<string, unknown> } | null {
  // Line breaks are \n or \r\n; any other control character, NEL, a BOM: yaml's business.
  if (/[^\n\r\x20-\x7E\u00A0-\uFEFE\uFF00-\uFFFD]|\r(?!\n)/.test(body)) return null;
  const lines = body.split(/\r?\n/);
  const data: Record<string, unknown> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (blank(line)) continue;
    const entry = /^([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$/.exec(line);
    if (!entry) return null;
    const key = entry[1]!;
    // A key yaml would read as null or a boolean, `__proto__`, or a key given twice (yaml fails).
    if (key === '__proto__' || typeof plainScalar(key) !== 'string' || Object.hasOwn(data, key)) return null;
    if (entry[2] !== undefined && entry[2].trim() !== '') {
      const value = scalar(entry[2]);
      if (value === NOT_FLAT || continues(lines, i + 1)) return null;
      data[key] = value;
      continue;
    }
    // `key:` alone: null, or a list of scalars on the lines below, all at one indentation.
    const items: unknown[] = [];
    let indent: number | null = null;
    while (i + 1 < lines.length) {
      const next = lines[i + 1]!;
      if (blank(next)) {
        i++;
        continue;
      }
      const item = /^( *)- +(.*)$/.exec(next);
      if (!item) break;
      if (indent === null) indent = item[1]!.length;
      if (item[1]!.length !== indent) return null;
      const value = scalar(item[2]!);
      if (value === NOT_FLAT) return null;
      items.push(value);
      i++;
    }
    if (continues(lines, i + 1)) return null;
    data[key] = indent === null ? null : items;
  }
  return Object.keys(data).length ? { data } : null;
}

const NOT_FLAT = Symbol('not flat');

const blank = (line: string): boolean => /^ *$/.test(line);

/** The next non-blank line is indented: a continued value or a nested map, beyond this reader. */
function continues(lines: string[], from: number): boolean {
  for (let i = from; i < lines.length; i++) if (!blank(lines[i]!)) return lines[i]!.startsWith(' ');
  return false;
}

/** One value on its line: a quoted string without escapes, or a plain scalar. */
function scalar(text: string): unknown {
  const value = text.replace(/ +$/, '');
  const quoted = /^"([^"\\]*)"$/.exec(value) ?? /^'([^']*)'$/.exec(value);
  if (quoted) return quoted[1]!;
  // A plain scalar starts with no indicator, holds no ": " or " #", does not end in ":".
  if (!/^[A-Za-z0-9_./(~$^+=<\u00A1-\uFFFD]/.test(value) || / #|: |:$/.test(value)) return NOT_FLAT;
  return plainScalar(value);
}

/** yaml's core schema tags for numbers (yaml/dist/schema/core/{int,float}.js). */
const NUMBERS = [/^0o[0-7]+$/, /^[-+]?[0-9]+$/, /^0x[0-9a-fA-F]+$/, /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/];

/** The core schema's reading of a plain scalar; numbers and their look-alikes go to yaml. */
function plainScalar(value: string): unknown {
  if (/^(?:~|null|Null|NULL)$/.test(value)) return null;
  if (/^(?:true|True|TRUE)$/.test(value)) return true;
  if (/^(?:false|False|FALSE)$/.test(value)) return false;
  if (NUMBERS.some((number) => number.test(value))) return NOT_FLAT;
  return value;
}
