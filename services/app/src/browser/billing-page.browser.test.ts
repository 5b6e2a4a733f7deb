// A real browser (Debian's chromium via playwright-core) through the whole user journey: sign in
// on the dev page, subscribe through the stand-in's hosted Checkout, come back to the plan
// active; open the portal, cancel, come back to "Ends on <date>". Per-seat plans, with changes
// confirmed at their previewed cost; API keys; and the admin revenue view, for an ADMIN_EMAILS
// identity only. No screenshots are written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createStore } from '@billing/shared/firestore/store.js';
import { invoiceFixture, subscriptionFixture } from '@billing/shared/testing/revenue-fixtures.js';
import { devSubject } from '../auth/dev-iap.js';
import { formatDate } from '../pages/format.js';
import { launchChromium, signedInContext } from '../testing/browser-session.js';
import { startTestStack, type TestStack } from '../testing/stack.js';

let stack: TestStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startTestStack({ env: { ADMIN_EMAILS: 'ops@example.com' } });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** A fresh browser context signed in on the dev sign-in page, on /billing. */
const signedIn = (email: string) => signedInContext(browser, stack.baseUrl, email);

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

    const billing = (await stack.firestore.doc(`accounts/${devSubject(email)}`).get()).get('billing') as { cancelAtPeriodEnd: boolean; cancelAt: number | null; currentPeriodEnd: number };
    expect(billing.cancelAtPeriodEnd).toBe(true);
    expect(await page.textContent('[data-testid=ends-on]')).toBe(`Ends on ${formatDate(billing.cancelAt ?? billing.currentPeriodEnd)}`);
    expect(await page.isVisible('button[data-action=resume]')).toBe(true);
    await page.close();
  }, 90_000);

  it('buys the seats chosen on a plan priced per seat, then changes them', async () => {
    const email = 'gus@example.com';
    const { context, page } = await signedIn(email);

    await page.fill('[data-plan=team] input[name=seats]', '3');
    await page.click('button[data-action=checkout][data-lookup-key=team_month]');
    await page.waitForURL(/\/_stand-in\/checkout\//);
    await page.click('#pay');
    await page.waitForURL(`${stack.baseUrl}/billing?checkout=success`);
    expect(await page.textContent('[data-testid=plan-name]')).toBe('Team');
    expect(await page.textContent('[data-testid=plan-price]')).toMatch(/^\$300\.00 \/ month \(3 seats × \$100\.00\)/);

    // Each change is confirmed with its previewed cost: during the trial, nothing until it ends.
    const customerId = (await stack.firestore.doc(`accounts/${devSubject(email)}`).get()).get('stripeCustomerId') as string;
    const subscription = () => stack.standIn.subscriptionsOf(customerId)[0];
    const trialEnds = formatDate(subscription()?.trial_end ?? 0);
    let question = '';
    page.once('dialog', (dialog) => {
      question = dialog.message();
      void dialog.dismiss();
    });
    await page.click('[data-plan=team] button[data-action=change-plan][data-lookup-key=team_year]');
    await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-plan=team] button[data-lookup-key=team_year]')?.disabled);
    expect(question).toBe(`Switch to Team at $1,000.00 / seat / year now? Nothing is charged for the change before your next invoice on ${trialEnds}.`);
    expect(subscription()?.items.data.map((i) => i.price.id)).toContain('price_team_month'); // dismissed: unchanged

    page.once('dialog', (dialog) => {
      question = dialog.message();
      void dialog.accept();
    });
    await page.fill('[data-testid=seats-form] input[name=seats]', '4');
    await Promise.all([page.waitForEvent('load'), page.click('[data-testid=seats-form] button[type=submit]')]);
    expect(question).toBe(`Change to 4 seats now? Nothing is charged for the change before your next invoice on ${trialEnds}.`);
    expect(await page.inputValue('[data-testid=seats-form] input[name=seats]')).toBe('4');
    expect(subscription()?.items.data.find((i) => i.price.id === 'price_team_month')?.quantity).toBe(4);
    await context.close();
  }, 60_000);

  it('creates an API key that works, shows its secret once, renames and revokes it', async () => {
    const email = 'erin@example.com';
    const { context, page } = await signedIn(email);
    const ping = (key: string) => fetch(`${stack.baseUrl}/v1/ping`, { headers: { authorization: `Bearer ${key}` } });

    await page.fill('form.create-key input[name=name]', 'CI server');
    await page.click('form.create-key button[type=submit]');
    await page.waitForSelector('[data-testid=new-key]:not([hidden])');
    const secret = (await page.textContent('[data-testid=new-key-secret]')) ?? '';
    expect(await page.textContent('[data-testid=new-key] [data-role=new-key-name]')).toBe('CI server');
    expect(await page.isVisible('form.create-key')).toBe(false);
    expect((await ping(secret)).status).toBe(200);

    // "Done" reloads: the key is listed by its prefix, and its secret is nowhere in the page.
    await Promise.all([page.waitForEvent('load'), page.click('[data-role=done-key]')]);
    const row = page.locator('[data-testid=api-keys] tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.locator('td').first().textContent()).toBe('CI server');
    expect(secret.startsWith(((await row.locator('code').textContent()) ?? '').replace('…', ''))).toBe(true);
    expect(await page.content()).not.toContain(secret);

    page.once('dialog', (dialog) => void dialog.accept('deploy bot'));
    await Promise.all([page.waitForEvent('load'), page.click('button[data-action=rename-key]')]);
    expect(await row.locator('td').first().textContent()).toBe('deploy bot');

    let confirmation = '';
    page.once('dialog', (dialog) => {
      confirmation = dialog.message();
      void dialog.accept();
    });
    await Promise.all([page.waitForEvent('load'), page.click('button[data-action=revoke-key]')]);
    expect(confirmation).toContain('"deploy bot"');
    expect(await row.count()).toBe(0);
    expect((await ping(secret)).status).toBe(401);
    await context.close();
  }, 60_000);

  it("says in the API keys section why a key action failed, and changes nothing", async () => {
    const email = 'frank@example.com';
    const created = (await (await stack.as(email, '/api/keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'old laptop' }) })).json()) as { id: string };
    const { context, page } = await signedIn(email);
    // Revoked elsewhere (another tab, a teammate) after this page was rendered.
    expect((await stack.as(email, `/api/keys/${created.id}`, { method: 'DELETE', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(204);

    page.once('dialog', (dialog) => void dialog.accept('new laptop'));
    await page.click('button[data-action=rename-key]');
    const flash = page.locator('section.api-keys [data-role=flash]');
    await flash.waitFor({ state: 'visible' });
    expect(await flash.textContent()).toMatch(/API key not found/i);
    expect(await page.isEnabled('button[data-action=rename-key]')).toBe(true);
    const keys = (await (await stack.as(email, '/api/keys')).json()) as { keys: unknown[] };
    expect(keys.keys).toEqual([]);
    await context.close();
  }, 60_000);

  it('shows an admin the revenue view, and refuses it to everyone else', async () => {
    const store = createStore(stack.firestore);
    await store.subscriptions.doc('sub_admin_view').set(subscriptionFixture('sub_admin_view', 'team_month'));
    await store.invoices.doc('in_admin_view').set(invoiceFixture('in_admin_view', { amountPaid: 10_000 }));

    const signInAndOpen = async (email: string) => {
      const { context, page } = await signedIn(email);
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
