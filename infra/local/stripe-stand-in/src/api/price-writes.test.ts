// Prices created through the real SDK: one price per lookup key, moved only by transfer_lookup_key;
// bad input refused with Stripe's 400 and nothing created.
import Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyStandInPerTest, refusal } from '../testing/empty-stand-in.js';

const current = emptyStandInPerTest();
let product: Stripe.Product;
beforeEach(async () => {
  product = await current().stripe.products.create({ name: 'Pro' });
});

describe('POST /v1/prices', () => {
  it('creates a recurring price findable by its lookup key', async () => {
    const { stripe } = current();
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 2_000,
      recurring: { interval: 'month' },
      lookup_key: 'pro_month',
    });
    expect(price).toMatchObject({
      type: 'recurring',
      unit_amount: 2_000,
      lookup_key: 'pro_month',
      recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed', meter: null },
    });
    expect(price.unit_amount_decimal?.toString()).toBe('2000');
    expect((await stripe.prices.list({ lookup_keys: ['pro_month'] })).data.map((p) => p.id)).toEqual([price.id]);
  });

  it('refuses a lookup key another price holds, and moves it with transfer_lookup_key', async () => {
    const { stripe, standIn } = current();
    const old = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 2_000,
      recurring: { interval: 'month' },
      lookup_key: 'pro_month',
    });
    const taken = await refusal(
      stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 2_500,
        recurring: { interval: 'month' },
        lookup_key: 'pro_month',
      }),
    );
    expect(taken).toMatchObject({ statusCode: 400, param: 'lookup_key' });
    expect(standIn.state.prices.size).toBe(1);
    const moved = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount: 2_500,
      recurring: { interval: 'month' },
      lookup_key: 'pro_month',
      transfer_lookup_key: true,
    });
    expect((await stripe.prices.list({ lookup_keys: ['pro_month'] })).data.map((p) => p.id)).toEqual([moved.id]);
    const before = await stripe.prices.retrieve(old.id);
    expect(before).toMatchObject({ lookup_key: null, active: true, unit_amount: 2_000 });
  });

  it('creates a metered price on an active meter, with a decimal unit amount', async () => {
    const { stripe } = current();
    const meter = await stripe.billing.meters.create({
      display_name: 'API calls',
      event_name: 'api_calls',
      default_aggregation: { formula: 'sum' },
    });
    const price = await stripe.prices.create({
      product: product.id,
      currency: 'usd',
      unit_amount_decimal: stripe.Decimal.from('0.01'),
      recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
      lookup_key: 'pro_api_calls',
    });
    expect(price).toMatchObject({ unit_amount: null, recurring: { usage_type: 'metered', meter: meter.id } });
    expect(price.unit_amount_decimal?.toString()).toBe('0.01');
  });

  it.each([
    ['no amount', { recurring: { interval: 'month' } }, 'unit_amount'],
    ['both amounts', { unit_amount: 1, unit_amount_decimal: '1' }, 'unit_amount_decimal'],
    ['a negative amount', { unit_amount: -1 }, 'unit_amount'],
    ['a malformed decimal', { unit_amount_decimal: '1e5' }, 'unit_amount_decimal'],
    ['an unknown interval', { unit_amount: 1, recurring: { interval: 'fortnight' } }, 'recurring[interval]'],
    ['an interval over three years', { unit_amount: 1, recurring: { interval: 'month', interval_count: 37 } }, 'recurring[interval_count]'],
    ['a metered price without a meter', { unit_amount: 1, recurring: { interval: 'month', usage_type: 'metered' } }, 'recurring[meter]'],
    [
      'an unknown meter',
      { unit_amount: 1, recurring: { interval: 'month', usage_type: 'metered', meter: 'mtr_nope' } },
      'recurring[meter]',
    ],
    ['a transfer without a lookup key', { unit_amount: 1, transfer_lookup_key: true }, 'transfer_lookup_key'],
    ['an unknown product', { unit_amount: 1, product: 'prod_nope' }, 'product'],
    ['a bad currency', { unit_amount: 1, currency: 'US dollars' }, 'currency'],
  ])('refuses %s with a 4xx naming %s, creating nothing', async (_what, params, param) => {
    const { stripe, standIn } = current();
    const err = await refusal(
      stripe.prices.create({ product: product.id, currency: 'usd', ...params } as unknown as Stripe.PriceCreateParams),
    );
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err?.param).toBe(param);
    expect(standIn.state.prices.size).toBe(0);
  });
});

describe('POST /v1/prices/:id', () => {
  it('archives a price and moves a lookup key to it with transfer_lookup_key', async () => {
    const { stripe } = current();
    const a = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100, lookup_key: 'k' });
    const b = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 200 });
    expect(await refusal(stripe.prices.update(b.id, { lookup_key: 'k' }))).toMatchObject({ statusCode: 400, param: 'lookup_key' });
    await expect(stripe.prices.update(b.id, { lookup_key: 'k', transfer_lookup_key: true, active: false })).resolves.toMatchObject({
      lookup_key: 'k',
      active: false,
    });
    await expect(stripe.prices.retrieve(a.id)).resolves.toMatchObject({ lookup_key: null });
    expect(await refusal(stripe.prices.update('price_nope', { active: false }))).toMatchObject({ statusCode: 404 });
  });
});
