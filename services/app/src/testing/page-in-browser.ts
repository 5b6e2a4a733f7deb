// Server-rendered pages read back in a real browser (Debian's chromium through playwright-core),
// with the app's own stylesheet, for tests of what a page says and how it lays out. Scripts and
// the stylesheet link are not fetched: the CSS file is added to the page directly.
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser-session.js';

const CSS = fileURLToPath(new URL('../../public/app.css', import.meta.url));

export interface PageBrowser {
  /** Loads one rendered document into the (single, reused) page at the given viewport width. */
  show(document: string, width?: number): Promise<Page>;
  close(): Promise<void>;
}

async function openPageBrowser(): Promise<PageBrowser> {
  const browser: Browser = await launchChromium();
  const page = await browser.newPage();
  return {
    async show(document, width = 1280) {
      await page.setViewportSize({ width, height: 844 });
      await page.setContent(document.replace(/<script[^>]*><\/script>/g, ''));
      await page.addStyleTag({ path: CSS });
      return page;
    },
    close: () => browser.close(),
  };
}

/** The page is no wider than its viewport: nothing makes the reader scroll sideways. */
export const scrollWidth = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollWidth);

/** One browser for the calling test file: opened before its tests, closed after them. */
export function pageBrowserForFile(): () => PageBrowser {
  let browser: PageBrowser | undefined;
  beforeAll(async () => {
    browser = await openPageBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the page browser opens in beforeAll');
    return browser;
  };
}
