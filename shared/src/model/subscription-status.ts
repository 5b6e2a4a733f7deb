// The statuses Stripe gives a subscription, and the one home of what each set of them means to
// the product: checkout, plan changes, access, the event applier and the billing page call these
// predicates instead of listing statuses again.
import { z } from 'zod';

export const SubscriptionStatus = z.enum([
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'canceled',
  'unpaid',
  'paused',
]);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatus>;

/** Statuses in which a subscription is the customer's current one (access may still be limited). */
export const CURRENT_SUBSCRIPTION_STATUSES = [
  'active',
  'trialing',
  'past_due',
  'paused',
  'unpaid',
] as const satisfies readonly SubscriptionStatus[];
export const isCurrentSubscriptionStatus = (status: SubscriptionStatus): boolean =>
  (CURRENT_SUBSCRIPTION_STATUSES as readonly SubscriptionStatus[]).includes(status);

/**
 * In good standing: paid up (active) or in its trial. Such a subscription grants its plan's
 * features (the access decision) and renews at the period end (the billing page's "next payment").
 */
export const isInGoodStanding = (status: SubscriptionStatus | null): boolean => status === 'active' || status === 'trialing';

/** Stripe could not collect the last payment: it is retrying the card (past_due) or has stopped (unpaid). */
export const isPaymentFailedStatus = (status: SubscriptionStatus | null): boolean => status === 'past_due' || status === 'unpaid';

/** What these predicates read of the user's billing summary (`accounts/{accountId}.billing`); null: never subscribed. */
export type SubscriptionState = { readonly status: SubscriptionStatus | null; readonly subscriptionId: string | null } | null;

/** The user still has a subscription to change rather than a new one to buy (a current status). */
export function hasLiveSubscription(billing: SubscriptionState): boolean {
  return billing?.status != null && isCurrentSubscriptionStatus(billing.status);
}

/** One trial per user: someone who subscribed before (and canceled) pays from day one. */
export function trialAvailable(billing: SubscriptionState): boolean {
  return !billing?.subscriptionId;
}
