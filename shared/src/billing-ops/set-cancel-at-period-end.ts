// Cancel at period end (the user keeps access until then) and its undo ("resume"). Resuming also
// undoes an end scheduled on a custom date (`cancel_at`, set from the Dashboard or the API):
// `cancel_at_period_end=false` clears any scheduled cancellation in Stripe.
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { cancelAtPeriodEndKey } from './idempotency-keys.js';
import { loadOwnedSubscription } from './owned-subscription.js';

export async function setCancelAtPeriodEnd(
  deps: BillingOpsDeps,
  accountId: string,
  cancelAtPeriodEnd: boolean,
): Promise<{ subscriptionId: string; cancelAtPeriodEnd: boolean }> {
  const { subscription, revision } = await loadOwnedSubscription(deps, accountId);
  const scheduledToEnd = subscription.cancel_at_period_end || subscription.cancel_at !== null;
  if (cancelAtPeriodEnd ? subscription.cancel_at_period_end : !scheduledToEnd) {
    // Already in the asked state (a doubled click): store what Stripe says, change nothing.
    await deps.refreshStoredSubscription(subscription.id, { accountIdHint: accountId, livemode: subscription.livemode });
    return { subscriptionId: subscription.id, cancelAtPeriodEnd };
  }
  const request = { subscriptionId: subscription.id, cancelAtPeriodEnd };
  const updated = await deps.gateway.setCancelAtPeriodEnd(request, cancelAtPeriodEndKey(request, revision));
  await deps.refreshStoredSubscription(updated.id, { accountIdHint: accountId, livemode: updated.livemode });
  return { subscriptionId: updated.id, cancelAtPeriodEnd: updated.cancel_at_period_end };
}
