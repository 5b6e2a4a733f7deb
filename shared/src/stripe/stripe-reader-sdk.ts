import type Stripe from 'stripe';
import type { StripeReader } from '../ports/stripe-reader.js';

export function createSdkStripeReader(stripe: Stripe): StripeReader {
  return {
    retrieveSubscription: (id) => stripe.subscriptions.retrieve(id),
    retrieveCustomer: (id) => stripe.customers.retrieve(id),
    retrieveInvoice: (id) => stripe.invoices.retrieve(id),
    retrieveCheckoutSession: (id) => stripe.checkout.sessions.retrieve(id),
    async listActiveEntitlements(customerId) {
      const all: Stripe.Entitlements.ActiveEntitlement[] = [];
      for await (const e of stripe.entitlements.activeEntitlements.list({ customer: customerId, limit: 100 })) all.push(e);
      return all;
    },
  };
}
