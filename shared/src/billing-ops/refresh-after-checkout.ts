// The success page shows the new plan before the webhook lands, without trusting the browser:
// the session id in the URL is only a hint. We retrieve the session from Stripe, check that it
// belongs to the signed-in user, then have its subscription retrieved and stored with the
// applier's compare-and-set write (so a newer state from an event is never overwritten).
import { notFound } from '../errors/app-error.js';
import { idOf } from '../model/ids.js';
import { StripeObjectNotFound } from '../ports/stripe-reader.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { readAccount } from './read-account.js';

export type CheckoutRefresh = { status: 'complete'; subscriptionId: string } | { status: 'open' | 'expired' };

export async function refreshAfterCheckout(deps: BillingOpsDeps, accountId: string, sessionId: string): Promise<CheckoutRefresh> {
  const session = await deps.reader.retrieveCheckoutSession(sessionId).catch((err: unknown) => {
    if (err instanceof StripeObjectNotFound) throw notFound('Checkout session');
    throw err;
  });
  const user = await readAccount(deps.firestore, accountId);
  const customerId = idOf(session.customer);
  // Someone else's session id answers exactly like a made-up one.
  if (session.client_reference_id !== accountId || !user.stripeCustomerId || customerId !== user.stripeCustomerId)
    throw notFound('Checkout session');
  const subscriptionId = idOf(session.subscription);
  if (session.status !== 'complete' || !subscriptionId) return { status: session.status === 'expired' ? 'expired' : 'open' };
  await deps.refreshStoredSubscription(subscriptionId, { accountIdHint: accountId, livemode: session.livemode });
  return { status: 'complete', subscriptionId };
}
