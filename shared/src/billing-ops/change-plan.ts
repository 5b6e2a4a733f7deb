// Upgrade/downgrade through the app's own API (the portal offers the same): swap the price with
// proration, then store the result so the page shows the new plan at once. A change invoiced at
// once (a new billing interval) is granted only if that invoice is paid: Stripe's pending update
// (`pending_if_incomplete`) leaves the plan as it was when the charge fails, and we say so.
import { refuseSeatsBelowUse, seatsInUse } from '../accounts/seats.js';
import { AppError } from '../errors/app-error.js';
import { idOf } from '../model/ids.js';
import { formatMoney } from '../money/format-money.js';
import { createStore } from '../firestore/store.js';
import type { SubscriptionItemChange } from '../ports/billing-gateway.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { subscriptionItemsKey } from './idempotency-keys.js';
import { loadOwnedSubscription, type PlannedSubscriptionChange } from './owned-subscription.js';
import { licensedItem, planItemChanges } from './plan-item-changes.js';
import { seatsAfterMove, seatsToBuy } from './plan-seats.js';
import { resolvePlanPrices, type PlanPrices } from './plan-prices.js';

export interface PlannedPlanChange extends PlannedSubscriptionChange {
  target: PlanPrices;
  /** The licensed quantity after the change: the seats of a per-seat plan, 1 on a flat one. */
  seats: number;
}

/**
 * The account's subscription and the item changes that move it onto `lookupKey` (409 when already
 * there, or onto fewer seats than are in use). `seats`: for a per-seat target plan, the seats to
 * buy (400 outside its range, or on a flat plan); without it the current seats are kept in range.
 */
export async function planPlanChange(
  deps: BillingOpsDeps,
  accountId: string,
  lookupKey: string,
  seats?: number,
): Promise<PlannedPlanChange> {
  const target = resolvePlanPrices(deps.priceIds, lookupKey);
  const chosen = seats === undefined ? undefined : seatsToBuy(target.plan, seats);
  const owned = await loadOwnedSubscription(deps, accountId);
  const items = planItemChanges(owned.subscription, deps.priceIds, target, chosen);
  if (items.length === 0) throw new AppError('conflict', 'You are already on this plan');
  // A move onto fewer seats (a flat plan has one) must leave one for every member and invitation.
  const after = chosen ?? seatsAfterMove(target.plan, licensedItem(owned.subscription, deps.priceIds)?.quantity ?? 1);
  refuseSeatsBelowUse(after, await seatsInUse(createStore(deps.firestore), accountId, deps.clock.now()));
  return { ...owned, target, items, seats: after };
}

/** The change restarts the billing period (another interval) outside a trial: Stripe invoices it at once. */
export function invoicedAtOnce(change: PlannedPlanChange, priceIds: BillingOpsDeps['priceIds']): boolean {
  const interval = licensedItem(change.subscription, priceIds)?.price.recurring?.interval;
  return change.subscription.status !== 'trialing' && interval !== change.target.price.interval;
}

export async function changePlan(
  deps: BillingOpsDeps,
  accountId: string,
  lookupKey: string,
  seats?: number,
): Promise<{ subscriptionId: string }> {
  const change = await planPlanChange(deps, accountId, lookupKey, seats);
  const { subscription, revision, items } = change;
  const onlyIfPaid = invoicedAtOnce(change, deps.priceIds);
  // A pending update holds only items' prices and quantities (Stripe refuses `deleted` with
  // pending_if_incomplete): the metered prices the new plan does not bill are removed once the
  // change is paid, in a second update. Until then the old plan keeps them, as it should. If that
  // second update fails, the request fails with the plan already changed: the user's retry plans
  // the change again from Stripe's subscription, which then needs only the removals.
  const removals: readonly SubscriptionItemChange[] = onlyIfPaid ? items.filter((i) => i.kind === 'remove') : [];
  const request = { subscriptionId: subscription.id, items: items.filter((i) => !removals.includes(i)), onlyIfPaid };
  let updated = await deps.gateway.changeSubscriptionItems(request, subscriptionItemsKey(request, revision));
  if (!updated.pending_update && removals.length > 0) {
    const removal = { subscriptionId: subscription.id, items: removals, onlyIfPaid: false };
    updated = await deps.gateway.changeSubscriptionItems(removal, subscriptionItemsKey(removal, revision));
  }
  await deps.refreshStoredSubscription(updated.id, { accountIdHint: accountId, livemode: updated.livemode });
  if (updated.pending_update) throw await unpaidChange(deps, change, idOf(updated.latest_invoice));
  return { subscriptionId: updated.id };
}

/**
 * 402: the charge for the change failed, so the plan is unchanged. The open invoice, if paid before
 * the pending update expires, completes the change (Stripe applies it then).
 */
async function unpaidChange(deps: BillingOpsDeps, change: PlannedPlanChange, invoiceId: string | null): Promise<AppError> {
  const invoice = invoiceId ? await deps.gateway.retrieveInvoice(invoiceId) : null;
  const amount = invoice ? `the ${formatMoney(invoice.amountDue, invoice.currency)} charge` : 'the charge';
  return new AppError(
    'payment_required',
    `Your card was declined for ${amount}, so your plan was not changed. Update your payment method and try again.`,
    {
      reason: 'payment_failed',
      targetPlan: change.target.plan.name,
      invoiceId: invoice?.id ?? null,
      hostedInvoiceUrl: invoice?.hostedInvoiceUrl ?? null,
    },
  );
}
