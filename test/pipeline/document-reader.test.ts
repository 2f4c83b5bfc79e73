/**
 * The reading thread (pipeline/reader/worker.ts) runs from dist/ (`npm run build` first, as
 * `npm test` does): it must hand over exactly what the walk and readDocument give in-thread,
 * in the same order, through more documents than its read-ahead window.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { collectPaths } from '../../src/extract/collect-paths.js';
import { extractDocument } from '../../src/extract/extract-document.js';
import { readDocument } from '../../src/extract/read-document.js';

type Reader = typeof import('../../src/pipeline/reader/reader.js');
const built = (await import(new URL('../../dist/pipeline/reader/reader.js', import.meta.url).href)) as Reader;
const fromSources = (await import('../../src/pipeline/reader/reader.js')) as Reader;

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'pledge-reader-'));
  for (let folder = 0; folder < 3; folder++) {
    mkdirSync(join(root, `f${folder}`));
    for (let n = 0; n < 1000; n++) writeFileSync(join(root, `f${folder}`, `s${String(n).padStart(4, '0')}.txt`), `statement ${folder}/${n}\n`);
  }
  writeFileSync(join(root, 'f1', 'big.txt'), 'x'.repeat(5000));
  writeFileSync(join(root, 'f1', 'binary.txt'), Buffer.from([0x41, 0, 0x42]));
  writeFileSync(join(root, 'f2', 'latin1.txt'), Buffer.from([0xe9, 0x0a]));
  // Blocks and front matter come over extracted: an HTML <pre> and a Markdown fence.
  const block = ['-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA512', '', 'I sign &amp; agree.', '-----BEGIN PGP SIGNATURE-----', '', 'AAAA', '-----END PGP SIGNATURE-----'];
  writeFileSync(join(root, 'f2', 'page.html'), `<html><body><pre>\n${block.join('\n')}\n</pre></body></html>\n`);
  writeFileSync(join(root, 'f2', 'post.md'), `---\nkeybase: someone\n---\n\n\`\`\`\n${block.join('\n')}\n\`\`\`\n`);
  mkdirSync(join(root, '.hidden'));
  writeFileSync(join(root, '.hidden', 'skipped.txt'), 'no');
  return root;
}

describe('the reading thread', () => {
  it('gives what the walk and readDocument give, in order, across several read-ahead windows', async () => {
    const root = tree();
    const paths = [join(root, 'missing.txt'), root];
    const limits = { ...DEFAULT_LIMITS, maxDocumentBytes: 4096 };
    const expected: unknown[] = [];
    for await (const { path, walked } of collectPaths(paths, { exclude: ['f0/s09*'] })) expected.push({ path, walked, document: extractDocument(await readDocument(path, limits, walked), limits) });
    const reader = built.startDocumentReader(paths, { exclude: ['f0/s09*'] }, limits)!;
    const got: unknown[] = [];
    for await (const item of reader.documents) got.push(item);
    await reader.close();
    expect(got.length).toBe(3 * 1000 - 100 + 5 + 1);
    expect(got).toEqual(expected);
    type Item = { path: string; document: { ok: boolean; reason?: { code: string }; blocks?: { rendering: string[] }[]; frontMatter?: unknown } };
    const items = got as Item[];
    expect(items.map((item) => item.document.reason?.code).filter(Boolean).sort()).toEqual(['binary', 'input-too-large', 'io-error', 'not-utf8']);
    const page = items.find((item) => item.path.endsWith('page.html'))!.document;
    expect(page.blocks?.[0]?.rendering).toContain('html-entities');
    expect(items.find((item) => item.path.endsWith('post.md'))!.document.frontMatter).toEqual({ keybase: 'someone' });
  });

  it('holds back on bytes as well as documents: 60 files of 2 MB of blocks wait 16 MB at a time', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pledge-reader-big-'));
    const text = Array.from({ length: 2300 }, (_, n) => `Line ${n} of a long statement that somebody signed, padded out to make it weigh.`.padEnd(100, '.')).join('\n');
    const block = ['-----BEGIN PGP SIGNED MESSAGE-----', 'Hash: SHA512', '', text, '-----BEGIN PGP SIGNATURE-----', '', 'AAAA', '-----END PGP SIGNATURE-----'].join('\n');
    const document = Array.from({ length: 8 }, () => block).join('\n\n') + '\n';
    expect(document.length).toBeLessThan(DEFAULT_LIMITS.maxDocumentBytes);
    for (let n = 0; n < 60; n++) writeFileSync(join(root, `big-${String(n).padStart(2, '0')}.txt`), document);
    const reader = built.startDocumentReader([root], {}, DEFAULT_LIMITS)!;
    const iterator = reader.documents[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // room for the thread to read ahead as far as it may
    const waiting = reader.inFlight();
    expect(waiting.kib).toBeLessThanOrEqual(16 * 1024 + 2 * 1024);
    expect(waiting.documents).toBeLessThan(12);
    let read = 1;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      expect(next.value.document.ok && next.value.document.blocks.length, next.value.path).toBe(8);
      read++;
    }
    await reader.close();
    expect(read).toBe(60);
  });

  it('stops when closed half-way, with nothing left running', async () => {
    const reader = built.startDocumentReader([tree()], {}, DEFAULT_LIMITS)!;
    let taken = 0;
    for await (const _item of reader.documents) if (++taken === 10) break;
    await reader.close();
    await reader.close();
    expect(taken).toBe(10);
  });

  it('is not started from the TypeScript sources, where there is no script to run', () => {
    expect(fromSources.startDocumentReader([tmpdir()], {}, DEFAULT_LIMITS)).toBeNull();
  });
});
