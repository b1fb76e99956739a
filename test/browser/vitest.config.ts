import { defineConfig } from 'vitest/config';

/** `npm run test:browser`: checks in headless Chromium, kept out of `npm test` (which needs no browser). */
export default defineConfig({
  test: {
    globals: true,
    root: './',
    include: ['test/browser/**/*.browser.ts'],
    testTimeout: 60_000,
    // Building and starting the sample, then Chromium, takes a while on a busy two-core machine.
    hookTimeout: 180_000,
  },
});
