/**
 * Issue 20 #4 and #6: folders of a real site. A Hugo content/ folder holds signed posts,
 * unsigned pages, an index.html and images: a walk skips what is not text (counted, never an
 * error), --signed-only judges only documents that hold a signed block, an empty folder or an
 * unmatched pattern says so, and folders are walked in natural order. Runs the built CLI.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { runCli } from '../helpers/run-cli.js';
import { clearsign, createSigner } from '../helpers/sign.js';

/** A real 1×1 PNG and the first bytes of a real JFIF JPEG: what a site's images begin with. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]);
const UNSIGNED_PAGES = ['about.md', 'pages/contact.md', 'pages/privacy.md', 'posts/post-2.md', 'posts/_index.md', 'tags/pledge.md'];

let site: string;
let keyFile: string;

function write(root: string, path: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

beforeAll(async () => {
  const signer = await createSigner('Blogger <blogger@example.org>');
  keyFile = join(mkdtempSync(join(tmpdir(), 'pledge-walks-keys-')), 'blogger.asc');
  writeFileSync(keyFile, signer.armoredPublicKey);
  site = join(mkdtempSync(join(tmpdir(), 'pledge-walks-')), 'content');
  write(site, 'posts/post-10.md', `---\ntitle: Ten\n---\n${await clearsign('I signed post ten.\n', [signer])}`);
  write(site, 'posts/post-1.md', `---\ntitle: One\n---\n${await clearsign('I signed post one.\n', [signer])}`);
  for (const page of UNSIGNED_PAGES) write(site, page, `---\ntitle: ${page}\n---\nNothing signed here.\n`);
  write(site, 'index.html', '<!doctype html><html><body><h1>Blog</h1></body></html>\n');
  write(site, 'images/cover.png', PNG);
  write(site, 'images/photo.jpg', JPEG);
  // No telling extension: found out by its content.
  write(site, 'images/favicon', PNG);
});

const verify = (...args: string[]) => runCli(['verify', '--offline', '--keyring', keyFile, ...args]);
const relative = (path: string) => path.slice(site.length + 1);

describe('a Hugo content/ folder (issue 20 #4)', () => {
  it('--signed-only: exit 0, the two signed posts judged, the unsigned pages passed over, the images skipped', async () => {
    const result = await verify('--json', '--signed-only', site);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(result.stdout);
    const verdicts = Object.fromEntries(manifest.documents.map((document: { path: string; verdict: string }) => [relative(document.path), document.verdict]));
    expect(verdicts['posts/post-1.md']).toBe('verified');
    expect(verdicts['posts/post-10.md']).toBe('verified');
    for (const page of [...UNSIGNED_PAGES, 'index.html']) expect(verdicts[page]).toBe('skipped');
    for (const image of ['images/cover.png', 'images/photo.jpg', 'images/favicon']) expect(verdicts[image]).toBe('skipped');
    expect(manifest.summary).toMatchObject({ verified: 2, failed: 0, unsignedDocuments: 0, unreadableDocuments: 0, skippedDocuments: 3, passedOverDocuments: UNSIGNED_PAGES.length + 1 });
    expect(manifest.ok).toBe(true);
    expectValidManifest(manifest);
    expect(result.stderr).toBe(`pledge: 3 skipped (not text); passed over ${UNSIGNED_PAGES.length + 1} unsigned documents\n`);
  });

  it('--signed-only in the human report: only the signed posts are shown, the closing line says what was passed over', async () => {
    const result = await verify('--signed-only', site);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('not signed');
    expect(result.stdout).not.toContain('unreadable');
    expect(result.stdout).not.toContain('about.md');
    expect(result.stdout).toContain('post-1.md');
    expect(result.stdout).toMatch(/3 skipped \(not text\) · passed over 7 unsigned documents$/m);
  });

  it('control: without --signed-only the unsigned pages fail (exit 1), but the images are still skipped, never unreadable', async () => {
    const result = await verify('--json', site);
    expect(result.code).toBe(1);
    const manifest = JSON.parse(result.stdout);
    expect(manifest.summary).toMatchObject({ unsignedDocuments: UNSIGNED_PAGES.length + 1, unreadableDocuments: 0, skippedDocuments: 3 });
    expect(manifest.summary.passedOverDocuments).toBeUndefined();
    expectValidManifest(manifest);
    const image = manifest.documents.find((document: { path: string }) => document.path.endsWith('cover.png'));
    expect(image).toMatchObject({ status: 'unreadable', verdict: 'skipped', error: { code: 'binary' } });
    expect(result.stderr).not.toContain('unreadable');
    expect(result.stderr).toContain(`pledge: ${UNSIGNED_PAGES.length + 1} of ${UNSIGNED_PAGES.length + 3} documents failed: ${UNSIGNED_PAGES.length + 1} not signed`);
  });

  it('walks in natural order: post-1, post-2, post-10', async () => {
    const manifest = JSON.parse((await verify('--json', '--include', 'posts/post-*', site)).stdout);
    expect(manifest.documents.map((document: { path: string }) => relative(document.path))).toEqual(['posts/post-1.md', 'posts/post-2.md', 'posts/post-10.md']);
  });

  it('an image named on the command line is still an error: exit 2, named on stderr with what it is', async () => {
    const result = await verify(join(site, 'images/cover.png'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cover.png: unreadable: the file is a PNG image, not a text document');
  });
});

describe('what a walk never skips', () => {
  it('--signed-only still judges a document whose signed block is broken: exit 1', async () => {
    const signer = await createSigner('Broken <broken@example.org>');
    const dir = mkdtempSync(join(tmpdir(), 'pledge-walks-broken-'));
    const signed = await clearsign('A statement.\n', [signer]);
    write(dir, 'broken.md', signed.replace(/-----BEGIN PGP SIGNATURE-----[\s\S]*$/, ''));
    write(dir, 'unsigned.md', 'nothing\n');
    const result = await verify('--json', '--signed-only', dir);
    expect(result.code).toBe(1);
    const manifest = JSON.parse(result.stdout);
    expect(manifest.documents.map((document: { verdict: string }) => document.verdict)).toEqual(['failed', 'skipped']);
  });

  it('a file that is not UTF-8 but holds a signed block is judged (not-utf8), not skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pledge-walks-latin1-'));
    write(dir, 'latin1.txt', Buffer.from('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nJ\xe9r\xf4me signs.\n', 'latin1'));
    write(dir, 'not-text.txt', Buffer.from('J\xe9r\xf4me, no block here.\n', 'latin1'));
    const result = await verify('--json', '--signed-only', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('latin1.txt: unreadable: the file is not valid UTF-8');
    expect(JSON.parse(result.stdout).summary).toMatchObject({ unreadableDocuments: 1, skippedDocuments: 1 });
  });

  // It was "binary (the file holds NUL bytes)", and in a walk a UTF-16 signed statement was skipped unseen.
  it('UTF-16 and UTF-32 text (Windows "Unicode") is named as such; in a walk, one holding a signed block is judged, not skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pledge-walks-utf16-'));
    const statement = '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nJérôme signs.\n';
    write(dir, 'signed-utf16le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(statement, 'utf16le')]));
    write(dir, 'signed-utf16be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(statement, 'utf16le').swap16()]));
    const utf32 = Buffer.alloc(4 * (statement.length + 1));
    [0xfeff, ...[...statement].map((character) => character.codePointAt(0)!)].forEach((point, index) => utf32.writeUInt32LE(point, 4 * index));
    write(dir, 'signed-utf32le.txt', utf32);
    write(dir, 'notes-utf16le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('no block here\n', 'utf16le')]));
    const result = await verify('--json', dir);
    expect(result.code).toBe(2);
    for (const [file, encoding] of [
      ['signed-utf16be.txt', 'UTF-16 (big-endian)'],
      ['signed-utf16le.txt', 'UTF-16 (little-endian)'],
      ['signed-utf32le.txt', 'UTF-32 (little-endian)'],
    ])
      expect(result.stderr).toContain(`${file}: unreadable: the file is ${encoding} text, not UTF-8 (cleartext signatures are over UTF-8 text: save it as UTF-8)`);
    expect(result.stderr).not.toContain('notes-utf16le.txt');
    expect(JSON.parse(result.stdout).summary).toMatchObject({ unreadableDocuments: 3, skippedDocuments: 1 });
    // Named on its own, a file is read, whatever it holds.
    const named = await verify('--json', join(dir, 'notes-utf16le.txt'));
    expect(named.stderr).toContain('notes-utf16le.txt: unreadable: the file is UTF-16 (little-endian) text, not UTF-8');
  });

  it('a binary file over --max-document-bytes is skipped by its first bytes; a text file over it is still refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pledge-walks-large-'));
    write(dir, 'clip.data', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4096)]));
    const skipped = await verify('--json', '--max-document-bytes', '1K', dir);
    expect(JSON.parse(skipped.stdout).summary).toMatchObject({ skippedDocuments: 1, unreadableDocuments: 0 });
    write(dir, 'long.txt', 'a line of text\n'.repeat(300));
    const refused = await verify('--json', '--max-document-bytes', '1K', dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('long.txt: unreadable: the file is 4500 bytes, over the limit of 1024');
  });
});

describe('nothing to read (issue 20 #6)', () => {
  it('an empty folder: exit 2, "no documents in DIR", before any work', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pledge-walks-empty-'));
    const result = await verify('--json', empty);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`pledge: no documents in ${empty}\n`);
    expect(result.stdout).toBe('');
  });

  it('a folder of images only, an --include that matches nothing, a pattern the shell passed on unmatched: exit 2, each said', async () => {
    const images = mkdtempSync(join(tmpdir(), 'pledge-walks-images-'));
    write(images, 'cover.png', PNG);
    write(images, 'photo.jpg', JPEG);
    const cases: [string[], string][] = [
      [[images], `no documents in ${images} (2 files skipped as not text)`],
      [['--include', '**/*.txt', site], `no documents in ${site} (with --include **/*.txt)`],
      [[join(site, 'drafts', '*.md')], `no file matches ${join(site, 'drafts', '*.md')}`],
    ];
    for (const [args, message] of cases) {
      const result = await verify(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`pledge: ${message}\n`);
    }
  });

  it('a folder whose only file turns out not to be text: exit 1 (nothing verified), and stderr says nothing was judged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pledge-walks-favicon-'));
    write(dir, 'favicon', PNG);
    const result = await verify('--json', dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('pledge: 1 skipped (not text)\npledge: nothing was judged: every document was skipped or passed over\n');
  });

  it('control: a missing plain file is still reported among the others (unreadable), not refused up front', async () => {
    const result = await verify('--json', join(site, 'posts/post-1.md'), join(site, 'missing.md'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing.md: unreadable: no such file');
    expect(JSON.parse(result.stdout).summary.verified).toBe(1);
  });
});
