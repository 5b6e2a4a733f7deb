// Checkout: customer first (our user id in its metadata), then a hosted subscription Checkout
// Session carrying client_reference_id = user id. A user who already has a live subscription
// gets 409: plan changes go through changePlan, never through a second subscription. And each new
// session expires the customer's other open ones: a Pro tab and a Team tab left open could
// otherwise both be paid, making two subscriptions.
import { AppError } from '../errors/app-error.js';
import type { Identity } from '../identity/identity.js';
import { isCurrentSubscriptionStatus, type BillingSummary } from '../model/documents.js';
import { nowSeconds } from '../ports/clock.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { ensureStripeCustomer } from './ensure-stripe-customer.js';
import { checkoutKey } from './idempotency-keys.js';
import { resolvePlanPrices } from './plan-prices.js';
import { seatsToBuy } from './plan-seats.js';
import { readUser } from './read-user.js';

/** One trial per user: someone who subscribed before (and canceled) pays from day one. */
export function trialAvailable(billing: BillingSummary | null): boolean {
  return !billing?.subscriptionId;
}

/** The user still has a subscription to change rather than a new one to buy (the model's current statuses). */
export function hasLiveSubscription(billing: BillingSummary | null): boolean {
  return billing?.status != null && isCurrentSubscriptionStatus(billing.status);
}

/** `seats`: for a per-seat plan (default: its minimum); a flat plan takes none (or 1). */
export async function startCheckout(deps: BillingOpsDeps, identity: Identity, lookupKey: string, seats?: number): Promise<{ sessionId: string; url: string }> {
  const target = resolvePlanPrices(deps.priceIds, lookupKey);
  const quantity = seatsToBuy(target.plan, seats);
  const user = await readUser(deps.firestore, identity.userId);
  if (hasLiveSubscription(user.billing)) {
    throw new AppError('conflict', 'You already have a subscription: change its plan instead', { subscriptionId: user.billing?.subscriptionId ?? null });
  }
  const customerId = await ensureStripeCustomer(deps, identity, user);
  const trialDays = trialAvailable(user.billing) ? target.plan.trialDays : 0;
  const session = await deps.gateway.createCheckoutSession(
    {
      customerId,
      userId: identity.userId,
      prices: [{ priceId: target.priceId, metered: false, quantity }, ...target.meteredPriceIds.map((priceId) => ({ priceId, metered: true as const }))],
      trialDays,
      successUrl: `${deps.publicBaseUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${deps.publicBaseUrl}/billing?checkout=canceled`,
      allowPromotionCodes: deps.allowPromotionCodes,
    },
    checkoutKey(identity.userId, target.priceId, quantity, nowSeconds(deps.clock)),
  );
  // After creating, not before: a doubled request gets this same session back (idempotency key) and must not expire it.
  await deps.gateway.expireOpenCheckoutSessions({ customerId, except: session.id });
  return { sessionId: session.id, url: session.url };
}
