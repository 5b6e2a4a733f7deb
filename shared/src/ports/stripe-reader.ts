// What the event applier (and the app's post-checkout refresh) reads from Stripe to resolve
// ties and recover mappings. Implemented over the Stripe SDK in stripe-reader-sdk.ts; every call
// is one API request except listActiveEntitlements, which pages.
import type Stripe from 'stripe';

export interface StripeReader {
  retrieveSubscription(id: string): Promise<Stripe.Subscription>;
  /** A deleted customer comes back as `{ id, deleted: true }`. */
  retrieveCustomer(id: string): Promise<Stripe.Customer | Stripe.DeletedCustomer>;
  retrieveInvoice(id: string): Promise<Stripe.Invoice>;
  retrieveCheckoutSession(id: string): Promise<Stripe.Checkout.Session>;
  /** Every active entitlement of the customer, all pages (the event embeds only the first 10). */
  listActiveEntitlements(customerId: string): Promise<Stripe.Entitlements.ActiveEntitlement[]>;
}
