// The operator console in a real browser (Debian's chromium via playwright-core) on the full local
// stack: an admin (bootstrapped by ADMIN_EMAILS) finds a customer by email, opens it, grants an
// override and sets the subscription to cancel with the page's plain forms, cancels now through the
// confirmation step, names a viewer who then sees the same pages without any action; every console
// page fits a desktop and a phone without sideways scrolling. No screenshots are written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Timestamp } from '@google-cloud/firestore';
import { createStore } from '@billing/shared/firestore/store.js';
import { launchChromium, signedInContext } from '../testing/browser-session.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

const ADMIN = 'ops-browser@example.com';
const VIEWER = 'viewer-browser@example.com';
const CUSTOMER = 'gina-console@example.com';

let stack: TestStack;
let browser: Browser;
let accountId = '';

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMIN_EMAILS: ADMIN } });
  browser = await launchChromium();
  // Gina subscribes to Pro through the stand-in's Checkout.
  const checkout = (await (await stack.as(CUSTOMER, '/api/checkout', json({ lookupKey: 'pro_month' }))).json()) as { url: string };
  const sessionId = /\/(cs_[A-Za-z0-9_]+)/.exec(checkout.url)?.[1] ?? '';
  stack.standIn.completeCheckout(sessionId);
  expect((await stack.as(CUSTOMER, `/billing/success?session_id=${sessionId}`)).status).toBe(303);
  accountId = ((await (await stack.as(CUSTOMER, '/api/me')).json()) as { account: { id: string } }).account.id;
  // A year of monthly snapshots, so the revenue page draws its charts.
  const store = createStore(stack.firestore);
  const now = new Date();
  for (let i = 12; i >= 0; i--) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    const mrrByAccount: Record<string, number> = {};
    for (let a = 0; a < 13 - i; a++) mrrByAccount[`acct_${a}`] = 2_000 + (a % 3) * 1_000 * (i % 2);
    await store.revenueMonths
      .doc(start.toISOString().slice(0, 7))
      .set({ month: start.toISOString().slice(0, 7), takenAt: Timestamp.fromDate(start), currency: 'usd', mrrByAccount });
  }
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** The document is no wider than the viewport at a desktop and a phone width (tables scroll inside their own box). */
async function fitsDesktopAndPhone(page: Page): Promise<void> {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 844 });
    const documentWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(documentWidth, `${page.url()} at ${width} px`).toBeLessThanOrEqual(width);
  }
  await page.setViewportSize({ width: 1280, height: 844 });
}

const submit = (page: Page, selector: string) => Promise.all([page.waitForEvent('load'), page.click(selector)]);

describe('the operator console in a browser', () => {
  it('lets an admin find a customer and act on it with plain forms', async () => {
    const { page, context } = await signedInContext(browser, stack.baseUrl, ADMIN, '/admin/customers');
    await fitsDesktopAndPhone(page);
    await page.fill('input[name=q]', 'gina-console@');
    await submit(page, '.filters button[type=submit]');
    const rows = page.locator('[data-testid=customers] tbody tr[data-account]');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-account')).toBe(accountId);
    await submit(page, `[data-testid=customers] a[href="/admin/customers/${encodeURIComponent(accountId)}"]`);
    await fitsDesktopAndPhone(page);
    expect(await page.getAttribute('[data-testid=stripe-link]', 'href')).toMatch(
      /^https:\/\/dashboard\.stripe\.com\/test\/customers\/cus_/,
    );

    // Grant SSO for 30 days.
    await page.selectOption('form[action$="/overrides"] select[name=kind]', 'feature');
    await page.selectOption('form[action$="/overrides"] select[name=feature]', 'sso');
    await page.fill('form[action$="/overrides"] input[name=reason]', 'pilot');
    await submit(page, 'form[action$="/overrides"] button[type=submit]');
    expect(await page.textContent('[data-testid=done]')).toBe('Override granted.');
    expect(await page.locator('[data-testid=overrides] tr[data-override]').count()).toBe(1);

    // Cancel at period end, then cancel now through the confirmation page.
    await submit(page, 'form[action$="/cancel-at-period-end"] button[type=submit]');
    expect(await page.textContent('[data-testid=done]')).toBe('Set to cancel at the end of the period.');
    await submit(page, 'form[action$="/cancel-now"] button[type=submit]');
    expect(await page.isVisible('[data-testid=confirm-cancel]')).toBe(true);
    await fitsDesktopAndPhone(page);
    await submit(page, '[data-testid=confirm-cancel] button[type=submit]');
    expect(await page.textContent('[data-testid=done]')).toBe('Canceled now.');
    const timeline = await page.textContent('[data-testid=timeline]');
    for (const action of ['override.granted', 'subscription.cancel_at_period_end', 'subscription.canceled_now'])
      expect(timeline).toContain(action);

    for (const path of ['/admin', '/admin/invoices', '/admin/pipeline', '/admin/audit', '/admin/operators']) {
      await page.goto(`${stack.baseUrl}${path}`);
      await fitsDesktopAndPhone(page);
    }
    // The revenue page's charts: twelve months of movements, drawn within the page at both widths.
    await page.goto(`${stack.baseUrl}/admin`);
    expect(await page.locator('[data-testid=movements] tbody tr').count()).toBe(12);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      for (const chart of ['mrr-chart', 'movements-chart']) {
        const box = await page.locator(`[data-testid=${chart}] > svg`).boundingBox();
        expect(box?.width ?? 0, `${chart} at ${width} px`).toBeGreaterThan(200);
        expect((box?.x ?? 0) + (box?.width ?? 0), `${chart} at ${width} px`).toBeLessThanOrEqual(width);
      }
    }
    await page.goto(`${stack.baseUrl}/admin/operators`);
    // Name a viewer from the operators page.
    await page.fill('[data-testid=add-operator] input[name=email]', VIEWER);
    await page.selectOption('[data-testid=add-operator] select[name=role]', 'viewer');
    await submit(page, '[data-testid=add-operator] button[type=submit]');
    expect(await page.locator(`[data-testid=operators] tr[data-operator="${VIEWER}"]`).count()).toBe(1);
    await context.close();
  });

  it('shows a viewer the customer without any action, and refuses them role management with a page', async () => {
    const { page, context } = await signedInContext(browser, stack.baseUrl, VIEWER, `/admin/customers/${encodeURIComponent(accountId)}`);
    expect(await page.isVisible('[data-testid=timeline]')).toBe(true);
    expect(await page.locator('form.action').count()).toBe(0);
    expect(await page.locator('nav a[href="/admin/operators"]').count()).toBe(0);
    const refused = await page.goto(`${stack.baseUrl}/admin/operators`);
    expect(refused?.status()).toBe(403);
    expect(await page.textContent('[data-testid=console-error] h1')).toBe('Not allowed');
    await fitsDesktopAndPhone(page);
    await context.close();
  });
});
