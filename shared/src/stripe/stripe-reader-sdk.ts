// The StripeReader over the Stripe SDK. Its failures leave in the port's terms (readStripe): a
// TransientError, a StripeObjectNotFound or another PermanentError, never an SDK error.
import type Stripe from 'stripe';
import type { StripeReader } from '../ports/stripe-reader.js';
import { readStripe } from './stripe-read-error.js';

export function createSdkStripeReader(stripe: Stripe): StripeReader {
  return {
    retrieveSubscription: (id) => readStripe('subscription', () => stripe.subscriptions.retrieve(id)),
    retrieveCustomer: (id) => readStripe('customer', () => stripe.customers.retrieve(id)),
    retrieveInvoice: (id) => readStripe('invoice', () => stripe.invoices.retrieve(id)),
    retrieveCheckoutSession: (id) => readStripe('checkout session', () => stripe.checkout.sessions.retrieve(id)),
    listActiveEntitlements: (customerId) =>
      readStripe('active entitlements', async () => {
        const all: Stripe.Entitlements.ActiveEntitlement[] = [];
        for await (const e of stripe.entitlements.activeEntitlements.list({ customer: customerId, limit: 100 })) all.push(e);
        return all;
      }),
  };
}
