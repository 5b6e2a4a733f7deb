// The browser tests' shared steps: Debian's chromium launched headless (playwright-core drives it,
// nothing is downloaded), and a fresh browser context signed in on the app's dev sign-in page.
import { expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A fresh context that opens `path`, is sent to the dev sign-in page, signs in as `email` and comes back. */
export async function signedInContext(
  browser: Browser,
  baseUrl: string,
  email: string,
  path = '/billing',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${baseUrl}${path}`);
  expect(new URL(page.url()).pathname).toBe('/dev/sign-in');
  await page.fill('input[name=email]', email);
  await page.click('button[type=submit]');
  await page.waitForURL(`${baseUrl}${path}`);
  return { context, page };
}
