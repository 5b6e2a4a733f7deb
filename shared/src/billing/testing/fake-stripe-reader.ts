// An in-memory StripeReader for the applier's unit-level tests (ties, mapping recovery). The
// end-to-end tests use the real reader against the local Stripe stand-in instead.
import type Stripe from 'stripe';
import type { StripeReader } from '../../ports/stripe-reader.js';

export interface FakeStripeReader extends StripeReader {
  subscriptions: Map<string, Stripe.Subscription>;
  customers: Map<string, Stripe.Customer | Stripe.DeletedCustomer>;
  invoices: Map<string, Stripe.Invoice>;
  entitlements: Map<string, string[]>;
  /** Every call, as `method:id`, in order. */
  calls: string[];
  /** Runs before a retrieveSubscription answers (lets a test change Firestore mid-fetch). */
  beforeSubscriptionAnswer?: (id: string) => Promise<void>;
}

function missing(kind: string, id: string): Error {
  return new Error(`fake Stripe: no ${kind} ${id}`);
}

export function createFakeStripeReader(): FakeStripeReader {
  const reader: FakeStripeReader = {
    subscriptions: new Map(),
    customers: new Map(),
    invoices: new Map(),
    entitlements: new Map(),
    calls: [],
    async retrieveSubscription(id) {
      reader.calls.push(`subscription:${id}`);
      await reader.beforeSubscriptionAnswer?.(id);
      const s = reader.subscriptions.get(id);
      if (!s) throw missing('subscription', id);
      return structuredClone(s);
    },
    async retrieveCustomer(id) {
      await Promise.resolve();
      reader.calls.push(`customer:${id}`);
      const c = reader.customers.get(id);
      if (!c) throw missing('customer', id);
      return structuredClone(c);
    },
    async retrieveInvoice(id) {
      await Promise.resolve();
      reader.calls.push(`invoice:${id}`);
      const i = reader.invoices.get(id);
      if (!i) throw missing('invoice', id);
      return structuredClone(i);
    },
    retrieveCheckoutSession(id) {
      reader.calls.push(`checkout_session:${id}`);
      return Promise.reject(missing('checkout session', id));
    },
    async listActiveEntitlements(customerId) {
      reader.calls.push(`entitlements:${customerId}`);
      await Promise.resolve();
      return (reader.entitlements.get(customerId) ?? []).map((lookupKey, i) => ({
        id: `ent_${i}`,
        object: 'entitlements.active_entitlement',
        livemode: false,
        lookup_key: lookupKey,
        feature: `feat_${i}`,
      }));
    },
  };
  return reader;
}
