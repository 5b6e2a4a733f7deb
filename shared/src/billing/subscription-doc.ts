// Stripe subscription -> `subscriptions/{id}`. Since 2025-03-31.basil the billing period lives on
// the items, so it is read from the licensed item (the one that decides the plan).
import type { Timestamp } from '@google-cloud/firestore';
import type { SubscriptionDoc, Version } from '../model/documents.js';
import { PlanId, planForLookupKey } from '../plans/catalog.js';
import type { SubscriptionPayload } from './object-payloads.js';

type Item = SubscriptionPayload['items']['data'][number];

/** Metered: tied to a Billing Meter (or the legacy usage_type flag some payloads still carry). */
export const isMetered = (item: Item): boolean => item.price.recurring?.meter != null || item.price.recurring?.usage_type === 'metered';

/** The `plan` metadata of a price, when it names a catalog plan. */
function metadataPlan(item: Item): PlanId | null {
  const named = PlanId.safeParse(item.price.metadata['plan']);
  return named.success ? named.data : null;
}

/**
 * `current`: the stored document this one replaces. A price keeps the lookup key (so the plan) it
 * was stored with when a later payload carries none: changing a price in Stripe moves its lookup
 * key to the new price (`transfer_lookup_key`), and subscriptions left on the old price must keep
 * their plan, not fall to "no plan" (and lose access) at their next event.
 *
 * The plan: the catalog plan of the licensed item's (kept) lookup key, else the plan its price's
 * `plan` metadata names. The second is for prices made in Stripe outside the catalog (a price
 * negotiated for one customer, a price adopted from before the catalog), which have no catalog
 * lookup key: without it their subscribers would have no plan and no access.
 */
export function subscriptionDoc(
  sub: SubscriptionPayload,
  accountId: string | null,
  version: Version,
  now: Timestamp,
  current?: SubscriptionDoc,
): SubscriptionDoc {
  const lookupKeyOf = (item: Item): string | null =>
    item.price.lookup_key ?? current?.items.find((stored) => stored.priceId === item.price.id)?.lookupKey ?? null;
  const licensed = sub.items.data.find((i) => !isMetered(i)) ?? null;
  const periodItem = licensed ?? sub.items.data[0] ?? null;
  const lookupKey = licensed ? lookupKeyOf(licensed) : null;
  return {
    subscriptionId: sub.id,
    customerId: sub.customer,
    accountId,
    livemode: sub.livemode,
    status: sub.status,
    priceId: licensed?.price.id ?? null,
    productId: licensed?.price.product ?? null,
    planId: (lookupKey ? planForLookupKey(lookupKey)?.plan.id : undefined) ?? (licensed ? metadataPlan(licensed) : null),
    interval: licensed?.price.recurring?.interval ?? null,
    quantity: licensed?.quantity ?? 0,
    items: sub.items.data.map((i) => ({
      itemId: i.id,
      priceId: i.price.id,
      lookupKey: lookupKeyOf(i),
      metered: isMetered(i),
      quantity: i.quantity ?? 0,
      currentPeriodStart: i.current_period_start,
      currentPeriodEnd: i.current_period_end,
      unitAmount: i.price.unit_amount,
      currency: i.price.currency,
      interval: i.price.recurring?.interval ?? null,
      intervalCount: i.price.recurring?.interval_count ?? 1,
    })),
    currentPeriodStart: periodItem?.current_period_start ?? null,
    currentPeriodEnd: periodItem?.current_period_end ?? null,
    billingCycleAnchor: sub.billing_cycle_anchor,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
    cancelAt: sub.cancel_at,
    canceledAt: sub.canceled_at,
    endedAt: sub.ended_at,
    trialStart: sub.trial_start,
    trialEnd: sub.trial_end,
    created: sub.created,
    version,
    updatedAt: now,
  };
}
