// Upgrade/downgrade through the app's own API (the portal offers the same): swap the price with
// proration, then store the result so the page shows the new plan at once.
import { refuseSeatsBelowUse, seatsInUse } from '../accounts/seats.js';
import { AppError } from '../errors/app-error.js';
import { createStore } from '../firestore/store.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { subscriptionItemsKey } from './idempotency-keys.js';
import { loadOwnedSubscription, type PlannedSubscriptionChange } from './owned-subscription.js';
import { licensedItem, planItemChanges } from './plan-item-changes.js';
import { seatsAfterMove } from './plan-seats.js';
import { resolvePlanPrices, type PlanPrices } from './plan-prices.js';

export interface PlannedPlanChange extends PlannedSubscriptionChange {
  target: PlanPrices;
}

/** The account's subscription and the item changes that move it onto `lookupKey` (409 when already there, or onto fewer seats than are in use). */
export async function planPlanChange(deps: BillingOpsDeps, accountId: string, lookupKey: string): Promise<PlannedPlanChange> {
  const target = resolvePlanPrices(deps.priceIds, lookupKey);
  const owned = await loadOwnedSubscription(deps, accountId);
  const items = planItemChanges(owned.subscription, deps.priceIds, target);
  if (items.length === 0) throw new AppError('conflict', 'You are already on this plan');
  // A move onto fewer seats (a flat plan has one) must leave one for every member and invitation.
  const seats = seatsAfterMove(target.plan, licensedItem(owned.subscription, deps.priceIds)?.quantity ?? 1);
  refuseSeatsBelowUse(seats, await seatsInUse(createStore(deps.firestore), accountId, deps.clock.now()));
  return { ...owned, target, items };
}

export async function changePlan(deps: BillingOpsDeps, accountId: string, lookupKey: string): Promise<{ subscriptionId: string }> {
  const { subscription, revision, items } = await planPlanChange(deps, accountId, lookupKey);
  const request = { subscriptionId: subscription.id, items };
  const updated = await deps.gateway.changeSubscriptionItems(request, subscriptionItemsKey(request, revision));
  await deps.refreshStoredSubscription(updated.id, { accountIdHint: accountId, livemode: updated.livemode });
  return { subscriptionId: updated.id };
}
