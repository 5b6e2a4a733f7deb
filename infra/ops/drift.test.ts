// The drift report against the Stripe stand-in and the Firestore emulator: a customer Firestore
// follows has no drift; corrupted documents are reported field by field (subscription status and
// seats, entitlements); the resync that --fix runs brings the subscription back.
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '@billing/shared/firestore/store.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createSdkStripeReader } from '@billing/shared/stripe/stripe-reader-sdk.js';
import { accountDocFixture } from '@billing/shared/testing/billing-summary-fixture.js';
import { testFirestore } from '@billing/shared/testing/emulator.js';
import { startStandIn } from '@billing/stripe-stand-in/testing/start-stand-in.js';
import { driftLines, findDrift } from './drift.js';
import { resyncSubscriptions } from './resync-subscriptions.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

describe('npm run ops -- drift', () => {
  it('reports no drift for what the applier stored and each corrupted field otherwise; the resync --fix runs brings the subscription back', async () => {
    const running = await startStandIn();
    cleanup.push(() => running.close());
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const store = createStore(db);
    const { stripe, standIn } = running;
    const accountId = 'acct-drift';
    const customer = await stripe.customers.create({ email: 'drift@example.com', metadata: { accountId } });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: accountId,
      line_items: [{ price: 'price_team_month', quantity: 3 }],
      success_url: 'http://x/s',
      cancel_url: 'http://x/c',
    });
    standIn.completeCheckout(session.id);
    const [sub] = standIn.subscriptionsOf(customer.id);
    await store.accounts.doc(accountId).set(accountDocFixture(accountId, null, { stripeCustomerId: customer.id }));
    const resync = () =>
      resyncSubscriptions({
        stripe,
        store,
        reader: createSdkStripeReader(stripe),
        clock: systemClock,
        logger: silentLogger(),
        customerId: customer.id,
        livemode: false,
        perSecond: 50,
      });
    await resync();
    // The mapping and the entitlements, as the applier keeps them from the customer's events.
    const features = (await stripe.entitlements.activeEntitlements.list({ customer: customer.id })).data.map((e) => e.lookup_key);
    const version = { created: 0, eventId: null, source: 'fetch' as const, revision: 1 };
    await store.entitlements
      .doc(customer.id)
      .set({ customerId: customer.id, accountId, features, version, updatedAt: new Date() as never });

    expect(await findDrift({ stripe, store, perSecond: 100 })).toEqual({ compared: 1, drifted: [] });

    await store.subscriptions.doc(sub?.id ?? '').update({ status: 'canceled', quantity: 1 });
    await store.entitlements.doc(customer.id).update({ features: ['sso'] });
    const found = await findDrift({ stripe, store, customerId: customer.id });
    expect(found.drifted).toEqual([
      {
        customerId: customer.id,
        accountId,
        differences: [
          { what: `subscription ${sub?.id}: status`, firestore: 'canceled', stripe: 'active' },
          { what: `subscription ${sub?.id}: quantity`, firestore: 1, stripe: 3 },
          { what: 'entitlements', firestore: ['sso'], stripe: [...features].sort() },
        ],
      },
    ]);
    expect(driftLines(found).join('\n')).toContain(`subscription ${sub?.id}: status: Firestore "canceled", Stripe "active"`);

    await resync();
    // Entitlements are the applier's (from the customer's entitlement events): --fix leaves them to it.
    const after = await findDrift({ stripe, store, customerId: customer.id });
    expect(after.drifted[0]?.differences.map((d) => d.what)).toEqual(['entitlements']);
  });
});
