/**
 * A real headless Chromium for tests (Debian's `chromium`, driven by playwright-core, which
 * downloads no browser). Where it is missing the tests skip with the reason printed; with
 * PLEDGE_REQUIRE_BROWSER=1 (CI, .ci/run) they never skip, and a missing browser fails them.
 */
import { existsSync } from 'node:fs';
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
export async function openIsolated(browser: Browser, url: string, options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}): Promise<{ page: Page; requests: string[]; blocked: string[]; close: () => Promise<void> }> {
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
