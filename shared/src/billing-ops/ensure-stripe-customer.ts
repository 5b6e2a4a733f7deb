// One Stripe customer per user, even when two checkout clicks race: the Stripe create call
// carries an idempotency key derived from the request (both calls get the same customer) and
// the mapping is recorded in one transaction (users/{uid}.stripeCustomerId + customers/{id}),
// which keeps the first recorded id if a concurrent request got there first.
import { FieldValue } from '@google-cloud/firestore';
import { AppError } from '../errors/app-error.js';
import type { Identity } from '../identity/identity.js';
import { createStore } from '../firestore/store.js';
import type { UserDoc } from '../model/documents.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { customerKey } from './idempotency-keys.js';

export async function ensureStripeCustomer(deps: Pick<BillingOpsDeps, 'firestore' | 'gateway'>, identity: Identity, user: UserDoc): Promise<string> {
  if (user.stripeCustomerId) return user.stripeCustomerId;
  const request = { userId: identity.userId, email: identity.email };
  const customer = await deps.gateway.createCustomer(request, customerKey(request));
  const store = createStore(deps.firestore);
  const userRef = store.users.doc(identity.userId);
  const customerRef = store.customers.doc(customer.id);
  return deps.firestore.runTransaction(async (tx) => {
    const [userSnap, customerSnap] = await Promise.all([tx.get(userRef), tx.get(customerRef)]);
    if (!userSnap.exists) throw new AppError('not_found', 'User not found');
    const recorded = userSnap.data()?.stripeCustomerId;
    if (recorded) return recorded;
    tx.update(userRef, { stripeCustomerId: customer.id, updatedAt: FieldValue.serverTimestamp() });
    // The applier may already have stored the customer from `customer.created`; keep its version.
    if (!customerSnap.exists) {
      tx.create(customerRef, {
        customerId: customer.id,
        userId: identity.userId,
        email: identity.email,
        deleted: false,
        livemode: customer.livemode,
        // created 0: a mapping, not a Stripe state; every customer event is newer than it.
        version: { created: 0, eventId: null, source: 'fetch', revision: 0 },
        updatedAt: FieldValue.serverTimestamp(),
      });
    }
    return customer.id;
  });
}
