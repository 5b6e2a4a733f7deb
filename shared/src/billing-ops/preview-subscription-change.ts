// What a plan or seats change would cost, before the user confirms it: Stripe's invoice preview of
// the same item changes changePlan/changeSeats would send. Same interval: the prorations wait for
// the next invoice (create_prorations). A new interval restarts the billing period and is invoiced
// at once. The confirmed change prorates at its own moment, so the amount can differ from the
// preview by the seconds in between.
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { planPlanChange } from './change-plan.js';
import { planSeatsChange } from './change-seats.js';
import type { PlannedSubscriptionChange } from './owned-subscription.js';
import { licensedItem } from './plan-item-changes.js';

export interface ChangePreview {
  currency: string;
  /** The change restarts the billing period (a new billing interval) and is invoiced at once. */
  invoicedNow: boolean;
  /** What that invoice charges, credits for unused time and balance taken off; 0 unless invoicedNow. */
  amountDueNow: number;
  /** The change's prorations added to the next invoice (negative: a credit on it); 0 when invoicedNow. */
  proration: number;
  /** When the next invoice comes (the current period's end, or the trial's), unix seconds; null when invoicedNow. */
  nextInvoiceAt: number | null;
}

/**
 * `newInterval`: the change moves the licensed price to another billing interval, which restarts
 * the billing period; Stripe then invoices at once, except during a trial (nothing is charged
 * before it ends).
 */
async function preview(deps: BillingOpsDeps, change: PlannedSubscriptionChange, newInterval: boolean): Promise<ChangePreview> {
  const { subscription, customerId, items } = change;
  const p = await deps.gateway.previewSubscriptionChange({ customerId, subscriptionId: subscription.id, items });
  return newInterval && subscription.status !== 'trialing'
    ? { currency: p.currency, invoicedNow: true, amountDueNow: p.amountDue, proration: 0, nextInvoiceAt: null }
    : { currency: p.currency, invoicedNow: false, amountDueNow: 0, proration: p.proration, nextInvoiceAt: licensedItem(subscription, deps.priceIds)?.current_period_end ?? null };
}

export async function previewPlanChange(deps: BillingOpsDeps, accountId: string, lookupKey: string): Promise<ChangePreview> {
  const change = await planPlanChange(deps, accountId, lookupKey);
  const interval = licensedItem(change.subscription, deps.priceIds)?.price.recurring?.interval;
  return preview(deps, change, interval !== change.target.price.interval);
}

/** Seats keep the price, and so the interval. */
export async function previewSeatsChange(deps: BillingOpsDeps, accountId: string, seats: number): Promise<ChangePreview> {
  return preview(deps, await planSeatsChange(deps, accountId, seats), false);
}
