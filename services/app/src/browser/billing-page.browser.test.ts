// A real browser (Debian's chromium via playwright-core) through the whole user journey: sign in
// on the dev page, subscribe through the stand-in's hosted Checkout, come back to the plan
// active; open the portal, cancel, come back to "Ends on <date>". And the admin revenue view, for
// an ADMIN_EMAILS identity only. No screenshots are written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { createBillingStore } from '@billing/shared/billing/billing-store.js';
import { invoiceFixture, subscriptionFixture } from '@billing/shared/testing/revenue-fixtures.js';
import { devSubject } from '../auth/dev-iap.js';
import { formatDate } from '../pages/format.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMIN_EMAILS: 'ops@example.com' } });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('billing page in a browser', () => {
  it('signs in, subscribes through Checkout, cancels in the portal and shows the end date', async () => {
    const email = 'carol@example.com';
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);

    await page.goto(`${stack.baseUrl}/billing`);
    expect(new URL(page.url()).pathname).toBe('/dev/sign-in');
    await page.fill('input[name=email]', email);
    await page.click('button[type=submit]');
    await page.waitForURL(`${stack.baseUrl}/billing`);
    expect(await page.textContent('[data-testid=plan-name]')).toBe('Free');

    await page.click('button[data-action=checkout][data-lookup-key=pro_month]');
    await page.waitForURL(/\/_stand-in\/checkout\//);
    await page.click('#pay');
    await page.waitForURL(`${stack.baseUrl}/billing?checkout=success`);
    expect(await page.textContent('[data-testid=plan-name]')).toBe('Pro');
    expect(await page.textContent('[data-testid=plan-status]')).toBe('Trial');
    expect(await page.textContent('[data-testid=trial]')).toMatch(/^Trial ends on /);

    await page.click('section.current button[data-action=portal]');
    await page.waitForURL(/\/_stand-in\/portal\//);
    await page.click('button.cancel');
    await page.waitForSelector('button.renew');
    await page.click('#return');
    await page.waitForURL(`${stack.baseUrl}/billing`);

    const billing = (await stack.firestore.doc(`users/${devSubject(email)}`).get()).get('billing') as { cancelAtPeriodEnd: boolean; cancelAt: number | null; currentPeriodEnd: number };
    expect(billing.cancelAtPeriodEnd).toBe(true);
    expect(await page.textContent('[data-testid=ends-on]')).toBe(`Ends on ${formatDate(billing.cancelAt ?? billing.currentPeriodEnd)}`);
    expect(await page.isVisible('button[data-action=resume]')).toBe(true);
    await page.close();
  }, 90_000);

  it('shows an admin the revenue view, and refuses it to everyone else', async () => {
    const store = createBillingStore(stack.firestore);
    await store.subscriptions.doc('sub_admin_view').set(subscriptionFixture('sub_admin_view', 'team_month'));
    await store.invoices.doc('in_admin_view').set(invoiceFixture('in_admin_view', { amountPaid: 10_000 }));

    const signInAndOpen = async (email: string) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${stack.baseUrl}/billing`);
      await page.fill('input[name=email]', email);
      await page.click('button[type=submit]');
      await page.waitForURL(`${stack.baseUrl}/billing`);
      const adminLink = await page.isVisible('[data-testid=admin-link]');
      const response = await page.goto(`${stack.baseUrl}/admin`);
      return { context, page, status: response?.status(), adminLink };
    };

    const admin = await signInAndOpen('ops@example.com');
    expect(admin.adminLink).toBe(true);
    expect(admin.status).toBe(200);
    // Trials (the other test's subscription) pay nothing yet: only the Team subscription is MRR.
    expect(await admin.page.textContent('[data-testid=mrr]')).toBe('$100.00');
    expect(await admin.page.textContent('[data-testid=arr]')).toBe('$1,200.00');
    expect(await admin.page.textContent('[data-testid=collected]')).toContain('$100.00');
    expect(await admin.page.textContent('[data-testid=by-plan] tr[data-plan=team] td:nth-child(2)')).toBe('1');
    await admin.context.close();

    const someone = await signInAndOpen('dave@example.com');
    expect(someone.adminLink).toBe(false);
    expect(someone.status).toBe(403);
    expect(await someone.page.textContent('body')).toContain('administrators');
    await someone.context.close();
  }, 60_000);
});
