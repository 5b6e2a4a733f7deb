// What every billing operation of the app needs, injected by the app's composition root.
import type { Firestore } from '@google-cloud/firestore';
import type { BillingGateway } from '../ports/billing-gateway.js';
import type { Clock } from '../ports/clock.js';
import type { StripeReader } from '../ports/stripe-reader.js';
import type { PriceIdMap } from '../plans/catalog.js';

/**
 * Retrieves the subscription from Stripe and stores it (and the account's billing summary derived
 * from it) with the event applier's compare-and-set primitive (shared/src/billing/
 * refresh-subscription.ts), so the app's writes and the applier's never overwrite a newer state
 * with an older one.
 */
export type RefreshStoredSubscription = (subscriptionId: string, opts: { accountIdHint: string; livemode: boolean }) => Promise<void>;

export interface BillingOpsDeps {
  firestore: Firestore;
  gateway: BillingGateway;
  reader: StripeReader;
  priceIds: PriceIdMap;
  clock: Clock;
  refreshStoredSubscription: RefreshStoredSubscription;
  /** True with a live-mode Stripe key. */
  livemode: boolean;
  /** e.g. https://app.example.com (no trailing slash): base of success, cancel and return URLs. */
  publicBaseUrl: string;
  /** Checkout shows a promotion code field (CHECKOUT_PROMOTION_CODES). */
  allowPromotionCodes: boolean;
}
