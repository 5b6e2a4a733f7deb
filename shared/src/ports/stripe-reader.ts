// What the event applier (and the app's post-checkout refresh) reads from Stripe to resolve
// ties and recover mappings. Implemented over the Stripe SDK in stripe-reader-sdk.ts; every call
// is one API request except listActiveEntitlements, which pages.
//
// How a read fails, so that no caller reads an SDK error: a TransientError when a retry may pass
// (an outage, a rate limit); a StripeObjectNotFound when Stripe has no such object (a made-up or
// foreign id); another PermanentError when Stripe refuses the read (a request we built wrong, a
// refused key). Anything else is a bug of the reader and propagates as it is.
import type Stripe from 'stripe';
import { PermanentError } from '../errors/app-error.js';

export interface StripeReader {
  retrieveSubscription(id: string): Promise<Stripe.Subscription>;
  /** A deleted customer comes back as `{ id, deleted: true }`. */
  retrieveCustomer(id: string): Promise<Stripe.Customer | Stripe.DeletedCustomer>;
  retrieveInvoice(id: string): Promise<Stripe.Invoice>;
  retrieveCheckoutSession(id: string): Promise<Stripe.Checkout.Session>;
  /** Every active entitlement of the customer, all pages (the event embeds only the first 10). */
  listActiveEntitlements(customerId: string): Promise<Stripe.Entitlements.ActiveEntitlement[]>;
}

/** Stripe has no such object for this account: permanent (a retry will not change it). */
export class StripeObjectNotFound extends PermanentError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StripeObjectNotFound';
  }
}
