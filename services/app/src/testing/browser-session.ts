// The browser tests' shared steps: Debian's chromium launched headless (playwright-core drives it,
// nothing is downloaded), a fresh browser context signed in on the app's dev sign-in page, and
// axe-core's accessibility check of a page.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

const AXE_PATH = fileURLToPath(new URL('../../../../node_modules/axe-core/axe.min.js', import.meta.url));
/** axe-core's source, read on the first check (a test file that only signs in never reads it). */
let axeSource: string | undefined;

/**
 * axe-core's serious and critical violations on the page as shown (id and first node each). axe is
 * evaluated in the page rather than added as a script tag, so the app's CSP does not refuse it.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(AXE_PATH, 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    return (await axe.run(document)).violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${JSON.stringify(v.nodes[0]?.target)}`);
  });
}
