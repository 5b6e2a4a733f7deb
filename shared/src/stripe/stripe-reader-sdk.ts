// The StripeReader over the Stripe SDK. A failure a retry may fix leaves as a TransientError
// (callStripe); the rest leave as the SDK's errors, which the callers read with
// classifyStripeError (the applier's readStripe, the app's isStripeNotFound).
import type Stripe from 'stripe';
import type { StripeReader } from '../ports/stripe-reader.js';
import { callStripe } from './classify-stripe-error.js';

export function createSdkStripeReader(stripe: Stripe): StripeReader {
  return {
    retrieveSubscription: (id) => callStripe('subscription', () => stripe.subscriptions.retrieve(id)),
    retrieveCustomer: (id) => callStripe('customer', () => stripe.customers.retrieve(id)),
    retrieveInvoice: (id) => callStripe('invoice', () => stripe.invoices.retrieve(id)),
    retrieveCheckoutSession: (id) => callStripe('checkout session', () => stripe.checkout.sessions.retrieve(id)),
    listActiveEntitlements: (customerId) =>
      callStripe('active entitlements', async () => {
        const all: Stripe.Entitlements.ActiveEntitlement[] = [];
        for await (const e of stripe.entitlements.activeEntitlements.list({ customer: customerId, limit: 100 })) all.push(e);
        return all;
      }),
  };
}
