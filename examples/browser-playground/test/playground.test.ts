import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildPlayground, ensureResultsDirectory, launchChromium, missingBrowserReason, serveFolder, skipBrowser } from './harness.js';

const missing = missingBrowserReason();

describe.skipIf(skipBrowser)('the playground in headless Chromium', () => {
  let page: Page;
  let closeAll: () => Promise<void> = async () => {};

  beforeAll(async () => {
    if (missing !== undefined) throw new Error(missing);
    const folder = await buildPlayground();
    const server = await serveFolder(folder);
    const chromium = await launchChromium();
    closeAll = async () => {
      await chromium.close();
      await server.close();
    };
    page = await chromium.context.newPage();
    page.on('console', (message) => console.log(`[page ${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
    await page.goto(server.url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  }, 240_000);

  afterAll(async () => {
    await closeAll();
  });

  it('should run on webgl and wasm', async () => {
    ensureResultsDirectory();
    for (const name of ['webgl', 'wasm', 'cpu'] as const) {
      const result = await page.evaluate((backend) => (window as any).normfreePlayground.probe(backend), name);
      console.log(JSON.stringify(result));
      expect(result.value).toEqual([11]);
    }
  });
});
