// The billing page's usage in a real browser (Debian's chromium via playwright-core), on the full
// local stack (Firestore emulator, Stripe stand-in): the daily chart drawn from the counters' days,
// the figures and the chart refreshed by the page's 30-second poll without a reload (the page's
// clock is Playwright's, fast-forwarded: no test waits 30 s), and an operator's overrides, granted
// in the console, shown to the customer where the usage bar and the plan are. No screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { devSubject } from '../auth/dev-iap.js';
import { formatDay } from '../pages/billing-page-daily.js';
import { formatDate } from '../pages/format.js';
import { launchChromium, seriousAxeViolations, signedInContext } from '../testing/browser-session.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

const OPERATOR = 'ops-usage@example.com';
let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMIN_EMAILS: OPERATOR } });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** `n` analyses through the app's API (the IAP path), each admitted and counted like a customer's. */
async function analyses(email: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect((await stack.as(email, '/v1/analyses', json({ input: 'x' }))).status).toBe(201);
}

/** Today's UTC day, as the counters key it. */
const today = () => new Date().toISOString().slice(0, 10);

/** The analyses row's figures as the page shows them now. */
async function analysesRow(page: Page) {
  const row = page.locator('.usage-row[data-feature=analyses]');
  const chart = row.locator('figure[data-role=daily]');
  return {
    count: await row.locator('[data-role=count]').textContent(),
    level: await row.getAttribute('data-level'),
    bar: await row.locator('progress').getAttribute('value'),
    barLabel: await row.locator('progress').getAttribute('aria-label'),
    days: await chart.locator('svg rect.day').evaluateAll((rects) => rects.map((r) => r.getAttribute('data-day'))),
    todayHeight: Number(await chart.locator(`svg rect.day[data-day="${today()}"]`).getAttribute('height')),
    todayRow: await chart.locator('table tbody tr').last().textContent(),
    summary: await chart.locator('figcaption').textContent(),
  };
}

/** Every UTC day of this calendar month up to today (a free account's quota month). */
function monthSoFar(): string[] {
  const now = new Date();
  return Array.from({ length: now.getUTCDate() }, (_, i) => `${now.toISOString().slice(0, 8)}${String(i + 1).padStart(2, '0')}`);
}

describe('usage on the billing page', () => {
  it('draws a chart of the month’s days and refreshes it, the bar and the numbers every 30 s without a reload', async () => {
    const email = 'una-usage@example.com';
    await stack.as(email, '/api/me');
    await analyses(email, 2);
    const { context, page } = await signedInContext(browser, stack.baseUrl, email);
    // The page's timers run on Playwright's clock from here (installed before its script runs), then
    // stand still 10 s after t0: the page loaded and set its 30 s poll within [t0, t0 + 10 s).
    const t0 = Date.now();
    await page.clock.install({ time: t0 });
    await page.reload();
    await page.clock.pauseAt(t0 + 10_000);
    await page.evaluate(() => Object.assign(window, { loadedOnce: true })); // gone if the page reloads

    const before = await analysesRow(page);
    expect(before).toMatchObject({ count: '2 / 10', level: 'ok', bar: '20', barLabel: "Analyses: 20% of this month's quota used" });
    expect(before.days).toEqual(monthSoFar()); // every day of the month so far, the days without usage drawn at zero
    expect(before.todayHeight).toBe(40); // today is the busiest day: the full height
    expect(before.todayRow).toBe(`${formatDay(today())}2`);
    expect(before.summary).toMatch(/^Per day, .+: busiest .+, 2$/);
    expect(await page.locator('[data-testid=upgrade-quota]').count()).toBe(0);
    for (const day of monthSoFar().slice(0, -1))
      expect(await page.locator(`.usage-row[data-feature=analyses] rect.day[data-day="${day}"]`).getAttribute('height')).toBe('0');

    // Six more analyses: 8 of 10, amber. The page does not know until its next poll.
    await analyses(email, 6);
    await page.clock.runFor(19_000); // t0 + 29 s: no poll yet
    expect((await analysesRow(page)).count).toBe('2 / 10');
    await page.clock.runFor(11_000); // t0 + 40 s: the poll, 30 s after the page loaded, has run
    await expect.poll(async () => (await analysesRow(page)).count).toBe('8 / 10');
    expect(await analysesRow(page)).toMatchObject({
      level: 'warn',
      bar: '80',
      barLabel: "Analyses: 80% of this month's quota used",
      todayHeight: 40,
      todayRow: `${formatDay(today())}8`,
      days: monthSoFar(),
    });

    // Two more: the quota used up, red, on the next poll.
    await analyses(email, 2);
    await page.clock.fastForward(30_000);
    await expect.poll(async () => (await analysesRow(page)).level).toBe('full');
    expect(await analysesRow(page)).toMatchObject({ count: '10 / 10', bar: '100', todayRow: `${formatDay(today())}10` });
    const upgrade = page.locator('.usage-row[data-feature=analyses] [data-testid=upgrade-quota]');
    expect(await upgrade.getAttribute('aria-label')).toBe('Upgrade for more analyses');
    expect(await upgrade.getAttribute('href')).toBe('#plans');
    expect(await page.evaluate(() => 'loadedOnce' in window)).toBe(true); // all without a reload
    await page.clock.resume(); // axe-core waits on timers of its own
    expect(await seriousAxeViolations(page)).toEqual([]);
    await context.close();
  }, 90_000);

  it('shows the customer an operator’s raised quota and granted feature, with until when, as the access decision applies them', async () => {
    const email = 'vic-usage@example.com';
    const accountId = devSubject(email);
    await stack.as(email, '/api/me');
    const grant = (body: Record<string, unknown>) =>
      stack.as(OPERATOR, `/api/admin/customers/${encodeURIComponent(accountId)}/overrides`, json(body));
    expect((await stack.as(email, '/api/reports/advanced')).status).toBe(402); // not on the Free plan

    expect(
      (await grant({ kind: 'quota', feature: 'analyses', limit: 50_000, days: 10, reason: 'pilot', requestId: 'usage-quota-1' })).status,
    ).toBe(200);
    expect(
      (await grant({ kind: 'feature', feature: 'advanced_analytics', days: 5, reason: 'pilot', requestId: 'usage-feature-1' })).status,
    ).toBe(200);
    // The access decision and the quota follow the grant (through the app's account listener).
    await expect.poll(async () => (await stack.as(email, '/api/reports/advanced')).status).toBe(200);
    const me = (await (await stack.as(email, '/api/me')).json()) as { overrides: { kind: string; expiresAt: number }[] };
    const until = (kind: string) => me.overrides.find((o) => o.kind === kind)?.expiresAt ?? 0;
    expect(until('quota')).toBeGreaterThan(Date.now() / 1000 + 9 * 86_400);
    expect(until('feature')).toBeGreaterThan(Date.now() / 1000 + 4 * 86_400);
    await analyses(email, 11); // past the plan's 10
    const { context, page } = await signedInContext(browser, stack.baseUrl, email);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      const row = page.locator('.usage-row[data-feature=analyses]');
      expect(await row.locator('[data-role=count]').textContent()).toBe('11 / 50,000');
      expect(await row.locator('[data-testid=quota-override]').textContent()).toBe(
        `Limit raised to 50,000 by support until ${formatDate(until('quota'))} (your plan: 10).`,
      );
      expect(await page.textContent('[data-testid=feature-overrides] li')).toBe(
        `Advanced analytics: included by support until ${formatDate(until('feature'))}`,
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      expect(await seriousAxeViolations(page)).toEqual([]);
    }
    await context.close();
  }, 90_000);
});
