/**
 * `pledge verify https://…` against a real HTTPS server on 127.0.0.1 with a self-signed
 * certificate made here by the openssl CLI, trusted only through NODE_EXTRA_CA_CERTS in the
 * spawned process: TLS verification stays on, and loopback is reached only with --allow-host.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectTo, routes, startServer, textReply, type TestServer } from '../helpers/http-server.js';
import { expectValidManifest } from '../helpers/manifest-schema.js';
import { REPO, runCli } from '../helpers/run-cli.js';

const post = readFileSync(join(REPO, 'examples/signed-post.md'), 'utf8');
const block = /-----BEGIN PGP SIGNED MESSAGE-----[\s\S]*?-----END PGP SIGNATURE-----/.exec(post)![0];
const html = `<!doctype html><html><body><p>My pledge:</p><pre>${block.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace('neveragain.tech', 'neveragain&#46;tech')}</pre></body></html>`;

let server: TestServer;
let caFile: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-tls-'));
  const key = join(dir, 'key.pem');
  caFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', caFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  server = await startServer(
    routes({
      '/post.md': () => textReply(200, post, { 'Content-Type': 'text/markdown; charset=utf-8' }),
      '/post/': () => textReply(200, html, { 'Content-Type': 'text/html; charset=utf-8' }),
      '/moved': () => redirectTo('/post/'),
      '/elsewhere': () => redirectTo('https://localhost:1/post/'),
      '/binary': () => textReply(200, 'GIF89a', { 'Content-Type': 'image/gif' }),
      '/edited.txt': () => textReply(200, block.replace('hold me to it', 'hold you to it')),
    }),
    { tls: { key: readFileSync(key, 'utf8'), cert: readFileSync(caFile, 'utf8') } },
  );
});
afterAll(async () => server?.close());

const keys = ['--keyring', 'examples/keys', '--no-cache'];
const trusted = () => ({ NODE_EXTRA_CA_CERTS: caFile });
const allowed = () => ['--allow-host', `127.0.0.1:${server.port}`];

async function verifyJson(args: string[], env: Record<string, string> = trusted()) {
  const result = await runCli(['verify', '--json', ...keys, ...args], env);
  return { ...result, manifest: result.stdout ? JSON.parse(result.stdout) : null };
}

describe('pledge verify URL', () => {
  it('fetches an HTML page and verifies its block, recording what was fetched', async () => {
    const url = `${server.origin}/post/`;
    const { code, manifest, stderr } = await verifyJson([...allowed(), url]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expectValidManifest(manifest);
    const [document] = manifest.documents;
    expect(document.path).toBe(url);
    expect(document.verdict).toBe('verified');
    expect(document.blocks[0].rendering).toContain('html-entities');
    expect(document.fetch).toMatchObject({ url, finalUrl: url, status: 200, contentType: 'text/html; charset=utf-8', bodySha256: createHash('sha256').update(html).digest('hex'), bytes: Buffer.byteLength(html) });
    expect(Number.isNaN(Date.parse(document.fetch.fetchedAt))).toBe(false);
  });

  it('reads a page by its Content-Type, not its name: Markdown with front matter', async () => {
    const { code, manifest } = await verifyJson([...allowed(), `${server.origin}/post.md`]);
    expect(code).toBe(0);
    expect(manifest.documents[0].fetch.contentType).toBe('text/markdown; charset=utf-8');
  });

  it('follows a same-origin redirect and records the final URL', async () => {
    const { code, manifest } = await verifyJson([...allowed(), `${server.origin}/moved`]);
    expect(code).toBe(0);
    expect(manifest.documents[0].fetch).toMatchObject({ url: `${server.origin}/moved`, finalUrl: `${server.origin}/post/` });
  });

  it('a page changed after signing is bad-signature (control: the same page as signed verifies above)', async () => {
    const { code, manifest } = await verifyJson([...allowed(), `${server.origin}/edited.txt`]);
    expect(code).toBe(1);
    expect(manifest.documents[0].blocks[0].signatures[0].status).toBe('bad-signature');
  });

  it('refuses a redirect to another origin, and a Content-Type it does not read', async () => {
    const { code, manifest } = await verifyJson([...allowed(), `${server.origin}/elsewhere`, `${server.origin}/binary`]);
    expect(code).toBe(2);
    expectValidManifest(manifest);
    expect(manifest.documents.map((d: { error: { code: string } }) => d.error.code)).toEqual(['fetch-failed', 'unsupported-content-type']);
    expect(manifest.documents[0].error.message).toMatch(/refused: leaves/);
  });

  it('caps the body at --max-document-bytes: a larger page is input-too-large (control: the default limit verifies it above)', async () => {
    const { code, manifest } = await verifyJson([...allowed(), '--max-document-bytes', '200', `${server.origin}/post/`]);
    expect(code).toBe(2);
    expect(manifest.documents[0].error.code).toBe('input-too-large');
    expect(manifest.documents[0].error.message).toMatch(/--max-document-bytes/);
  });

  it('never reaches a loopback address unless the host is allowed (control: with --allow-host it verifies above)', async () => {
    const before = server.requests.length;
    const { code, manifest } = await verifyJson([`${server.origin}/post/`]);
    expect(code).toBe(2);
    expect(manifest.documents[0].error.code).toBe('fetch-failed');
    expect(manifest.documents[0].error.message).toMatch(/loopback/);
    expect(server.requests.length).toBe(before);
  });

  it('keeps TLS verification on: an untrusted certificate is refused (control: trusted via NODE_EXTRA_CA_CERTS above)', async () => {
    const { code, manifest } = await verifyJson([...allowed(), `${server.origin}/post/`], {});
    expect(code).toBe(2);
    expect(manifest.documents[0].error.message).toMatch(/certificate/i);
  });

  it('refuses URLs offline and plain http, before any request (exit 2)', async () => {
    const before = server.requests.length;
    const offline = await runCli(['verify', '--offline', ...keys, `${server.origin}/post/`], trusted());
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/--offline makes no network request: it cannot fetch/);
    const plain = await runCli(['verify', ...keys, ...allowed(), `http://127.0.0.1:${server.port}/post/`], trusted());
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/only https:\/\/ pages are fetched/);
    expect(server.requests.length).toBe(before);
  });
});
