// The console's revenue view over the real Firestore emulator: only operators get it (ADMIN_EMAILS
// bootstraps the first admin), the figures are the documents the applier wrote, and an instance
// reads them at most once a minute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Timestamp, type Firestore } from '@google-cloud/firestore';
import { createStore, type Store } from '@billing/shared/firestore/store.js';
import { testFirestore } from '@billing/shared/testing/emulator.js';
import { invoiceFixture, subscriptionFixture } from '@billing/shared/testing/revenue-fixtures.js';
import type { RevenueSummary } from '@billing/shared/revenue/revenue-summary.js';
import { createDevIap, type DevIap } from '../auth/dev-iap.js';
import { IAP_HEADER, createIapVerifier } from '../auth/iap-verifier.js';
import { startHarness, type Harness } from '../testing/app-harness.js';
import { REVENUE_CACHE_MS } from './revenue-router.js';

const DAY = 86_400;
let firestore: Firestore;
let store: Store;
let dev: DevIap;
let harness: Harness;
let offsetMs = 0;
const clock = { now: () => Date.now() + offsetMs };

beforeAll(async () => {
  firestore = testFirestore();
  store = createStore(firestore);
  dev = await createDevIap();
  harness = await startHarness({
    firestore,
    verifier: createIapVerifier({ keys: dev.keys, audience: dev.audience }),
    clock,
    adminEmails: ['ops@example.com'],
  });
  const now = Math.floor(Date.now() / 1000);
  await Promise.all([
    store.subscriptions.doc('sub_a').set(subscriptionFixture('sub_a', 'pro_month')),
    store.subscriptions.doc('sub_b').set(subscriptionFixture('sub_b', 'team_year', { status: 'past_due' })),
    store.subscriptions.doc('sub_c').set(subscriptionFixture('sub_c', 'pro_month', { status: 'trialing', cancelAtPeriodEnd: true })),
    store.subscriptions.doc('sub_d').set(subscriptionFixture('sub_d', 'pro_month', { status: 'canceled', endedAt: now - 5 * DAY })),
    store.subscriptions.doc('sub_e').set(subscriptionFixture('sub_e', 'pro_month', { status: 'canceled', endedAt: now - 90 * DAY })),
    store.invoices.doc('in_1').set(invoiceFixture('in_1', { created: now - 2 * DAY, amountPaid: 2_000 })),
    store.invoices.doc('in_2').set(invoiceFixture('in_2', { created: now - 60 * DAY, amountPaid: 100_000 })),
    store.invoices.doc('in_3').set(invoiceFixture('in_3', { created: now - DAY, status: 'open', amountPaid: 0, paymentIssue: 'failed' })),
  ]);
});
afterAll(async () => {
  await harness.close();
  await firestore.terminate();
});

async function getAs(email: string, path: string): Promise<Response> {
  return fetch(`${harness.baseUrl}${path}`, { headers: { [IAP_HEADER]: await dev.sign(email) } });
}

describe('admin revenue view', () => {
  it('refuses anyone without an operator role: the page as HTML, the API as JSON', async () => {
    const page = await getAs('someone@example.com', '/admin');
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('data-code="forbidden"');
    const api = await getAs('someone@example.com', '/api/admin/revenue');
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await fetch(`${harness.baseUrl}/api/admin/revenue`)).status).toBe(401);
  });

  it('answers an admin (whatever the case of the email) with the figures of the stored documents', async () => {
    const res = await getAs('Ops@Example.com', '/api/admin/revenue');
    expect(res.status).toBe(200);
    const summary = (await res.json()) as RevenueSummary;
    expect(summary.mrr).toBe(2_000 + Math.round(100_000 / 12));
    expect(summary.subscriptions).toMatchObject({ paying: 2, pastDue: 1, trialing: 1, scheduledToCancel: 1 });
    expect(summary.byPlan.find((p) => p.planId === 'team')).toMatchObject({ paying: 1, mrr: Math.round(100_000 / 12) });
    expect(summary.churnedInWindow).toBe(1);
    expect(summary.collectedInWindow).toEqual([{ currency: 'usd', amount: 2_000 }]);
    expect(summary.openPaymentIssues).toBe(1);
  });

  it('renders the page with the same figures', async () => {
    const res = await getAs('ops@example.com', '/admin');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('data-testid="mrr">$103.33<');
    expect(page).toContain('data-testid="collected">$20.00<');
  });

  it('reads Firestore at most once a minute per instance', async () => {
    await store.subscriptions.doc('sub_f').set(subscriptionFixture('sub_f', 'pro_month'));
    const mrrNow = async () => ((await (await getAs('ops@example.com', '/api/admin/revenue')).json()) as RevenueSummary).mrr;
    expect(await mrrNow()).toBe(2_000 + Math.round(100_000 / 12));
    offsetMs += REVENUE_CACHE_MS;
    expect(await mrrNow()).toBe(4_000 + Math.round(100_000 / 12));
  });

  it('shows the monthly history from the snapshots, as charts and as a table, with its date', async () => {
    const month = (offset: number) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + offset, 1));
    const id = (d: Date) => d.toISOString().slice(0, 7);
    await store.revenueMonths
      .doc(id(month(-1)))
      .set({ month: id(month(-1)), takenAt: Timestamp.fromDate(month(-1)), currency: 'usd', mrrByAccount: { a: 2_000, b: 2_000 } });
    await store.revenueMonths
      .doc(id(month(0)))
      .set({ month: id(month(0)), takenAt: Timestamp.fromDate(month(0)), currency: 'usd', mrrByAccount: { a: 10_000, c: 2_000 } });
    offsetMs += REVENUE_CACHE_MS;
    const history = (await (await getAs('ops@example.com', '/api/admin/revenue/history')).json()) as {
      months: { month: string; new: number; expansion: number; churn: number; net: number }[];
    };
    expect(history.months).toEqual([
      expect.objectContaining({ month: id(month(-1)), new: 2_000, expansion: 8_000, churn: 2_000, net: 8_000 }),
    ]);
    const page = await (await getAs('ops@example.com', '/admin')).text();
    expect(page).toContain('data-testid="movements-chart"');
    expect(page).toContain('data-testid="mrr-chart"');
    expect(page).toContain(`<tr data-month="${id(month(-1))}">`);
    expect(page).toContain('data-testid="net">$80.00<');
    expect(page).toContain('the latest was taken');
  });

  it('never shows more past-due subscriptions than customers with a payment problem', async () => {
    const summary = (await (await getAs('ops@example.com', '/api/admin/revenue')).json()) as RevenueSummary;
    expect(summary.subscriptions.pastDue).toBe(1);
    expect(summary.paymentProblems).toBe(2); // sub_b past due, and in_3's failed payment
    expect(summary.paymentProblems).toBeGreaterThanOrEqual(summary.subscriptions.pastDue);
  });
});
