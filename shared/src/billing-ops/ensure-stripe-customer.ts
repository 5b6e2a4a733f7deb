// One Stripe customer per account, even when two checkout clicks race: the Stripe create call
// carries an idempotency key derived from the request (both calls get the same customer) and
// the mapping is recorded in one transaction (accounts/{id}.stripeCustomerId + customers/{id}),
// which keeps the first recorded id if a concurrent request got there first. The customer's
// metadata carries the account id: the applier's way back to the account.
import { FieldValue } from '@google-cloud/firestore';
import { AppError } from '../errors/app-error.js';
import { createStore } from '../firestore/store.js';
import type { AccountDoc } from '../model/account-documents.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';
import { customerKey } from './idempotency-keys.js';

export async function ensureStripeCustomer(deps: Pick<BillingOpsDeps, 'firestore' | 'gateway'>, account: AccountDoc): Promise<string> {
  if (account.stripeCustomerId) return account.stripeCustomerId;
  const request = { accountId: account.accountId, email: account.email };
  const customer = await deps.gateway.createCustomer(request, customerKey(request));
  const store = createStore(deps.firestore);
  const accountRef = store.accounts.doc(account.accountId);
  const customerRef = store.customers.doc(customer.id);
  return deps.firestore.runTransaction(async (tx) => {
    const [accountSnap, customerSnap] = await Promise.all([tx.get(accountRef), tx.get(customerRef)]);
    if (!accountSnap.exists) throw new AppError('not_found', 'Account not found');
    const recorded = accountSnap.data()?.stripeCustomerId;
    if (recorded) return recorded;
    tx.update(accountRef, { stripeCustomerId: customer.id, updatedAt: FieldValue.serverTimestamp() });
    // The applier may already have stored the customer from `customer.created`; keep its version.
    if (!customerSnap.exists) {
      tx.create(customerRef, {
        customerId: customer.id,
        accountId: account.accountId,
        email: account.email,
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
