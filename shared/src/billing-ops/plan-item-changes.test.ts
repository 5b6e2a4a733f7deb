import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { allLookupKeys } from '../plans/catalog.js';
import { planItemChanges } from './plan-item-changes.js';
import { resolvePlanPrices } from './plan-prices.js';

const priceIds = Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`]));
const subscription = (...prices: string[]) =>
  ({ items: { data: prices.map((p, i) => ({ id: `si_${i}`, price: { id: p }, quantity: 1 })) } }) as unknown as Stripe.Subscription;
const withSeats = (sub: Stripe.Subscription, seats: number) => {
  const licensed = sub.items.data[0];
  if (licensed) licensed.quantity = seats;
  return sub;
};

describe('planItemChanges', () => {
  it('swaps the licensed price within a plan', () => {
    expect(planItemChanges(subscription('price_pro_month'), priceIds, resolvePlanPrices(priceIds, 'pro_year'))).toEqual([
      { kind: 'swap', itemId: 'si_0', priceId: 'price_pro_year', quantity: 1 },
    ]);
  });

  it('adds the metered prices of the target plan', () => {
    expect(planItemChanges(subscription('price_pro_month'), priceIds, resolvePlanPrices(priceIds, 'team_month'))).toEqual([
      { kind: 'swap', itemId: 'si_0', priceId: 'price_team_month', quantity: 1 },
      { kind: 'add', priceId: 'price_team_api_calls', metered: true },
      { kind: 'add', priceId: 'price_team_tokens', metered: true },
    ]);
  });

  it('removes metered prices the target plan does not bill and keeps shared ones', () => {
    expect(
      planItemChanges(
        subscription('price_team_month', 'price_team_api_calls', 'price_team_tokens'),
        priceIds,
        resolvePlanPrices(priceIds, 'pro_month'),
      ),
    ).toEqual([
      { kind: 'swap', itemId: 'si_0', priceId: 'price_pro_month', quantity: 1 },
      { kind: 'remove', itemId: 'si_1' },
      { kind: 'remove', itemId: 'si_2' },
    ]);
    expect(
      planItemChanges(
        subscription('price_team_month', 'price_team_api_calls', 'price_team_tokens'),
        priceIds,
        resolvePlanPrices(priceIds, 'team_year'),
      ),
    ).toEqual([{ kind: 'swap', itemId: 'si_0', priceId: 'price_team_year', quantity: 1 }]);
  });

  it('keeps the seats on a per-seat plan, within its range, and gives a flat plan quantity 1', () => {
    const team5 = () => withSeats(subscription('price_team_month', 'price_team_api_calls'), 5);
    expect(planItemChanges(team5(), priceIds, resolvePlanPrices(priceIds, 'team_year'))[0]).toEqual({
      kind: 'swap',
      itemId: 'si_0',
      priceId: 'price_team_year',
      quantity: 5,
    });
    expect(planItemChanges(team5(), priceIds, resolvePlanPrices(priceIds, 'pro_month'))[0]).toEqual({
      kind: 'swap',
      itemId: 'si_0',
      priceId: 'price_pro_month',
      quantity: 1,
    });
    expect(
      planItemChanges(withSeats(subscription('price_team_month'), 500), priceIds, resolvePlanPrices(priceIds, 'team_year'))[0],
    ).toMatchObject({ quantity: 100 });
    expect(planItemChanges(subscription(), priceIds, resolvePlanPrices(priceIds, 'team_month'))[0]).toEqual({
      kind: 'add',
      priceId: 'price_team_month',
      metered: false,
      quantity: 1,
    });
  });

  it('is empty when already on the target price', () => {
    expect(planItemChanges(subscription('price_pro_month'), priceIds, resolvePlanPrices(priceIds, 'pro_month'))).toEqual([]);
  });
});
