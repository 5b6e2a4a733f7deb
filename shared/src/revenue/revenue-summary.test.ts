import { describe, expect, it } from 'vitest';
import { invoiceFixture, subscriptionFixture } from '../testing/revenue-fixtures.js';
import { computeRevenueSummary, monthlyAmount } from './revenue-summary.js';

const now = 1_800_000_000;
const day = 86_400;
const empty = { current: [], endedInWindow: [], invoicesInWindow: [], invoicesWithIssue: [], now };

describe('monthlyAmount', () => {
  it('normalises the price of the licensed item to a month, times its quantity', () => {
    expect(monthlyAmount(subscriptionFixture('a', 'pro_month'))).toEqual({ planId: 'pro', amount: 2_000, currency: 'usd', quantity: 1 });
    expect(monthlyAmount(subscriptionFixture('b', 'pro_year'))?.amount).toBeCloseTo(20_000 / 12, 6);
    expect(monthlyAmount(subscriptionFixture('c', 'pro_week'))?.amount).toBeCloseTo((500 * 52) / 12, 6);
    expect(monthlyAmount(subscriptionFixture('d', 'pro_day'))?.amount).toBeCloseTo((100 * 365) / 12, 6);
    expect(monthlyAmount(subscriptionFixture('e', 'team_month', {}, 3))).toEqual({ planId: 'team', amount: 30_000, currency: 'usd', quantity: 3 });
    expect(monthlyAmount(subscriptionFixture('f', 'pro_month', {}, 1, { unitAmount: 5_400, interval: 'month', intervalCount: 3 }))?.amount).toBe(1_800);
  });

  it('counts the price Stripe sent (a subscriber kept on an old price), and the catalog only when no amount is stored', () => {
    expect(monthlyAmount(subscriptionFixture('a', 'pro_month', {}, 1, { unitAmount: 1_500 }))).toEqual({ planId: 'pro', amount: 1_500, currency: 'usd', quantity: 1 });
    const legacy = subscriptionFixture('b', 'pro_month', {}, 1, { unitAmount: null, currency: null, interval: null });
    expect(monthlyAmount(legacy)).toEqual({ planId: 'pro', amount: 2_000, currency: 'usd', quantity: 1 });
    expect(monthlyAmount(subscriptionFixture('c', null, {}, 1, { unitAmount: 4_200, currency: 'usd', interval: 'month' }))).toEqual({ planId: null, amount: 4_200, currency: 'usd', quantity: 1 });
    expect(monthlyAmount(subscriptionFixture('d', null))).toBeNull();
  });

  it('puts a custom price (no catalog lookup key) under the plan the applier stored for it', () => {
    const custom = subscriptionFixture('a', null, { planId: 'enterprise' }, 1, { unitAmount: 750_000, currency: 'usd', interval: 'year' });
    expect(monthlyAmount(custom)).toEqual({ planId: 'enterprise', amount: 62_500, currency: 'usd', quantity: 1 });
    const summary = computeRevenueSummary({ ...empty, current: [custom, subscriptionFixture('b', null, { planId: 'free' }, 1, { unitAmount: 100, currency: 'usd', interval: 'month' })] });
    expect(summary.byPlan.find((p) => p.planId === 'enterprise')).toMatchObject({ paying: 1, mrr: 62_500 });
    expect(summary.outsideCatalog).toEqual({ paying: 1, mrr: 100 }); // free has no prices, so no row
  });

  it('ignores metered items', () => {
    const team = subscriptionFixture('a', 'team_month');
    const metered = { ...team.items[0]!, itemId: 'si_m', priceId: 'price_team_api_calls', lookupKey: 'team_api_calls', metered: true, quantity: 0, unitAmount: null };
    expect(monthlyAmount({ ...team, items: [metered, ...team.items] })).toEqual({ planId: 'team', amount: 10_000, currency: 'usd', quantity: 1 });
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
    expect(summary.arr).toBe(summary.mrr * 12);
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
});
