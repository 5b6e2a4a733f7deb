// The purchasable catalog: every plan with the prices configured in STRIPE_PRICE_IDS.
import { PLANS, PlanId, type Feature, type MeteredFeature, type Quota, type PriceIdMap } from '@billing/shared/plans/catalog.js';
import type { BillingInterval } from '@billing/shared/model/documents.js';

export interface PlanView {
  id: PlanId;
  name: string;
  description: string;
  trialDays: number;
  features: readonly Feature[];
  quotas: { readonly [K in MeteredFeature]: Quota };
  prices: { lookupKey: string; priceId: string; interval: BillingInterval; unitAmount: number; currency: string }[];
  /** Priced per seat (the prices are per seat): the seats one may buy. null: a flat price. */
  seats: { min: number; max: number } | null;
  /** Usage billed per unit beyond the plan's price (Stripe meters): the unit price in cents, as a decimal string. */
  meteredPrices: { feature: MeteredFeature; unitAmountDecimal: string }[];
}

export function plansView(priceIds: PriceIdMap): PlanView[] {
  return PlanId.options.map((id) => {
    const plan = PLANS[id];
    return {
      id,
      name: plan.name,
      description: plan.description,
      trialDays: plan.trialDays,
      features: plan.features,
      quotas: plan.quotas,
      prices: plan.prices.flatMap((p) => {
        const priceId = priceIds[p.lookupKey];
        return priceId ? [{ lookupKey: p.lookupKey, priceId, interval: p.interval, unitAmount: p.unitAmount, currency: p.currency }] : [];
      }),
      seats: plan.seats,
      meteredPrices: plan.meteredPrices.map((m) => ({ feature: m.feature, unitAmountDecimal: m.unitAmountDecimal })),
    };
  });
}
