/**
 * The signers page (`pledge site`) in a real headless Chromium: each page is served from
 * 127.0.0.1 and every other request is intercepted and refused, so "self-contained" is
 * observed, not assumed; axe-core checks accessibility; a screenshot of each page and colour
 * scheme goes to test-artifacts/web/ (gitignored) for a person to look at.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, browserSkipReason, launchBrowser, openIsolated } from '../helpers/browser.js';
import { routes, startServer, textReply, type TestServer } from '../helpers/http-server.js';
import { clearsign, createSigner } from '../helpers/sign.js';
import { REPO, runCli } from '../helpers/run-cli.js';

const ARTIFACTS = join(REPO, 'test-artifacts', 'web');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const skip = browserSkipReason();
announceSkip('test/web/site.test.ts');

const HOSTILE_USER_NAME = '<img src=x onerror=alert(1)>Mallory';
const HOSTILE_FRONT_MATTER_NAME = '<script>alert(2)</script>';

/** A signers repository whose one signer's user ID and front matter name are HTML and script. */
async function hostileRepository(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pledge-site-'));
  const signer = await createSigner(`${HOSTILE_USER_NAME} <mallory@example.org>`);
  mkdirSync(join(dir, 'keys'));
  mkdirSync(join(dir, '_signatures'));
  writeFileSync(join(dir, 'keys', 'mallory.asc'), signer.armoredPublicKey);
  writeFileSync(join(dir, 'pledge.config.json'), JSON.stringify({ documents: ['_signatures/*.md'], keys: 'keys', sources: ['github'], statement: { template: 'I, {name}, commit to the pledge.' }, manifest: 'signers.json' }));
  const block = await clearsign(`I, ${HOSTILE_FRONT_MATTER_NAME}, commit to the pledge.`, [signer]);
  writeFileSync(join(dir, '_signatures', 'mallory.md'), `---\nname: "${HOSTILE_FRONT_MATTER_NAME}"\n---\n\n\`\`\`text\n${block}\`\`\`\n`);
  return dir;
}

/** `pledge manifest` then `pledge site` in `dir`: the page's HTML. */
async function buildSite(dir: string, extra: string[] = []): Promise<string> {
  const manifest = await runCli(['manifest', '--offline', '--no-cache', '-o', 'signers.json'], {}, dir);
  expect(manifest.stderr).toMatch(/wrote signers\.json/);
  const site = await runCli(['site', '--manifest', 'signers.json', '-o', 'site/', ...extra], {}, dir);
  expect(site.stderr).toMatch(/wrote .*index\.html/);
  expect(site.code).toBe(0);
  return readFileSync(join(dir, 'site', 'index.html'), 'utf8');
}

async function axeViolations(page: Page): Promise<{ id: string; impact: string; help: string }[]> {
  // Evaluated through the DevTools protocol, which the page's CSP (no script at all) does not govern.
  await page.evaluate(axeSource);
  return page.evaluate<{ id: string; impact: string; help: string }[]>(`axe.run(document).then((result) => result.violations.map(({ id, impact, help }) => ({ id, impact, help })))`);
}

const serious = <V extends { impact: string }>(violations: V[]) => violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');

