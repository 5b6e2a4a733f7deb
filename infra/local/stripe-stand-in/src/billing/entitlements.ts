// Active entitlements derived like Stripe's: the features attached to the products of a
// customer's active or trialing subscriptions. When the set changes, Stripe sends
// `entitlements.active_entitlement_summary.updated`, embedding only the first 10.
import type Stripe from 'stripe';
import type { BillingContext } from './billing-context.js';
import type { StandInState } from './stand-in-state.js';

const ENTITLED_STATUSES: ReadonlySet<Stripe.Subscription.Status> = new Set(['active', 'trialing']);
const SUMMARY_EMBED_LIMIT = 10;

export function activeEntitlementsOf(state: StandInState, customerId: string): Stripe.Entitlements.ActiveEntitlement[] {
  const featureIds = new Set<string>();
  for (const sub of state.subscriptionsOf(customerId)) {
    if (!ENTITLED_STATUSES.has(sub.status)) continue;
    for (const item of sub.items.data) {
      const product = typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
      for (const f of state.productFeatures.get(product) ?? []) featureIds.add(f);
    }
  }
  // Catalog order, so that the list is stable between calls.
  return [...state.features.values()]
    .filter((f) => featureIds.has(f.id))
    .map((f) => ({
      id: `ent_${customerId.replace(/^cus_/, '')}_${f.lookup_key}`,
      object: 'entitlements.active_entitlement',
      feature: f.id,
      livemode: false,
      lookup_key: f.lookup_key,
    }));
}

function summary(customerId: string, entitlements: Stripe.Entitlements.ActiveEntitlement[]): Stripe.Entitlements.ActiveEntitlementSummary {
  return {
    object: 'entitlements.active_entitlement_summary',
    customer: customerId,
    entitlements: {
      object: 'list',
      data: entitlements.slice(0, SUMMARY_EMBED_LIMIT),
      has_more: entitlements.length > SUMMARY_EMBED_LIMIT,
      url: '/v1/entitlements/active_entitlements',
    },
    livemode: false,
  };
}

/** Emits the summary event when the customer's entitlements differ from the last one sent. */
export function syncEntitlements(ctx: BillingContext, customerId: string): void {
  const current = activeEntitlementsOf(ctx.state, customerId);
  const keys = current.map((e) => e.lookup_key);
  const before = ctx.state.announcedEntitlements.get(customerId) ?? [];
  if (keys.join(',') === before.join(',')) return;
  ctx.state.announcedEntitlements.set(customerId, keys);
  const previous = before.map((lookup_key) => ({ lookup_key }));
  ctx.events.emit('entitlements.active_entitlement_summary.updated', summary(customerId, current), { entitlements: { data: previous } });
}
