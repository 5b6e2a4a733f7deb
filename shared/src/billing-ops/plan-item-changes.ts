// Pure: which item changes move a subscription onto a target plan price. The licensed item's
// price is swapped (Stripe prorates), with the quantity the target plan takes (its seats kept
// within a per-seat plan's range, 1 on a flat plan, so a team's 5 seats never become 5 × a flat
// price); metered prices the target plan does not bill are removed, and the ones it bills are added.
import type Stripe from 'stripe';
import type { SubscriptionItemChange } from '../ports/billing-gateway.js';
import { PLANS, type PriceIdMap } from '../plans/catalog.js';
import type { PlanPrices } from './plan-prices.js';
import { seatsAfterMove } from './plan-seats.js';

const meteredPriceIds = (priceIds: PriceIdMap) =>
  new Set(Object.values(PLANS).flatMap((p) => p.meteredPrices.flatMap((m) => (priceIds[m.lookupKey] ? [priceIds[m.lookupKey]] : []))));

/** The subscription's licensed item: the first one not on a catalog metered price. */
export function licensedItem(subscription: Stripe.Subscription, priceIds: PriceIdMap): Stripe.SubscriptionItem | undefined {
  const metered = meteredPriceIds(priceIds);
  return subscription.items.data.find((item) => !metered.has(item.price.id));
}

/** `seats`: the quantity chosen for a per-seat target plan (already checked against its range); else the current seats are kept within it. */
export function planItemChanges(
  subscription: Stripe.Subscription,
  priceIds: PriceIdMap,
  target: PlanPrices,
  seats?: number,
): SubscriptionItemChange[] {
  const meteredIds = meteredPriceIds(priceIds);
  const items = subscription.items.data;
  const licensed = licensedItem(subscription, priceIds);
  const changes: SubscriptionItemChange[] = [];
  if (!licensed) changes.push({ kind: 'add', priceId: target.priceId, metered: false, quantity: seats ?? seatsAfterMove(target.plan, 1) });
  else if (licensed.price.id !== target.priceId)
    changes.push({
      kind: 'swap',
      itemId: licensed.id,
      priceId: target.priceId,
      quantity: seats ?? seatsAfterMove(target.plan, licensed.quantity ?? 1),
    });
  for (const item of items) {
    if (meteredIds.has(item.price.id) && !target.meteredPriceIds.includes(item.price.id)) changes.push({ kind: 'remove', itemId: item.id });
  }
  for (const priceId of target.meteredPriceIds) {
    if (!items.some((item) => item.price.id === priceId)) changes.push({ kind: 'add', priceId, metered: true });
  }
  return changes;
}