describe.skipIf(skip !== undefined)(`the signers page in Chromium${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let browser: Browser;
  let server: TestServer;
  const pages: Record<string, string> = {};
  let exampleDir: string;
  let hostileDir: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    exampleDir = mkdtempSync(join(tmpdir(), 'pledge-site-example-'));
    for (const part of ['pledge.config.json', 'keys', '_signatures']) {
      cpSync(join(REPO, 'examples/signers-repo', part), join(exampleDir, part), { recursive: true });
    }
    cpSync(join(REPO, 'fixtures/signers-repo/remote'), join(exampleDir, '_signatures'), { recursive: true });
    hostileDir = await hostileRepository();
    pages['/example/'] = await buildSite(exampleDir, ['--title', 'neveragain.tech signers']);
    pages['/hostile/'] = await buildSite(hostileDir);
    // Controls: what the checks must catch.
    pages['/control-request/'] = '<!doctype html><html lang="en"><head><title>x</title></head><body><main><h1>x</h1><img alt="x" src="https://example.org/tracker.png"></main></body></html>';
    pages['/control-axe/'] = '<!doctype html><html><head></head><body><img src="data:,"><p style="color:#fff;background:#fff">invisible</p></body></html>';
    pages['/control-script/'] = '<!doctype html><html lang="en"><head><title>x</title></head><body><main><h1>x</h1><script>window.ran = 1</script></main></body></html>';
    server = await startServer(routes(Object.fromEntries(Object.entries(pages).map(([path, html]) => [path, () => textReply(200, html, { 'Content-Type': 'text/html; charset=utf-8' })]))));
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const views = [
    { name: 'desktop-light', colorScheme: 'light', viewport: { width: 1024, height: 768 } },
    { name: 'phone-dark', colorScheme: 'dark', viewport: { width: 375, height: 740 } },
  ] as const;

  for (const view of views) {
    it(`the example repository's page, ${view.name}: no request leaves it, no serious axe violation, no sideways scroll`, async () => {
      const url = `${server.origin}/example/`;
      const opened = await openIsolated(browser, url, view);
      try {
        await opened.page.screenshot({ path: join(ARTIFACTS, `example-${view.name}.png`), fullPage: true });
        expect(opened.blocked).toEqual([]);
        expect(opened.requests).toEqual([url]);
        expect(serious(await axeViolations(opened.page))).toEqual([]);
        const layout = await opened.page.evaluate<{ scroll: number; width: number; background: string; names: string[] }>(
          `({ scroll: document.documentElement.scrollWidth, width: window.innerWidth, background: getComputedStyle(document.body).backgroundColor, names: [...document.querySelectorAll('.signer h3')].map((h) => h.textContent) })`,
        );
        expect(layout.scroll).toBeLessThanOrEqual(layout.width);
        expect(layout.background).toBe(view.colorScheme === 'dark' ? 'rgb(20, 20, 19)' : 'rgb(253, 253, 252)');
        // Offline, the pinned keys only: the Keybase and GitHub signers cannot be checked and are not listed.
        expect(layout.names).toEqual(['Ada Lovelace', 'Grace Hopper', 'Alan Turing']);
      } finally {
        await opened.close();
      }
    });
  }

  it('control: a page that loads an image elsewhere is caught, and axe finds a page without alt text or contrast', async () => {
    const request = await openIsolated(browser, `${server.origin}/control-request/`);
    expect(request.blocked).toEqual(['https://example.org/tracker.png']);
    await request.close();
    const axe = await openIsolated(browser, `${server.origin}/control-axe/`);
    expect(serious(await axeViolations(axe.page)).map((violation) => violation.id)).toEqual(expect.arrayContaining(['image-alt']));
    await axe.close();
  });

  it('a user ID and a front matter name holding HTML and script are shown as text, never run', async () => {
    const html = pages['/hostile/']!;
    expect(html).not.toMatch(/<script|<img/i);
    const opened = await openIsolated(browser, `${server.origin}/hostile/`);
    const dialogs: string[] = [];
    opened.page.on('dialog', (dialog) => void dialogs.push(dialog.message()));
    try {
      await opened.page.screenshot({ path: join(ARTIFACTS, 'hostile-desktop-light.png'), fullPage: true });
      const seen = await opened.page.evaluate<{ elements: number; name: string; text: string }>(`({
        elements: document.querySelectorAll('script, img, iframe, object, embed, [onerror], [onload]').length,
        name: document.querySelector('.signer h3')?.textContent,
        text: document.querySelector('.signer')?.textContent ?? '',
      })`);
      expect(seen.elements).toBe(0);
      expect(seen.name).toBe(HOSTILE_USER_NAME);
      expect(seen.text).toContain(`I, ${HOSTILE_FRONT_MATTER_NAME}, commit to the pledge.`);
      expect(dialogs).toEqual([]);
      expect(opened.blocked).toEqual([]);
    } finally {
      await opened.close();
    }
  });

  it('control: the same check sees a script element that is there, and the page CSP keeps it from running', async () => {
    const opened = await openIsolated(browser, `${server.origin}/control-script/`);
    expect(await opened.page.evaluate<number>(`document.querySelectorAll('script').length`)).toBe(1);
    await opened.close();
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(pages['/example/']!)![1]!;
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(pages['/example/']).not.toMatch(/<script|https?:\/\/[^"\s<]*\.(css|js|png|woff2?)/);
  });
});
