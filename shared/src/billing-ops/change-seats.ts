// Seats of a per-seat plan through the app's own API: change the licensed item's quantity with
// proration, then store the result so the page shows the new count at once.
import { refuseSeatsBelowUse, seatsInUse } from '../accounts/seats.js';
import { AppError } from '../errors/app-error.js';
import { createStore } from '../firestore/store.js';
import { planForPriceId } from '../plans/catalog.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { subscriptionItemsKey } from './idempotency-keys.js';
import { licensedItem } from './plan-item-changes.js';
import { loadOwnedSubscription, type PlannedSubscriptionChange } from './owned-subscription.js';
import { seatsToBuy } from './plan-seats.js';

export interface PlannedSeatsChange extends PlannedSubscriptionChange {
  /** The seats bought: the request's, checked against the plan's range. */
  quantity: number;
}

/** The account's subscription and the quantity change to `seats` (409 off a per-seat catalog plan, when unchanged, or below the seats in use). */
export async function planSeatsChange(deps: BillingOpsDeps, accountId: string, seats: number): Promise<PlannedSeatsChange> {
  const owned = await loadOwnedSubscription(deps, accountId);
  const licensed = licensedItem(owned.subscription, deps.priceIds);
  const hit = licensed ? planForPriceId(deps.priceIds, licensed.price.id) : null;
  if (!licensed || !hit)
    throw new AppError('conflict', 'This subscription is on a price outside the plans: change its seats in Manage billing');
  const { plan } = hit;
  if (!plan.seats) throw new AppError('conflict', `The ${plan.name} plan is not priced per seat`);
  const quantity = seatsToBuy(plan, seats);
  if ((licensed.quantity ?? 1) === quantity) throw new AppError('conflict', `You already have ${quantity} seats`);
  // Fewer seats than members and invitations: refused until members are removed.
  if (quantity < (licensed.quantity ?? 1))
    refuseSeatsBelowUse(quantity, await seatsInUse(createStore(deps.firestore), accountId, deps.clock.now()));
  return { ...owned, quantity, items: [{ kind: 'quantity', itemId: licensed.id, quantity }] };
}

export async function changeSeats(
  deps: BillingOpsDeps,
  accountId: string,
  seats: number,
): Promise<{ subscriptionId: string; seats: number }> {
  const { subscription, revision, quantity, items } = await planSeatsChange(deps, accountId, seats);
  const request = { subscriptionId: subscription.id, items };
  const updated = await deps.gateway.changeSubscriptionItems(request, subscriptionItemsKey(request, revision));
  await deps.refreshStoredSubscription(updated.id, { accountIdHint: accountId, livemode: updated.livemode });
  return { subscriptionId: updated.id, seats: quantity };
}
