// Upgrade/downgrade through the app's own API (the portal offers the same): swap the price with
// proration, then store the result so the page shows the new plan at once.
import { AppError } from '../errors/app-error.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { subscriptionChangeKey } from './idempotency-keys.js';
import { loadOwnedSubscription } from './owned-subscription.js';
import { planItemChanges } from './plan-item-changes.js';
import { resolvePlanPrices } from './plan-prices.js';

export async function changePlan(deps: BillingOpsDeps, userId: string, lookupKey: string): Promise<{ subscriptionId: string }> {
  const target = resolvePlanPrices(deps.priceIds, lookupKey);
  const { subscription, revision } = await loadOwnedSubscription(deps, userId);
  const items = planItemChanges(subscription, deps.priceIds, target);
  if (items.length === 0) throw new AppError('conflict', 'You are already on this plan');
  const updated = await deps.gateway.changeSubscriptionItems(
    { subscriptionId: subscription.id, items },
    subscriptionChangeKey('plan', subscription.id, target.priceId, revision),
  );
  await deps.refreshStoredSubscription(updated.id, { userIdHint: userId, livemode: updated.livemode });
  return { subscriptionId: updated.id };
}
