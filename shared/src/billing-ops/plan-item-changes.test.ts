import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { allLookupKeys } from '../plans/catalog.js';
import { planItemChanges } from './plan-item-changes.js';
import { resolvePlanPrices } from './plan-prices.js';

const priceIds = Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`]));
const subscription = (...prices: string[]) =>
  ({ items: { data: prices.map((p, i) => ({ id: `si_${i}`, price: { id: p } })) } }) as unknown as Stripe.Subscription;

describe('planItemChanges', () => {
  it('swaps the licensed price within a plan', () => {
    expect(planItemChanges(subscription('price_pro_month'), priceIds, resolvePlanPrices(priceIds, 'pro_year'))).toEqual([{ kind: 'swap', itemId: 'si_0', priceId: 'price_pro_year' }]);
  });

  it('adds the metered prices of the target plan', () => {
    expect(planItemChanges(subscription('price_pro_month'), priceIds, resolvePlanPrices(priceIds, 'team_month'))).toEqual([
      { kind: 'swap', itemId: 'si_0', priceId: 'price_team_month' },
      { kind: 'add', priceId: 'price_team_api_calls', metered: true },
    ]);
  });

  it('removes metered prices the target plan does not bill and keeps shared ones', () => {
    expect(planItemChanges(subscription('price_team_month', 'price_team_api_calls'), priceIds, resolvePlanPrices(priceIds, 'pro_month'))).toEqual([
      { kind: 'swap', itemId: 'si_0', priceId: 'price_pro_month' },
      { kind: 'remove', itemId: 'si_1' },
    ]);
    expect(planItemChanges(subscription('price_team_month', 'price_team_api_calls'), priceIds, resolvePlanPrices(priceIds, 'team_year'))).toEqual([
      { kind: 'swap', itemId: 'si_0', priceId: 'price_team_year' },
    ]);
  });

  it('is empty when already on the target price', () => {
    expect(planItemChanges(subscription('price_pro_month'), priceIds, resolvePlanPrices(priceIds, 'pro_month'))).toEqual([]);
  });
});
