// Checkout: customer first (our account id in its metadata), then a hosted subscription Checkout
// Session carrying client_reference_id = account id. An account that already has a live subscription
// gets 409: plan changes go through changePlan, never through a second subscription. And each new
// session expires the customer's other open ones: a Pro tab and a Team tab left open could
// otherwise both be paid, making two subscriptions.
import type { Firestore } from '@google-cloud/firestore';
import { AppError } from '../errors/app-error.js';
import { createStore } from '../firestore/store.js';
import { hasLiveSubscription, trialAvailable } from '../model/subscription-status.js';
import { nowSeconds } from '../ports/clock.js';
import type { CreateCheckoutSessionInput } from '../ports/billing-gateway.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { ensureStripeCustomer } from './ensure-stripe-customer.js';
import { checkoutKey } from './idempotency-keys.js';
import { resolvePlanPrices } from './plan-prices.js';
import { seatsToBuy } from './plan-seats.js';
import { readAccount } from './read-account.js';

/**
 * Every subscription of the customer the applier has stored, canceled ones included (the index
 * it keeps next to them): it grows when a checkout's subscription becomes known, whatever the
 * clock says, which the billing summary's "latest subscription" does not promise (two created in
 * the same second tie).
 */
async function storedSubscriptionIds(firestore: Firestore, customerId: string): Promise<readonly string[]> {
  const snap = await createStore(firestore).customerObjects.doc(customerId).get();
  return snap.data()?.subscriptionIds ?? [];
}

/** `seats`: for a per-seat plan (default: its minimum); a flat plan takes none (or 1). */
export async function startCheckout(
  deps: BillingOpsDeps,
  accountId: string,
  lookupKey: string,
  seats?: number,
): Promise<{ sessionId: string; url: string }> {
  const target = resolvePlanPrices(deps.priceIds, lookupKey);
  const quantity = seatsToBuy(target.plan, seats);
  const account = await readAccount(deps.firestore, accountId);
  if (hasLiveSubscription(account.billing)) {
    throw new AppError('conflict', 'You already have a subscription: change its plan instead', {
      subscriptionId: account.billing?.subscriptionId ?? null,
    });
  }
  const customerId = await ensureStripeCustomer(deps, account);
  const trialDays = trialAvailable(account.billing) ? target.plan.trialDays : 0;
  const request: CreateCheckoutSessionInput = {
    customerId,
    accountId,
    prices: [
      { priceId: target.priceId, metered: false, quantity },
      ...target.meteredPriceIds.map((priceId) => ({ priceId, metered: true as const })),
    ],
    trialDays,
    successUrl: `${deps.publicBaseUrl}/billing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${deps.publicBaseUrl}/billing?checkout=canceled`,
    allowPromotionCodes: deps.allowPromotionCodes,
  };
  // The key is derived from this very request: one that differs in anything (no trial the second
  // time, other seats, another customer) can never reuse a key Stripe saw with other parameters.
  const key = checkoutKey(request, { subscriptionIds: await storedSubscriptionIds(deps.firestore, customerId) }, nowSeconds(deps.clock));
  const session = await deps.gateway.createCheckoutSession(request, key);
  // After creating, not before: a doubled request gets this same session back (idempotency key) and must not expire it.
  await deps.gateway.expireOpenCheckoutSessions({ customerId, except: session.id });
  return { sessionId: session.id, url: session.url };
}
