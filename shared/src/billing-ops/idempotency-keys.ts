// Our own deterministic Stripe idempotency keys (Stripe keeps a key for at least 24 h). The same
// logical request gives the same key, so a double click or a retry replays the first result
// instead of creating a second customer, session or change.
//
// Stripe refuses a key reused with other parameters (400 idempotency_error, a 500 for the user):
// resubscribing within minutes of a cancellation sent Checkout the same key without the trial.
// So every key is a hash of the whole request the gateway is given (canonical JSON: every
// parameter, in any order), plus what the request was decided on, plus a version. Identical
// requests share a key; any difference in what is sent gets a new one, by construction rather
// than by listing fields. The gateway adapter maps its input to Stripe's parameters one to one
// (billing-gateway-sdk.ts); a change to that mapping changes what a key stands for: bump
// REQUEST_SHAPE then, so a deploy inside a key's 24 h does not send old keys with new parameters.
// https://docs.stripe.com/api/idempotent_requests
import { createHash } from 'node:crypto';
import type { CreateCheckoutSessionInput, CreateCustomerInput, SubscriptionItemChange } from '../ports/billing-gateway.js';
import { canonicalJson } from './canonical-json.js';

/** The version of the gateway's input-to-request mapping that keys are derived for. */
const REQUEST_SHAPE = 3;

/** `<operation>:<hash>`: at most ~80 characters (Stripe allows 255), the same for equal inputs. */
export function requestKey(operation: string, request: object, decidedOn: object = {}): string {
  const digest = createHash('sha256')
    .update(canonicalJson({ shape: REQUEST_SHAPE, operation, request, decidedOn }))
    .digest('base64url');
  return `${operation}:${digest}`;
}

/**
 * Covers the customer's account id and email. One customer per account comes first from Firestore
 * (ensure-stripe-customer.ts creates only when none is recorded); the key makes two racing first
 * checkouts share one. Another email (the account's changed) is another request, so another key:
 * a second customer then needs the first one's id to have been lost before it was recorded.
 */
export const customerKey = (request: CreateCustomerInput): string => requestKey('customer-create', request);

/**
 * Covers everything Checkout is sent: customer, user, prices and seats, trial days, success and
 * cancel URLs, promotion codes. Decided on: the customer's subscriptions as stored, canceled ones
 * included (so once a checkout's subscription is known, the same request is a new session, not the
 * replay of the completed one), and a 5-minute window: a double click shares a session, a
 * deliberate retry later gets a fresh one. Two clicks that straddle a window boundary get two
 * sessions, and the second expires the first (start-checkout.ts), so only one can be paid.
 */
export const CHECKOUT_BUCKET_SECONDS = 300;
export const checkoutKey = (
  request: CreateCheckoutSessionInput,
  decidedOn: { subscriptionIds: readonly string[] },
  nowSeconds: number,
): string => requestKey('checkout', request, { ...decidedOn, window: Math.floor(nowSeconds / CHECKOUT_BUCKET_SECONDS) });

/**
 * Subscription changes are keyed on the request and on the state they were decided on: the stored
 * subscription's revision (bumped by every write of it). A doubled request on the same state
 * collapses; the same change after a state change (a plan there and back, a cancel after a
 * resume) is a new key.
 */
export const subscriptionItemsKey = (
  request: { subscriptionId: string; items: readonly SubscriptionItemChange[]; onlyIfPaid?: boolean },
  revision: number | null,
): string => requestKey('subscription-items', request, { revision });

export const cancelAtPeriodEndKey = (request: { subscriptionId: string; cancelAtPeriodEnd: boolean }, revision: number | null): string =>
  requestKey('subscription-cancel-at-period-end', request, { revision });
