// Seeds products, prices, billing meters and entitlement features from the product's own plan
// catalog, with the ids the rest of the repo expects locally: `prod_<planId>`, `price_<lookupKey>`,
// `mtr_<event_name>`, `feat_<feature>` (so STRIPE_PRICE_IDS is {"pro_month":"price_pro_month",...}).
import Stripe from 'stripe';
import { Feature, PLANS, type MeteredPrice, type Plan, type PlanPrice } from '@billing/shared/plans/catalog.js';
import { productObject } from './product-object.js';
import type { StandInState } from './stand-in-state.js';

export const productIdFor = (planId: string) => `prod_${planId}`;
export const priceIdFor = (lookupKey: string) => `price_${lookupKey}`;
export const meterIdFor = (eventName: string) => `mtr_${eventName}`;
export const featureIdFor = (feature: string) => `feat_${feature}`;

export function seedCatalog(state: StandInState, now: number): void {
  for (const feature of Feature.options) state.features.set(featureIdFor(feature), featureObject(feature));
  for (const plan of Object.values(PLANS)) {
    if (plan.prices.length === 0) continue; // the free plan is not sold through Stripe
    state.products.set(productIdFor(plan.id), planProduct(plan, now));
    state.productFeatures.set(productIdFor(plan.id), plan.features.map(featureIdFor));
    for (const price of plan.prices) state.prices.set(priceIdFor(price.lookupKey), licensedPrice(plan, price, now));
    for (const metered of plan.meteredPrices) {
      const meterId = meterIdFor(metered.meterEventName);
      if (!state.meters.has(meterId)) state.meters.set(meterId, meterObject(metered, now));
      state.prices.set(priceIdFor(metered.lookupKey), meteredPrice(plan, metered, meterId, now));
    }
  }
}

function featureObject(feature: Feature): Stripe.Entitlements.Feature {
  return {
    id: featureIdFor(feature),
    object: 'entitlements.feature',
    active: true,
    livemode: false,
    lookup_key: feature,
    metadata: {},
    name: feature.replaceAll('_', ' '),
  };
}

function planProduct(plan: Plan, now: number): Stripe.Product {
  return productObject(
    {
      id: productIdFor(plan.id),
      active: true,
      default_price: plan.prices[0] ? priceIdFor(plan.prices[0].lookupKey) : null,
      description: plan.description,
      marketing_features: plan.features.map((f) => ({ name: f })),
      metadata: { planId: plan.id },
      name: plan.name,
    },
    now,
  );
}

function basePrice(
  plan: Plan,
  id: string,
  lookupKey: string,
  now: number,
): Omit<Stripe.Price, 'recurring' | 'unit_amount' | 'unit_amount_decimal'> {
  return {
    id,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: now,
    currency: 'usd',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookupKey,
    metadata: { planId: plan.id },
    nickname: null,
    product: productIdFor(plan.id),
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'recurring',
  };
}

function licensedPrice(plan: Plan, price: PlanPrice, now: number): Stripe.Price {
  return {
    ...basePrice(plan, priceIdFor(price.lookupKey), price.lookupKey, now),
    recurring: { interval: price.interval, interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' },
    unit_amount: price.unitAmount,
    unit_amount_decimal: Stripe.Decimal.from(String(price.unitAmount)),
  };
}

function meteredPrice(plan: Plan, metered: MeteredPrice, meterId: string, now: number): Stripe.Price {
  // A metered price bills per period of the subscription it sits on; the catalog sells usage on
  // monthly and yearly plans, and Stripe requires the interval to match the licensed price's.
  const interval = plan.prices[0]?.interval ?? 'month';
  return {
    ...basePrice(plan, priceIdFor(metered.lookupKey), metered.lookupKey, now),
    recurring: { interval, interval_count: 1, meter: meterId, trial_period_days: null, usage_type: 'metered' },
    unit_amount: null,
    unit_amount_decimal: Stripe.Decimal.from(metered.unitAmountDecimal),
  };
}

function meterObject(metered: MeteredPrice, now: number): Stripe.Billing.Meter {
  return {
    id: meterIdFor(metered.meterEventName),
    object: 'billing.meter',
    created: now,
    customer_mapping: { event_payload_key: 'stripe_customer_id', type: 'by_id' },
    default_aggregation: { formula: 'sum' },
    display_name: metered.meterEventName.replaceAll('_', ' '),
    event_name: metered.meterEventName,
    event_time_window: null,
    livemode: false,
    status: 'active',
    status_transitions: { deactivated_at: null },
    updated: now,
    value_settings: { event_payload_key: 'value' },
  };
}
