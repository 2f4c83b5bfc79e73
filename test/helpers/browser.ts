/**
 * A real headless Chromium for tests (Debian's `chromium`, driven by playwright-core, which
 * downloads no browser). Where it is missing the tests skip with the reason printed; with
 * PLEDGE_REQUIRE_BROWSER=1 (CI, .ci/run) they never skip, and a missing browser fails them.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';

const CANDIDATES = [process.env['PLEDGE_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | undefined {
  return CANDIDATES.find((path): path is string => !!path && existsSync(path));
}

const SKIP_REASON = 'no Chromium found (apt-get install chromium, or set PLEDGE_CHROMIUM); set PLEDGE_REQUIRE_BROWSER=1 to make this an error';

/** Why browser tests must be skipped, or undefined when they run (always, under PLEDGE_REQUIRE_BROWSER=1). */
export function browserSkipReason(): string | undefined {
  if (findChromium() || process.env['PLEDGE_REQUIRE_BROWSER'] === '1') return undefined;
  return SKIP_REASON;
}

/** Prints the reason once per file, so a skipped browser test is never silent. */
export function announceSkip(file: string): void {
  const reason = browserSkipReason();
  if (reason) console.warn(`${file}: browser tests skipped: ${reason}`);
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(`PLEDGE_REQUIRE_BROWSER=1 but ${SKIP_REASON}`);
  // --no-sandbox: the suite runs as root in CI containers, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/**
 * Opens `url` in a fresh context that answers only `allowed` (the page itself) and aborts
 * every other request, recording it: a self-contained page leaves `blocked` empty.
 */
export async function openIsolated(
  browser: Browser,
  url: string,
  options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {},
): Promise<{ page: Page; requests: string[]; blocked: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ colorScheme: options.colorScheme ?? 'light', viewport: options.viewport ?? { width: 1024, height: 768 }, javaScriptEnabled: true });
  const requests: string[] = [];
  const blocked: string[] = [];
  const page = await context.newPage();
  page.on('request', (request: Request) => void requests.push(request.url()));
  await context.route('**/*', (route) => {
    const target = route.request().url();
    if (target === url) return route.continue();
    blocked.push(target);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, blocked, close: () => context.close() };
}

/**
 * The lines a reader sees in the page's first <pre>, read from the layout: each rendered
 * character placed by its box (characters with no box, such as display:none, are not seen), rows
 * by height, characters in a row left to right, a blank row wherever rows are a line height
 * apart. innerText is not this: it adds a line break around every flex item Hugo emits, so a
 * Hugo page's innerText doubles every line break a reader sees as single.
 */
const SHOWN_LINES = `(() => {
  const pre = document.querySelector('pre');
  // Soft wraps (Pandoc's pre-wrap on a narrow column) are layout, not lines: unwrap them first.
  for (const element of [pre, ...pre.querySelectorAll('*')]) element.style.whiteSpace = 'pre';
  const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  const rows = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      if (node.data[i] === '\\n') continue;
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      let row = rows.find((r) => Math.abs(r.top - rect.top) < 2);
      if (!row) rows.push((row = { top: rect.top, chars: [] }));
      row.chars.push({ left: rect.left, ch: node.data[i] });
    }
  }
  rows.sort((a, b) => a.top - b.top);
  const pitch = Math.min(...rows.slice(1).map((row, i) => row.top - rows[i].top));
  const out = [];
  rows.forEach((row, i) => {
    if (i > 0) for (let gap = Math.round((row.top - rows[i - 1].top) / pitch) - 1; gap > 0; gap--) out.push('');
    out.push(row.chars.sort((a, b) => a.left - b.left).map((c) => c.ch).join(''));
  });
  return out.join('\\n');
})()`;

export async function shownLines(browser: Browser, page: string): Promise<{ shown: string; innerText: string }> {
  const tab = await browser.newPage({ javaScriptEnabled: true });
  await tab.goto(pathToFileURL(page).href);
  const shown = await tab.evaluate<string>(SHOWN_LINES);
  const innerText = await tab.locator('pre').first().innerText();
  await tab.close();
  return { shown, innerText };
}
