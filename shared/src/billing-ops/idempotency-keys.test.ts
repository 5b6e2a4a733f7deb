// Keys name whole requests: identical requests share a key, any difference in what is sent (or
// in the state it was decided on) gets another, so Stripe never sees a key with new parameters.
import { describe, expect, it } from 'vitest';
import type { CreateCheckoutSessionInput } from '../ports/billing-gateway.js';
import { canonicalJson } from './canonical-json.js';
import { CHECKOUT_BUCKET_SECONDS, cancelAtPeriodEndKey, checkoutKey, customerKey, subscriptionItemsKey } from './idempotency-keys.js';

const NOW = 1_800_000_000 - (1_800_000_000 % CHECKOUT_BUCKET_SECONDS) + 10; // early in a window
const checkout: CreateCheckoutSessionInput = {
  customerId: 'cus_A',
  accountId: 'accounts.google.com:1',
  prices: [
    { priceId: 'price_team_month', metered: false, quantity: 3 },
    { priceId: 'price_team_api_calls', metered: true },
  ],
  trialDays: 14,
  successUrl: 'https://app.example.com/billing/success?session_id={CHECKOUT_SESSION_ID}',
  cancelUrl: 'https://app.example.com/billing?checkout=canceled',
  allowPromotionCodes: false,
};
const first = { subscriptionIds: [] };

describe('checkoutKey', () => {
  it('is the same for the same request in the same window, whatever order its fields were written in', () => {
    const reordered = Object.fromEntries(Object.entries(checkout).reverse()) as unknown as CreateCheckoutSessionInput;
    expect(checkoutKey(reordered, first, NOW + 60)).toBe(checkoutKey(checkout, first, NOW));
  });

  const changes: [string, Partial<CreateCheckoutSessionInput>][] = [
    ['no trial (the second subscription)', { trialDays: 0 }],
    ['another customer', { customerId: 'cus_B' }],
    ['another user', { accountId: 'accounts.google.com:2' }],
    [
      'another price',
      {
        prices: [
          { priceId: 'price_team_year', metered: false, quantity: 3 },
          { priceId: 'price_team_api_calls', metered: true },
        ],
      },
    ],
    [
      'other seats',
      {
        prices: [
          { priceId: 'price_team_month', metered: false, quantity: 4 },
          { priceId: 'price_team_api_calls', metered: true },
        ],
      },
    ],
    ['without the metered price', { prices: [{ priceId: 'price_team_month', metered: false, quantity: 3 }] }],
    ['promotion codes', { allowPromotionCodes: true }],
    ['another success URL', { successUrl: 'https://other.example.com/billing/success?session_id={CHECKOUT_SESSION_ID}' }],
    ['another cancel URL', { cancelUrl: 'https://app.example.com/billing' }],
  ];
  it.each(changes)('differs for %s', (_what, change) => {
    expect(checkoutKey({ ...checkout, ...change }, first, NOW)).not.toBe(checkoutKey(checkout, first, NOW));
  });

  it('differs after a subscription was bought (the same request is then a new session) and in the next window', () => {
    expect(checkoutKey(checkout, { subscriptionIds: ['sub_1'] }, NOW)).not.toBe(checkoutKey(checkout, first, NOW));
    expect(checkoutKey(checkout, { subscriptionIds: ['sub_1', 'sub_2'] }, NOW)).not.toBe(
      checkoutKey(checkout, { subscriptionIds: ['sub_1'] }, NOW),
    );
    expect(checkoutKey(checkout, first, NOW + CHECKOUT_BUCKET_SECONDS)).not.toBe(checkoutKey(checkout, first, NOW));
  });

  it('fits Stripe’s 255 characters', () => {
    expect(checkoutKey({ ...checkout, successUrl: `https://app.example.com/${'x'.repeat(2000)}` }, first, NOW).length).toBeLessThanOrEqual(
      255,
    );
  });
});

describe('the other keys', () => {
  it('customerKey: the same for the same user and email, another for another email', () => {
    const request = { accountId: 'accounts.google.com:1', email: 'a@example.com' };
    expect(customerKey({ email: 'a@example.com', accountId: 'accounts.google.com:1' })).toBe(customerKey(request));
    expect(customerKey({ ...request, email: 'b@example.com' })).not.toBe(customerKey(request));
    expect(customerKey({ ...request, email: null })).not.toBe(customerKey(request));
    expect(customerKey({ ...request, accountId: 'accounts.google.com:2' })).not.toBe(customerKey(request));
  });

  it('subscriptionItemsKey: covers the items (price swaps, quantities) and the revision decided on', () => {
    const swap = { subscriptionId: 'sub_1', items: [{ kind: 'swap', itemId: 'si_1', priceId: 'price_pro_year', quantity: 1 }] } as const;
    const key = subscriptionItemsKey(swap, 3);
    expect(subscriptionItemsKey({ ...swap }, 3)).toBe(key);
    expect(subscriptionItemsKey(swap, 4)).not.toBe(key); // back and forth: a new state, a new change
    expect(subscriptionItemsKey(swap, null)).not.toBe(key);
    expect(
      subscriptionItemsKey({ ...swap, items: [{ kind: 'swap', itemId: 'si_1', priceId: 'price_pro_month', quantity: 1 }] }, 3),
    ).not.toBe(key);
    expect(subscriptionItemsKey({ ...swap, subscriptionId: 'sub_2' }, 3)).not.toBe(key);
    const seats = (quantity: number) =>
      subscriptionItemsKey({ subscriptionId: 'sub_1', items: [{ kind: 'quantity', itemId: 'si_1', quantity }] }, 3);
    expect(seats(4)).not.toBe(seats(5));
  });

  it('cancelAtPeriodEndKey: covers the flag and the revision', () => {
    const key = cancelAtPeriodEndKey({ subscriptionId: 'sub_1', cancelAtPeriodEnd: true }, 1);
    expect(cancelAtPeriodEndKey({ subscriptionId: 'sub_1', cancelAtPeriodEnd: false }, 1)).not.toBe(key);
    expect(cancelAtPeriodEndKey({ subscriptionId: 'sub_1', cancelAtPeriodEnd: true }, 2)).not.toBe(key);
  });

  it('never equal across operations', () => {
    const request = { subscriptionId: 'sub_1', cancelAtPeriodEnd: true };
    expect(cancelAtPeriodEndKey(request, 1).split(':')[0]).toBe('subscription-cancel-at-period-end');
    expect(customerKey({ accountId: 'u', email: null }).split(':')[0]).toBe('customer-create');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: true, y: null }], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[2,{"y":null,"z":true}]},"b":1}',
    );
    expect(canonicalJson([3, 1, 2])).not.toBe(canonicalJson([1, 2, 3]));
  });

  it('refuses what JSON cannot carry as itself', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, new Date(0), 1n, () => 1, new Map(), Symbol('s')])
      expect(() => canonicalJson({ value })).toThrow(TypeError);
  });
});
