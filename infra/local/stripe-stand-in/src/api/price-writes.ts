// POST /v1/prices (create) and POST /v1/prices/:id (update). A price's amount and interval never
// change: a new amount is a new price. A lookup key names one price in the account at a time;
// giving it to another price is refused unless `transfer_lookup_key=true`, which moves the key
// (the old price keeps working for its subscribers, without a key).
// https://docs.stripe.com/api/prices/create, https://docs.stripe.com/products-prices/pricing-models#lookup-keys
import Stripe from 'stripe';
import { z } from 'zod';
import { previousAttributes, structuredCloneJson } from '../billing/event-log.js';
import type { BillingContext } from '../billing/billing-context.js';
import { newId } from '../billing/object-ids.js';
import { emptyable, expandParam, formBool, formInt, metadataParam } from '../http/request-params.js';
import { invalidParam, noSuchResource } from '../http/stripe-error.js';
import { endpoint, pathParam, type ApiEndpoint } from './endpoint.js';
import { mergeMetadata } from './merge-metadata.js';
import { productOrThrow } from './product-writes.js';

const lookupKey = z.string().min(1).max(200);
/** Stripe caps a recurring interval at three years (3 years, 36 months, 156 weeks; days: 1,095). */
const MAX_INTERVAL_COUNT: Record<Stripe.Price.Recurring.Interval, number> = { day: 1_095, week: 156, month: 36, year: 3 };

const createParams = z.strictObject({
  currency: z.string().regex(/^[a-z]{3}$/, 'must be a three-letter ISO currency code in lowercase'),
  product: z.string().min(1),
  unit_amount: formInt.pipe(z.number().min(0).max(99_999_999)).optional(),
  unit_amount_decimal: z
    .string()
    .regex(/^\d{1,12}(\.\d{1,12})?$/, 'must be a decimal with at most 12 decimal places')
    .optional(),
  recurring: z
    .strictObject({
      interval: z.enum(['day', 'week', 'month', 'year']),
      interval_count: formInt.pipe(z.number().min(1)).optional(),
      usage_type: z.enum(['licensed', 'metered']).optional(),
      meter: z.string().optional(),
      trial_period_days: formInt.pipe(z.number().min(1).max(730)).optional(),
    })
    .optional(),
  billing_scheme: z.literal('per_unit').optional(),
  lookup_key: lookupKey.optional(),
  transfer_lookup_key: formBool.optional(),
  nickname: z.string().max(5000).optional(),
  active: formBool.optional(),
  metadata: metadataParam.optional(),
  tax_behavior: z.enum(['exclusive', 'inclusive', 'unspecified']).optional(),
  expand: expandParam,
});

/** Gives `key` to `price`, taking it from the price that holds it only when `transfer` is set. */
function assignLookupKey(ctx: BillingContext, price: Stripe.Price, key: string, transfer: boolean): void {
  const holder = [...ctx.state.prices.values()].find((p) => p.lookup_key === key && p.id !== price.id);
  if (holder) {
    if (!transfer)
      throw invalidParam('lookup_key', `A price (\`${holder.id}\`) already uses that lookup key.`, 'lookup_key_already_exists');
    holder.lookup_key = null;
    ctx.events.emit('price.updated', holder, { lookup_key: key });
  }
  price.lookup_key = key;
}

function recurringOf(ctx: BillingContext, r: z.infer<typeof createParams>['recurring']): Stripe.Price.Recurring | null {
  if (!r) return null;
  const count = r.interval_count ?? 1;
  if (count > MAX_INTERVAL_COUNT[r.interval])
    throw invalidParam('recurring[interval_count]', 'The maximum billing interval is three years (3 years, 36 months, or 156 weeks).');
  const usageType = r.usage_type ?? 'licensed';
  if (usageType === 'metered' && r.meter === undefined)
    throw invalidParam('recurring[meter]', 'A meter is required for prices with `usage_type=metered`.', 'parameter_missing');
  if (usageType === 'licensed' && r.meter !== undefined)
    throw invalidParam('recurring[meter]', 'A meter can only be set on prices with `usage_type=metered`.');
  if (r.meter !== undefined) {
    const meter = ctx.state.meters.get(r.meter);
    if (!meter) throw noSuchResource('billing.meter', r.meter, 'recurring[meter]');
    if (meter.status !== 'active')
      throw invalidParam('recurring[meter]', `The meter '${r.meter}' is inactive and cannot be attached to a price.`);
  }
  return {
    interval: r.interval,
    interval_count: count,
    meter: r.meter ?? null,
    trial_period_days: r.trial_period_days ?? null,
    usage_type: usageType,
  };
}

const create = endpoint('post', '/v1/prices', createParams, (ctx, p) => {
  productOrThrow(ctx, p.product, 'product');
  if ((p.unit_amount === undefined) === (p.unit_amount_decimal === undefined))
    throw invalidParam(
      p.unit_amount === undefined ? 'unit_amount' : 'unit_amount_decimal',
      'Exactly one of `unit_amount` and `unit_amount_decimal` is required.',
    );
  if (p.transfer_lookup_key === true && p.lookup_key === undefined)
    throw invalidParam('transfer_lookup_key', '`transfer_lookup_key` requires a `lookup_key`.');
  const recurring = recurringOf(ctx, p.recurring);
  const decimal = p.unit_amount_decimal ?? String(p.unit_amount);
  const price: Stripe.Price = {
    id: newId('price', 24),
    object: 'price',
    active: p.active ?? true,
    billing_scheme: 'per_unit',
    created: ctx.clock.now(),
    currency: p.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: mergeMetadata({}, p.metadata),
    nickname: p.nickname ?? null,
    product: p.product,
    recurring,
    tax_behavior: p.tax_behavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    // An integral decimal amount is also a whole number of the smallest unit.
    unit_amount: p.unit_amount ?? (/^\d+$/.test(decimal) ? Number(decimal) : null),
    unit_amount_decimal: Stripe.Decimal.from(decimal),
  };
  if (p.lookup_key !== undefined) assignLookupKey(ctx, price, p.lookup_key, p.transfer_lookup_key ?? false);
  ctx.state.prices.set(price.id, price);
  ctx.events.emit('price.created', price);
  return price;
});

const update = endpoint(
  'post',
  '/v1/prices/:id',
  z.strictObject({
    active: formBool.optional(),
    lookup_key: emptyable(lookupKey).optional(),
    transfer_lookup_key: formBool.optional(),
    nickname: emptyable(z.string().max(5000)).optional(),
    metadata: metadataParam.optional(),
    expand: expandParam,
  }),
  (ctx, p, path) => {
    const id = pathParam(path, 'id');
    const price = ctx.state.prices.get(id);
    if (!price) throw noSuchResource('price', id);
    const before = structuredCloneJson(price);
    if (p.lookup_key === '') price.lookup_key = null;
    else if (p.lookup_key !== undefined) assignLookupKey(ctx, price, p.lookup_key, p.transfer_lookup_key ?? false);
    if (p.active !== undefined) price.active = p.active;
    if (p.nickname !== undefined) price.nickname = p.nickname === '' ? null : p.nickname;
    price.metadata = mergeMetadata(price.metadata, p.metadata);
    const prev = previousAttributes(before, structuredCloneJson(price));
    if (prev) ctx.events.emit('price.updated', price, prev);
    return price;
  },
);

export const endpoints: ApiEndpoint[] = [create, update];
