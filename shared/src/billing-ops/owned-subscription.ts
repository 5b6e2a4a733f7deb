// The signed-in user's current subscription, retrieved fresh from Stripe and checked to belong
// to the account's own customer: the basis of every change the app makes to a subscription.
import type Stripe from 'stripe';
import type { SubscriptionItemChange } from '../ports/billing-gateway.js';
import { AppError } from '../errors/app-error.js';
import { idOf } from '../model/ids.js';
import { hasLiveSubscription } from '../model/subscription-status.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { readSubscriptionRevision, readAccount } from './read-account.js';

export interface OwnedSubscription {
  subscription: Stripe.Subscription;
  /** The stored revision, the basis of idempotency keys (see idempotency-keys.ts). */
  revision: number | null;
  /** The user's Stripe customer, which owns the subscription. */
  customerId: string;
}

/** A change to the account's subscription, planned: the item changes to send Stripe (or preview). */
export interface PlannedSubscriptionChange extends OwnedSubscription {
  items: SubscriptionItemChange[];
}

export async function loadOwnedSubscription(deps: BillingOpsDeps, accountId: string): Promise<OwnedSubscription> {
  const user = await readAccount(deps.firestore, accountId);
  const subscriptionId = user.billing?.subscriptionId;
  if (!subscriptionId || !user.stripeCustomerId || !hasLiveSubscription(user.billing)) {
    throw new AppError('conflict', 'No active subscription: subscribe first');
  }
  const [subscription, revision] = await Promise.all([
    deps.reader.retrieveSubscription(subscriptionId),
    readSubscriptionRevision(deps.firestore, subscriptionId),
  ]);
  // Defence in depth: the summary is written by our applier, but never act on a foreign customer's subscription.
  if (idOf(subscription.customer) !== user.stripeCustomerId) throw new AppError('not_found', 'Subscription not found');
  return { subscription, revision, customerId: user.stripeCustomerId };
}

/**
 * Re-reads the account's subscription from Stripe and stores it (return from the portal, where the
 * user may have canceled or switched plan). No-op without one. The id comes from the account's own
 * billing summary, never from the request.
 */
export async function refreshAccountSubscription(deps: BillingOpsDeps, accountId: string): Promise<void> {
  const user = await readAccount(deps.firestore, accountId);
  const subscriptionId = user.billing?.subscriptionId;
  if (!subscriptionId || !user.stripeCustomerId) return;
  await deps.refreshStoredSubscription(subscriptionId, { accountIdHint: accountId, livemode: deps.livemode });
}
