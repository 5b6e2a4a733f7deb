import { describe, expect, it } from 'vitest';
import { invoiceFixture, subscriptionFixture } from '../testing/revenue-fixtures.js';
import { exactAmount } from './exact-amount.js';
import { annualAmount, computeRevenueSummary } from './revenue-summary.js';

const now = 1_800_000_000;
const day = 86_400;
const empty = { current: [], endedInWindow: [], invoicesInWindow: [], invoicesWithIssue: [], now };

describe('annualAmount', () => {
  it('normalises the price of the licensed item to a year, exactly, times its quantity', () => {
    expect(annualAmount(subscriptionFixture('a', 'pro_month'))).toEqual({
      planId: 'pro',
      amount: exactAmount(2_000 * 12),
      currency: 'usd',
      quantity: 1,
    });
    expect(annualAmount(subscriptionFixture('b', 'pro_year'))?.amount).toEqual(exactAmount(20_000));
    expect(annualAmount(subscriptionFixture('c', 'pro_week'))?.amount).toEqual(exactAmount(500 * 52));
    expect(annualAmount(subscriptionFixture('d', 'pro_day'))?.amount).toEqual(exactAmount(100 * 365));
    expect(annualAmount(subscriptionFixture('e', 'team_month', {}, 3))).toEqual({
      planId: 'team',
      amount: exactAmount(30_000 * 12),
      currency: 'usd',
      quantity: 3,
    });
    expect(
      annualAmount(subscriptionFixture('f', 'pro_month', {}, 1, { unitAmount: 5_400, interval: 'month', intervalCount: 3 }))?.amount,
    ).toEqual(exactAmount(21_600));
    // Every 7 months: 12/7 of the price a year, kept as that fraction rather than 1714.2857…
    expect(
      annualAmount(subscriptionFixture('g', 'pro_month', {}, 1, { unitAmount: 1_000, interval: 'month', intervalCount: 7 }))?.amount,
    ).toEqual({ numerator: 12_000n, denominator: 7n });
  });

  it('counts the price Stripe sent (a subscriber kept on an old price), and the catalog only when no amount is stored', () => {
    expect(annualAmount(subscriptionFixture('a', 'pro_month', {}, 1, { unitAmount: 1_500 }))).toEqual({
      planId: 'pro',
      amount: exactAmount(18_000),
      currency: 'usd',
      quantity: 1,
    });
    const legacy = subscriptionFixture('b', 'pro_month', {}, 1, { unitAmount: null, currency: null, interval: null });
    expect(annualAmount(legacy)).toEqual({ planId: 'pro', amount: exactAmount(24_000), currency: 'usd', quantity: 1 });
    expect(annualAmount(subscriptionFixture('c', null, {}, 1, { unitAmount: 4_200, currency: 'usd', interval: 'month' }))).toEqual({
      planId: null,
      amount: exactAmount(50_400),
      currency: 'usd',
      quantity: 1,
    });
    expect(annualAmount(subscriptionFixture('d', null))).toBeNull();
  });

  it('puts a custom price (no catalog lookup key) under the plan the applier stored for it', () => {
    const custom = subscriptionFixture('a', null, { planId: 'enterprise' }, 1, { unitAmount: 750_000, currency: 'usd', interval: 'year' });
    expect(annualAmount(custom)).toEqual({ planId: 'enterprise', amount: exactAmount(750_000), currency: 'usd', quantity: 1 });
    const summary = computeRevenueSummary({
      ...empty,
      current: [custom, subscriptionFixture('b', null, { planId: 'free' }, 1, { unitAmount: 100, currency: 'usd', interval: 'month' })],
    });
    expect(summary.byPlan.find((p) => p.planId === 'enterprise')).toMatchObject({ paying: 1, mrr: 62_500 });
    expect(summary.outsideCatalog).toEqual({ paying: 1, mrr: 100 }); // free has no prices, so no row
  });

  it('ignores metered items', () => {
    const team = subscriptionFixture('a', 'team_month');
    const metered = {
      ...team.items[0]!,
      itemId: 'si_m',
      priceId: 'price_team_api_calls',
      lookupKey: 'team_api_calls',
      metered: true,
      quantity: 0,
      unitAmount: null,
    };
    expect(annualAmount({ ...team, items: [metered, ...team.items] })).toEqual({
      planId: 'team',
      amount: exactAmount(120_000),
      currency: 'usd',
      quantity: 1,
    });
  });
});

