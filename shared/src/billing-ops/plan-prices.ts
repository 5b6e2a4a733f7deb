// Catalog lookup key → the Stripe prices a subscription to that plan carries.
import { badRequest } from '../errors/app-error.js';
import { planForLookupKey, type Plan, type PlanPrice, type PriceIdMap } from '../plans/catalog.js';

export interface PlanPrices {
  plan: Plan;
  price: PlanPrice;
  /** The licensed price (quantity 1). */
  priceId: string;
  /** One per metered feature the plan bills through a Stripe meter. */
  meteredPriceIds: string[];
}

export function resolvePlanPrices(priceIds: PriceIdMap, lookupKey: string): PlanPrices {
  const hit = planForLookupKey(lookupKey);
  const priceId = priceIds[lookupKey];
  if (!hit || !priceId) throw badRequest('Unknown plan price', { fields: { lookupKey: ['is not a purchasable price'] } });
  const meteredPriceIds = hit.plan.meteredPrices.map((m) => {
    const id = priceIds[m.lookupKey];
    // Configuration error, not the client's: STRIPE_PRICE_IDS lacks the plan's metered price.
    if (!id) throw new Error(`STRIPE_PRICE_IDS has no price for metered lookup key "${m.lookupKey}"`);
    return id;
  });
  return { plan: hit.plan, price: hit.price, priceId, meteredPriceIds };
}

/** Every price id a plan's subscription may carry (licensed and metered), for recognising items. */
export function allPriceIdsOfPlan(priceIds: PriceIdMap, plan: Plan): Set<string> {
  const keys = [...plan.prices.map((p) => p.lookupKey), ...plan.meteredPrices.map((m) => m.lookupKey)];
  return new Set(keys.flatMap((k) => (priceIds[k] ? [priceIds[k]] : [])));
}
