// A subscription rebuilt at a past instant from its dates and invoice lines, in Stripe's own shapes:
// a plan change with proration is a credit line for the old price and a charge line for the new one
// from the change to the period end; an item added later did not exist before; a removed item
// counts while a line covers it; trials pay nothing; ended and never-paid subscriptions are absent.
import { describe, expect, it } from 'vitest';
import { PricePayload, SubscriptionPayload, parsePayload } from '@billing/shared/billing/object-payloads.js';
import { subscriptionAsOf, type BilledLine } from './subscription-as-of.js';

const day = (n: number) => Date.UTC(2026, 0, 1) / 1000 + (n - 1) * 86_400; // day n of 2026 (Jan 1 = 1)
const JAN_1 = day(1);
const FEB_1 = day(32);
const FEB_20 = day(51);
const MAR_1 = day(60);
const APR_1 = day(91);

const price = (id: string, unitAmount: number, usage: 'licensed' | 'metered' = 'licensed') =>
  parsePayload(
    PricePayload,
    { id, unit_amount: unitAmount, currency: 'usd', recurring: { interval: 'month', interval_count: 1, usage_type: usage }, metadata: {} },
    'price',
  );
const PRICES = new Map([
  ['price_pro', price('price_pro', 2_000)],
  ['price_team', price('price_team', 10_000)],
  ['price_calls', price('price_calls', 1, 'metered')],
]);

function subscription(over: Record<string, unknown> = {}, items = [{ id: 'si_main', price: 'price_team', quantity: 2 }]) {
  return parsePayload(
    SubscriptionPayload,
    {
      id: 'sub_1',
      customer: 'cus_1',
      status: 'active',
      created: JAN_1,
      livemode: false,
      items: {
        data: items.map((i) => ({
          id: i.id,
          quantity: i.quantity,
          current_period_start: MAR_1,
          current_period_end: APR_1,
          price: PRICES.get(i.price),
        })),
      },
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
      ended_at: null,
      trial_start: null,
      trial_end: null,
      metadata: {},
      ...over,
    },
    'subscription',
  );
}

const line = (itemId: string, priceId: string, quantity: number, amount: number, start: number, end: number): BilledLine => ({
  subscriptionId: 'sub_1',
  itemId,
  priceId,
  quantity,
  amount,
  start,
  end,
});

/** Pro on one seat from Jan 1, moved to Team on two seats on Feb 20 with proration, as Stripe invoices it. */
const UPGRADED = [
  line('si_main', 'price_pro', 1, 2_000, JAN_1, FEB_1),
  line('si_main', 'price_pro', 1, 2_000, FEB_1, MAR_1),
  line('si_main', 'price_pro', 1, -643, FEB_20, MAR_1), // unused time on Pro
  line('si_main', 'price_team', 2, 6_429, FEB_20, MAR_1), // remaining time on 2 × Team
  line('si_main', 'price_team', 2, 20_000, MAR_1, APR_1),
];

const billed = (at: number, lines = UPGRADED, sub = subscription()) => {
  const asOf = subscriptionAsOf(sub, lines, PRICES, at);
  return asOf && { status: asOf.subscription.status, items: asOf.subscription.items.data.map((i) => [i.id, i.price.id, i.quantity]) };
};

describe('a subscription as of a past instant', () => {
  it('carries the price and quantity of the line covering the instant, a proration charge beating the renewal it follows', () => {
    expect(billed(JAN_1)).toEqual({ status: 'active', items: [['si_main', 'price_pro', 1]] });
    expect(billed(FEB_20 - 1)).toEqual({ status: 'active', items: [['si_main', 'price_pro', 1]] });
    expect(billed(FEB_20)).toEqual({ status: 'active', items: [['si_main', 'price_team', 2]] });
    expect(billed(MAR_1)).toEqual({ status: 'active', items: [['si_main', 'price_team', 2]] });
  });

  it('is absent before it was created, from the moment it ended, and always when it never paid', () => {
    expect(billed(JAN_1 - 1)).toBeNull();
    const ended = subscription({ status: 'canceled', canceled_at: FEB_20, ended_at: FEB_20 });
    expect(billed(FEB_20 - 1, UPGRADED, ended)?.status).toBe('active');
    expect(billed(FEB_20, UPGRADED, ended)).toBeNull();
    expect(billed(FEB_1, UPGRADED, subscription({ status: 'incomplete_expired' }))).toBeNull();
  });

  it('is trialing inside its trial, and active from its end', () => {
    const trial = subscription({ trial_start: JAN_1, trial_end: FEB_1 });
    expect(billed(JAN_1, UPGRADED, trial)?.status).toBe('trialing');
    expect(billed(FEB_1, UPGRADED, trial)?.status).toBe('active');
  });

  it('leaves out an item first billed after the instant, keeps a removed one while a line covers it', () => {
    const now = subscription({}, [{ id: 'si_seats', price: 'price_team', quantity: 2 }]);
    const swapped = [
      line('si_old', 'price_pro', 1, 2_000, JAN_1, FEB_1),
      line('si_old', 'price_pro', 1, 2_000, FEB_1, MAR_1),
      line('si_seats', 'price_team', 2, 20_000, MAR_1, APR_1),
    ];
    expect(billed(FEB_1, swapped, now)).toEqual({ status: 'active', items: [['si_old', 'price_pro', 1]] });
    expect(billed(MAR_1, swapped, now)).toEqual({ status: 'active', items: [['si_seats', 'price_team', 2]] });
  });

  it('counts an item no line covers at its current price, and says so; metered items are never estimates', () => {
    const sub = subscription({}, [
      { id: 'si_main', price: 'price_team', quantity: 2 },
      { id: 'si_calls', price: 'price_calls', quantity: 0 },
    ]);
    const asOf = subscriptionAsOf(sub, [], PRICES, FEB_1);
    expect(asOf?.estimatedItems).toBe(1);
    expect(asOf?.subscription.items.data.map((i) => i.id)).toEqual(['si_main', 'si_calls']);
    expect(subscriptionAsOf(sub, UPGRADED, PRICES, FEB_1)?.estimatedItems).toBe(0);
  });
});
