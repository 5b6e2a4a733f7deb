// The console's list fields of one account (`accounts/{accountId}.listing`), from the billing
// summary the applier just computed and the customer's subscriptions. Pure; the applier calls it
// where it writes the summary (billing/stage-customer-change.ts), so the customer list filters on
// stored fields instead of reading subscriptions.
import type { BillingSummary, SubscriptionDoc } from '../model/documents.js';
import type { CustomerListing, ListingStatus } from '../model/operator-documents.js';
import { isCurrentSubscriptionStatus } from '../model/subscription-status.js';
import { divideAmount, roundToCents } from './exact-amount.js';
import { annualAmount } from './revenue-summary.js';

/** The list's status of a billing summary (model/operator-documents.ts says what each means). */
export function listingStatus(billing: BillingSummary | null): ListingStatus {
  const status = billing?.status ?? null;
  if (status === null) return 'none';
  if (isCurrentSubscriptionStatus(status) && (billing?.cancelAtPeriodEnd || billing?.cancelAt != null)) return 'canceling';
  if (status === 'unpaid') return 'past_due';
  if (status === 'incomplete_expired') return 'canceled';
  return status;
}

/**
 * MRR as the revenue view counts it (revenue-summary.ts): the summary's subscription pays its
 * licensed price while active or past due (a cancelling one still pays until it ends); usd only.
 */
export function customerListing(billing: BillingSummary | null, subscriptions: readonly SubscriptionDoc[]): CustomerListing {
  const current = subscriptions.find((s) => s.subscriptionId === billing?.subscriptionId);
  const paying = current !== undefined && (current.status === 'active' || current.status === 'past_due');
  const priced = paying ? annualAmount(current) : null;
  const mrr = priced && priced.currency === 'usd' ? roundToCents(divideAmount(priced.amount, 12)) : 0;
  return { status: listingStatus(billing), planId: billing?.planId ?? null, mrr };
}

export const sameListing = (a: CustomerListing | undefined, b: CustomerListing): boolean =>
  a !== undefined && a.status === b.status && a.planId === b.planId && a.mrr === b.mrr;