describe('exact ARR and MRR, rounded only for display', () => {
  const yearly = (id: string, unitAmount: number, over: Parameters<typeof subscriptionFixture>[2] = {}) =>
    subscriptionFixture(id, null, { planId: 'enterprise', ...over }, 1, { unitAmount, currency: 'usd', interval: 'year' });

  it('a $2,000/year subscription is an ARR of $2,000.00 (not $166.67 × 12 = $2,000.04) and an MRR of $166.67', () => {
    const summary = computeRevenueSummary({ ...empty, current: [yearly('a', 200_000)] });
    expect(summary.arr).toBe(200_000);
    expect(summary.mrr).toBe(16_667);
    expect(summary.byPlan.find((p) => p.planId === 'enterprise')?.mrr).toBe(16_667);
  });

  it('sums a mix of intervals exactly, then rounds once', () => {
    const current = [
      yearly('a', 200_000), // 200,000 a year
      subscriptionFixture('b', 'pro_month'), // 2,000 × 12 = 24,000
      subscriptionFixture('c', 'pro_week'), // 500 × 52 = 26,000
      subscriptionFixture('d', 'pro_day'), // 100 × 365 = 36,500
      subscriptionFixture('e', 'team_month', {}, 3), // 30,000 × 12 = 360,000
      // three every-7-months prices of 1,000: 3 × 12,000 / 7 = 5,142.857… (rounded one by one: 5,142)
      ...['f', 'g', 'h'].map((id) =>
        subscriptionFixture(id, null, {}, 1, { unitAmount: 1_000, currency: 'usd', interval: 'month', intervalCount: 7 }),
      ),
      yearly('i', 100_001, { planId: null }), // outside the catalog: 100,001 a year, 8,333.4166… a month
    ];
    const summary = computeRevenueSummary({ ...empty, current });
    const exactYearly = 200_000 + 24_000 + 26_000 + 36_500 + 360_000 + 36_000 / 7 + 100_001; // 751,643.857…
    expect(summary.arr).toBe(751_644);
    expect(summary.arr).toBe(Math.round(exactYearly));
    expect(summary.mrr).toBe(62_637); // 751,643.857… / 12 = 62,636.988…
    expect(summary.outsideCatalog).toEqual({ paying: 4, mrr: 8_762 }); // (36,000 / 7 + 100,001) / 12 = 8,761.988…
    expect(summary.byPlan.find((p) => p.planId === 'pro')?.mrr).toBe(7_208); // (24,000 + 26,000 + 36,500) / 12 = 7,208.33…
    expect(summary.byPlan.find((p) => p.planId === 'team')?.mrr).toBe(30_000);
    expect(summary.byPlan.find((p) => p.planId === 'enterprise')?.mrr).toBe(16_667);
  });
});

