// Our own deterministic Stripe idempotency keys (Stripe keeps a key for at least 24 h). The same
// logical request gives the same key, so a double click or a retry replays the first result
// instead of creating a second customer, session or change.

/** One customer per user, ever: Firestore keeps the mapping beyond Stripe's 24 h key window. */
export const customerKey = (userId: string): string => `customer-create:${userId}`;

/**
 * Same user, same price and seats, same 5-minute bucket → the same Checkout Session (other seats:
 * another session, since Stripe refuses a key reused with other parameters). Two clicks that
 * straddle a bucket boundary get two sessions, and the second expires the first (start-checkout.ts),
 * so only one can be paid.
 */
export const CHECKOUT_BUCKET_SECONDS = 300;
export const checkoutKey = (userId: string, priceId: string, quantity: number, nowSeconds: number): string =>
  `checkout:${userId}:${priceId}:${quantity}:${Math.floor(nowSeconds / CHECKOUT_BUCKET_SECONDS)}`;

/**
 * Subscription changes are keyed on the state they were decided on: the stored subscription's
 * revision (bumped by every write of it). A doubled request on the same state collapses; the
 * same action after a state change (cancel, resume, cancel again) is a new key.
 */
export const subscriptionChangeKey = (action: string, subscriptionId: string, target: string, revision: number | null): string =>
  `subscription:${action}:${subscriptionId}:${target}:rev-${revision ?? 'none'}`;
