import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type SampleServer, startSample } from './sample-server.js';

const SCRIPT = '<script>alert(1)</script>';

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Playwright passes --headless itself; the rest keeps Chromium off the (closed) network.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A page that fails the test on any dialog (an executed `alert`) or console error. */
async function watchedPage(browser: Browser): Promise<{ page: Page; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { page, dialogs };
}

describe.each([
  ['development', 'docs/images/debug-page.png'],
  ['production', 'docs/images/error-page.png'],
] as const)("the sample's HTML error pages in %s mode, in headless Chromium", (mode, screenshot) => {
  let sample: SampleServer;
  let browser: Browser;
  beforeAll(async () => {
    sample = await startSample('/products/1', { APP_MODE: mode });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.stop();
  });

  it('shows a message with a <script> as text, never running it', async () => {
    const { page, dialogs } = await watchedPage(browser);
    const response = await page.goto(`${sample.baseUrl}/products?name=${encodeURIComponent(SCRIPT)}`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    await expect.poll(() => page.locator('h1').textContent()).toBe(`No product is named "${SCRIPT}"`);
    expect(await page.locator('script').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(await page.locator('dd code').nth(2).textContent()).toBe(response?.headers()['x-request-id']);
    await page.close();
  });

  it(
    mode === 'development'
      ? 'shows the debug page of a 500: stack and cause chain'
      : 'shows the production page of a 500: nothing of its internals',
    async () => {
      const { page, dialogs } = await watchedPage(browser);
      const response = await page.goto(`${sample.baseUrl}/products/1/price`);
      expect(response?.status()).toBe(500);
      const text = (await page.locator('main').innerText()).replaceAll('\n', ' ');
      expect(text).toContain('500 Internal Server Error');
      expect(text).toContain('UNEXPECTED_ERROR');
      if (mode === 'development') {
        expect(await page.locator('h1').textContent()).toBe('pricing database password=hunter2 rejected the query');
        expect(text).toContain('Stack');
        expect(await page.locator('pre').textContent()).toMatch(
          /at ProductsController\.price \(.*products\.controller/,
        );
        expect(text).toContain('Cause chain');
        expect(text).toContain('RangeError: connection pool exhausted (10 of 10 in use)');
      } else {
        expect(await page.locator('h1').textContent()).toBe('Unexpected error');
        for (const internal of ['hunter2', 'Stack', 'Cause chain', 'RangeError', 'products.controller']) {
          expect(text).not.toContain(internal);
        }
      }
      expect(dialogs).toEqual([]);
      mkdirSync('docs/images', { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: true });
      await page.close();
    },
  );

  it('still answers an API client with the envelope', async () => {
    const response = await fetch(`${sample.baseUrl}/products/1/price`, { headers: { Accept: 'application/json' } });
    expect(response.status).toBe(500);
    expect(response.headers.get('vary')).toContain('Accept');
    expect(await response.json()).toMatchObject({ code: 9000, reason: 'UNEXPECTED_ERROR' });
  });
});