describe('computeRevenueSummary', () => {
  it('counts MRR from paying subscriptions only, per plan, and every current status apart', () => {
    const summary = computeRevenueSummary({
      ...empty,
      current: [
        subscriptionFixture('a', 'pro_month'),
        subscriptionFixture('b', 'pro_year', { status: 'past_due' }),
        subscriptionFixture('c', 'team_month', { cancelAtPeriodEnd: true }, 2),
        subscriptionFixture('d', 'pro_month', { status: 'trialing' }),
        subscriptionFixture('e', 'team_month', { status: 'paused' }),
        subscriptionFixture('f', 'pro_month', { status: 'unpaid', cancelAt: now + day }),
        subscriptionFixture('g', null),
        subscriptionFixture('h', 'pro_month', {}, 1, { currency: 'eur' }),
        subscriptionFixture('i', null, {}, 1, { unitAmount: 4_200, currency: 'usd', interval: 'month' }),
      ],
    });
    const proMrr = 2_000 + 20_000 / 12;
    expect(summary.mrr).toBe(Math.round(proMrr + 20_000 + 4_200));
    expect(summary.arr).toBe(Math.round(proMrr * 12 + 20_000 * 12 + 4_200 * 12)); // 2,000 × 12 + 20,000 + …, exactly
    expect(summary.arr).toBe(2_000 * 12 + 20_000 + 240_000 + 50_400);
    expect(summary.subscriptions).toEqual({ paying: 6, trialing: 1, pastDue: 1, paused: 1, unpaid: 1, scheduledToCancel: 2, unpriced: 2 });
    expect(summary.outsideCatalog).toEqual({ paying: 1, mrr: 4_200 });
    expect(summary.byPlan).toEqual([
      { planId: 'pro', planName: 'Pro', paying: 2, trialing: 1, seats: null, mrr: Math.round(proMrr) },
      { planId: 'team', planName: 'Team', paying: 1, trialing: 0, seats: 2, mrr: 20_000 }, // per seat: c pays for 2 (e is paused)
      { planId: 'enterprise', planName: 'Enterprise', paying: 0, trialing: 0, seats: null, mrr: 0 },
    ]);
  });

  it('sums paid invoices of the window per currency, counts churn in the window and open payment issues', () => {
    const summary = computeRevenueSummary({
      ...empty,
      endedInWindow: [
        subscriptionFixture('x', 'pro_month', { status: 'canceled', endedAt: now - 2 * day }),
        subscriptionFixture('y', 'pro_month', { status: 'canceled', endedAt: now - 31 * day }),
      ],
      invoicesInWindow: [
        invoiceFixture('i1', { created: now - day, amountPaid: 2_000 }),
        invoiceFixture('i2', { created: now - 3 * day, amountPaid: 10_000 }),
        invoiceFixture('i3', { created: now - 3 * day, currency: 'eur', amountPaid: 900 }),
        invoiceFixture('i4', { created: now - day, status: 'open', amountPaid: 0, amountDue: 2_000 }),
        invoiceFixture('i5', { created: now - 40 * day, amountPaid: 5_000 }),
      ],
      invoicesWithIssue: [
        invoiceFixture('p1', { status: 'open', paymentIssue: 'failed' }),
        invoiceFixture('p2', { status: 'open', paymentIssue: 'action_required' }),
        invoiceFixture('p3', { status: 'void', paymentIssue: 'failed' }),
      ],
    });
    expect(summary.collectedInWindow).toEqual([
      { currency: 'eur', amount: 900 },
      { currency: 'usd', amount: 12_000 },
    ]);
    expect(summary.churnedInWindow).toBe(1);
    expect(summary.openPaymentIssues).toBe(2);
    expect(summary.mrr).toBe(0);
  });

  it('counts payment problems per customer so they never contradict the past-due count, and states ARPU and churn rates', () => {
    const summary = computeRevenueSummary({
      ...empty,
      current: [
        subscriptionFixture('a', 'pro_month'),
        subscriptionFixture('b', 'pro_month', { status: 'past_due' }), // past due, its invoice not stored yet
        subscriptionFixture('c', 'team_month', { status: 'past_due' }, 2),
        subscriptionFixture('t', 'pro_month', { status: 'trialing' }),
      ],
      endedInWindow: [
        subscriptionFixture('x', 'pro_month', { status: 'canceled', endedAt: now - 2 * day }),
        // Ended at the end of its trial: it never paid, so no MRR churned.
        subscriptionFixture('y', 'pro_month', { status: 'canceled', endedAt: now - 3 * day, trialEnd: now - 3 * day }),
      ],
      // c's failed invoice, and one of a customer whose subscription is active again (d).
      invoicesWithIssue: [
        invoiceFixture('ic', { customerId: 'cus_c', status: 'open', paymentIssue: 'failed' }),
        invoiceFixture('id', { customerId: 'cus_d', status: 'open', paymentIssue: 'failed' }),
      ],
    });
    expect(summary.subscriptions.pastDue).toBe(2);
    expect(summary.openPaymentIssues).toBe(2);
    expect(summary.paymentProblems).toBe(3); // b, c (counted once) and d
    expect(summary.paymentProblems).toBeGreaterThanOrEqual(summary.subscriptions.pastDue);
    // 2,000 + 2,000 + 2 seats × 10,000 = 24,000 over 3 paying customers.
    expect(summary.mrr).toBe(24_000);
    expect(summary.payingCustomers).toBe(3);
    expect(summary.arpu).toBe(8_000);
    expect(summary.churnedMrrInWindow).toBe(2_000);
    expect(summary.customerChurnRate).toBeCloseTo(2 / 5, 10);
    expect(summary.revenueChurnRate).toBeCloseTo(2_000 / 26_000, 10);
  });
});
