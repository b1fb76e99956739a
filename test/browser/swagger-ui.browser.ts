import { mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { type SampleServer, startSample } from './sample-server.js';

const SCREENSHOT = 'docs/swagger-ui-products-404.png';

describe("the sample's Swagger UI at /docs, in headless Chromium", () => {
  let sample: SampleServer;
  let browser: Browser;
  beforeAll(async () => {
    sample = await startSample('/docs-json');
    browser = await chromium.launch({
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
  });
  afterAll(async () => {
    await browser?.close();
    await sample?.stop();
  });

  it('shows the documented 404 RESOURCE_NOT_FOUND example on GET /products/{id}', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${sample.baseUrl}/docs`);
    // Swagger UI's id is operations-<tag>-<operationId>; the tag comes from the controller.
    const operation = page.locator('.opblock[id$="-ProductsController_find"]');
    await operation.locator('.opblock-summary').click();
    const notFound = operation.locator('tr.response[data-code="404"]');
    await expect.poll(() => notFound.textContent(), { timeout: 15_000 }).toContain('"reason": "RESOURCE_NOT_FOUND"');
    const row = (await notFound.textContent())!;
    expect(row).toContain('RESOURCE_NOT_FOUND (4001): Resource not found');
    expect(row).toContain('"code": 4001');
    expect(row).toContain('"message": "Resource not found"');
    expect(await operation.locator('tr.response[data-code="500"]').textContent()).toContain(
      '"reason": "UNEXPECTED_ERROR"',
    );
    mkdirSync('docs', { recursive: true });
    await notFound.scrollIntoViewIfNeeded();
    await operation.screenshot({ path: SCREENSHOT });
  });
});
