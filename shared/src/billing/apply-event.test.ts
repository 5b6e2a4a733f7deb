import { Writable } from 'node:stream';
import type { Firestore } from '@google-cloud/firestore';
import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../logging/logger.js';
import { testFirestore } from '../testing/emulator.js';
import { FIXTURE_TYPES, fixtureEvent, randomStripeId, type FixtureType } from '../testing/signed-event.js';
import { applyEvent, type ApplierDeps } from './apply-event.js';
import { createStore, type Store } from '../firestore/store.js';
import { parseEventMessage, type EventEnvelope } from './event-envelope.js';
import { createFakeStripeReader, type FakeStripeReader } from './testing/fake-stripe-reader.js';

const NOW = 1785283200 + 3600; // one hour after the fixtures' events
const USER = 'user_123';
const CUSTOMER = 'cus_QXg1o8vcGmoR32';
const SUB = 'sub_1Pgc6rB7WZ01zgkWNy0Cn5nw';

const open: Firestore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.terminate()));
});

function setup(): { store: Store; reader: FakeStripeReader; deps: ApplierDeps } {
  const db = testFirestore();
  open.push(db);
  const store = createStore(db);
  const reader = createFakeStripeReader();
  // What Stripe would answer for the fixtures' customer and subscription.
  reader.customers.set(CUSTOMER, fixtureEvent('customer.created').data.object as Stripe.Customer);
  reader.subscriptions.set(SUB, fixtureEvent('customer.subscription.created').data.object as Stripe.Subscription);
  const deps: ApplierDeps = { store, reader, clock: { now: () => NOW * 1000 }, logger: silentLogger(), maxEventAgeSeconds: 30 * 86_400 };
  return { store, reader, deps };
}

/** A fixture as the applier receives it: serialised, then parsed from the message bytes. */
function envelope(event: object): EventEnvelope {
  return parseEventMessage(Buffer.from(JSON.stringify(event)));
}

function subscriptionEvent(
  type: FixtureType,
  opts: { id?: string; created?: number; status?: string; lookupKey?: string | null } = {},
): EventEnvelope {
  const e = fixtureEvent(type);
  e.id = opts.id ?? randomStripeId('evt');
  if (opts.created !== undefined) e.created = opts.created;
  const sub = e.data.object as Stripe.Subscription;
  if (opts.status) sub.status = opts.status;
  if (opts.lookupKey !== undefined) sub.items.data[0]!.price.lookup_key = opts.lookupKey;
  return envelope(e);
}

describe('applyEvent: every handled fixture type', () => {
  const expectations: { [K in FixtureType]: (store: Store) => Promise<void> } = {
    'checkout.session.completed': async (store) => {
      const sub = (await store.subscriptions.doc(SUB).get()).data();
      expect(sub?.version.source).toBe('fetch');
      expect(sub?.accountId).toBe(USER);
      expect((await store.customers.doc(CUSTOMER).get()).data()?.accountId).toBe(USER);
      expect((await store.accounts.doc(USER).get()).data()?.billing?.status).toBe('active');
    },
    'customer.created': async (store) => {
      expect((await store.customers.doc(CUSTOMER).get()).data()).toMatchObject({
        accountId: USER,
        email: 'jenny.rosen@example.com',
        deleted: false,
      });
      expect((await store.accounts.doc(USER).get()).data()).toMatchObject({ stripeCustomerId: CUSTOMER, billing: { status: null } });
    },
    'customer.updated': async (store) => {
      expect((await store.customers.doc(CUSTOMER).get()).data()?.email).toBe('jenny.r@example.com');
    },
    'customer.deleted': async (store) => {
      expect((await store.customers.doc(CUSTOMER).get()).data()?.deleted).toBe(true);
      expect((await store.accounts.doc(USER).get()).data()?.billing).toMatchObject({
        subscriptionId: null,
        status: null,
        entitlements: [],
      });
    },
    'customer.subscription.created': async (store) => {
      const sub = (await store.subscriptions.doc(SUB).get()).data();
      expect(sub).toMatchObject({
        status: 'active',
        customerId: CUSTOMER,
        accountId: USER,
        priceId: 'price_1PgafmB7WZ01zgkW6dKueIc5',
        productId: 'prod_QXg1hqf4jFNsqG',
        planId: 'pro',
        interval: 'month',
        quantity: 1,
        currentPeriodStart: 1782691200,
        currentPeriodEnd: 1785283200,
        cancelAtPeriodEnd: true,
      });
      expect(sub?.items).toEqual([
        {
          itemId: 'si_QXhVnC2h0Jczwc',
          priceId: 'price_1PgafmB7WZ01zgkW6dKueIc5',
          lookupKey: 'pro_month',
          metered: false,
          quantity: 1,
          currentPeriodStart: 1782691200,
          currentPeriodEnd: 1785283200,
          unitAmount: 2000,
          currency: 'usd',
          interval: 'month',
          intervalCount: 1,
        },
      ]);
      expect((await store.accounts.doc(USER).get()).data()?.billing).toMatchObject({
        status: 'active',
        planId: 'pro',
        currentPeriodEnd: 1785283200,
        cancelAtPeriodEnd: true,
      });
    },
    'customer.subscription.updated': async (store) => {
      expect((await store.subscriptions.doc(SUB).get()).data()?.status).toBe('active');
    },
    'customer.subscription.deleted': async (store) => {
      expect((await store.subscriptions.doc(SUB).get()).data()).toMatchObject({ status: 'canceled', endedAt: 1785283200 });
      expect((await store.accounts.doc(USER).get()).data()?.billing?.status).toBe('canceled');
    },
    'customer.subscription.paused': async (store) => {
      expect((await store.accounts.doc(USER).get()).data()?.billing?.status).toBe('paused');
    },
    'customer.subscription.resumed': async (store) => {
      expect((await store.accounts.doc(USER).get()).data()?.billing?.status).toBe('active');
    },
    'customer.subscription.trial_will_end': async (store) => {
      expect((await store.accounts.doc(USER).get()).data()?.billing).toMatchObject({ status: 'trialing', trialEnd: 1785542400 });
    },
    'entitlements.active_entitlement_summary.updated': async (store) => {
      expect((await store.entitlements.doc(CUSTOMER).get()).data()?.features).toEqual(['pro-features']);
      expect((await store.accounts.doc(USER).get()).data()?.billing?.entitlements).toEqual(['pro-features']);
    },
    'invoice.paid': async (store) => {
      expect((await store.invoices.doc('in_1Pgc6tB7WZ01zgkWu9fdqL6I').get()).data()).toMatchObject({
        status: 'paid',
        subscriptionId: SUB,
        paymentIssue: null,
        accountId: USER,
      });
    },
    'invoice.payment_failed': async (store) => {
      expect((await store.invoices.doc('in_1Pgc6tB7WZ01zgkWu9fdqL6I').get()).data()).toMatchObject({
        status: 'open',
        paymentIssue: 'failed',
      });
      expect((await store.accounts.doc(USER).get()).data()?.billing?.paymentIssue).toBe('failed');
    },
    'invoice.payment_succeeded': async (store) => {
      expect((await store.invoices.doc('in_1Pgc6tB7WZ01zgkWu9fdqL6I').get()).data()).toMatchObject({ status: 'paid', amountPaid: 1000 });
    },
  };

  for (const type of FIXTURE_TYPES) {
    it(`applies ${type}`, async () => {
      const { store, reader, deps } = setup();
      const e = fixtureEvent(type);
      // The fixture prices carry no lookup key; the stand-in's do. Give them the catalog's.
      for (const s of [e.data.object, reader.subscriptions.get(SUB)] as Stripe.Subscription[]) {
        if (s.object === 'subscription') s.items.data[0]!.price.lookup_key = 'pro_month';
      }
      expect(await applyEvent(deps, envelope(e))).toBe('applied');
      await expectations[type](store);
      const ledger = (await store.ledger.doc(e.id).get()).data();
      expect(ledger).toMatchObject({ eventId: e.id, type, outcome: 'applied', created: e.created });
      expect(ledger!.expireAt.seconds).toBeGreaterThan(e.created + 30 * 86_400);
    });
  }
});

describe('applyEvent: exactly once, in order', () => {
  it('applies a duplicate once', async () => {
    const { store, deps } = setup();
    const e = subscriptionEvent('customer.subscription.created');
    expect(await applyEvent(deps, e)).toBe('applied');
    expect(await applyEvent(deps, e)).toBe('duplicate');
    expect((await store.subscriptions.doc(SUB).get()).data()?.version.revision).toBe(1);
  });

  it('converges when .updated arrives before .created', async () => {
    const { store, deps } = setup();
    const created = subscriptionEvent('customer.subscription.created', { created: NOW - 100, status: 'incomplete' });
    const updated = subscriptionEvent('customer.subscription.updated', { created: NOW - 90, status: 'past_due' });
    expect(await applyEvent(deps, updated)).toBe('applied');
    expect(await applyEvent(deps, created)).toBe('stale');
    const sub = (await store.subscriptions.doc(SUB).get()).data();
    expect(sub?.status).toBe('past_due');
    expect(sub?.version).toMatchObject({ created: NOW - 90, eventId: updated.id, source: 'event', revision: 1 });
    expect((await store.accounts.doc(USER).get()).data()?.billing?.status).toBe('past_due');
    expect((await store.ledger.doc(created.id).get()).data()?.outcome).toBe('stale');
  });

  it('resolves a same-second tie by refetching from Stripe, in either order', async () => {
    for (const order of [0, 1]) {
      const { store, reader, deps } = setup();
      const a = subscriptionEvent('customer.subscription.updated', { created: NOW - 50, status: 'active' });
      const b = subscriptionEvent('customer.subscription.updated', { created: NOW - 50, status: 'past_due' });
      const truth = structuredClone(reader.subscriptions.get(SUB)!);
      truth.status = 'unpaid';
      reader.subscriptions.set(SUB, truth);
      const [first, second] = order === 0 ? [a, b] : [b, a];
      expect(await applyEvent(deps, first)).toBe('applied');
      expect(reader.calls).toEqual([]);
      expect(await applyEvent(deps, second)).toBe('applied');
      expect(reader.calls).toEqual([`subscription:${SUB}`]);
      const sub = (await store.subscriptions.doc(SUB).get()).data();
      expect(sub?.status).toBe('unpaid');
      expect(sub?.version).toMatchObject({ created: NOW - 50, eventId: second.id, source: 'fetch', revision: 2 });
      expect((await store.accounts.doc(USER).get()).data()?.billing?.status).toBe('unpaid');
      // A redelivery of either is a duplicate; an older event is stale; a newer one applies.
      expect(await applyEvent(deps, first)).toBe('duplicate');
      expect(await applyEvent(deps, subscriptionEvent('customer.subscription.updated', { created: NOW - 51 }))).toBe('stale');
      expect(await applyEvent(deps, subscriptionEvent('customer.subscription.updated', { created: NOW - 49, status: 'canceled' }))).toBe(
        'applied',
      );
      expect((await store.subscriptions.doc(SUB).get()).data()?.status).toBe('canceled');
    }
  });

  it('starts over when the document moves during the tie fetch', async () => {
    const { store, reader, deps } = setup();
    const a = subscriptionEvent('customer.subscription.updated', { created: NOW - 50, status: 'active' });
    const b = subscriptionEvent('customer.subscription.updated', { created: NOW - 50, status: 'past_due' });
    const newer = subscriptionEvent('customer.subscription.updated', { created: NOW - 40, status: 'canceled' });
    await applyEvent(deps, a);
    let raced = false;
    reader.beforeSubscriptionAnswer = async () => {
      if (raced) return;
      raced = true;
      expect(await applyEvent(deps, newer)).toBe('applied'); // lands between the fetch's read and its write
    };
    // The CAS sees the revision moved, starts over, and finds b older than the stored state.
    expect(await applyEvent(deps, b)).toBe('stale');
    const sub = (await store.subscriptions.doc(SUB).get()).data();
    expect(sub?.status).toBe('canceled');
    expect(sub?.version).toMatchObject({ eventId: newer.id, source: 'event', revision: 2 });
  });
});

describe('applyEvent: plans across price changes', () => {
  it('keeps the plan of a price whose lookup key moved to a new price, but not of another price without one', async () => {
    const { store, deps } = setup();
    expect(await applyEvent(deps, subscriptionEvent('customer.subscription.created', { created: NOW - 100, lookupKey: 'pro_month' }))).toBe(
      'applied',
    );
    // The operator changed the Pro price with transfer_lookup_key: the old price keeps its id, loses its key.
    expect(await applyEvent(deps, subscriptionEvent('customer.subscription.updated', { created: NOW - 90, lookupKey: null }))).toBe(
      'applied',
    );
    let sub = (await store.subscriptions.doc(SUB).get()).data();
    expect(sub).toMatchObject({ planId: 'pro', items: [expect.objectContaining({ lookupKey: 'pro_month' })] });
    expect((await store.accounts.doc(USER).get()).data()?.billing?.planId).toBe('pro');

    // Moved to a different price that has no lookup key (made outside the product): no plan.
    const other = fixtureEvent('customer.subscription.updated');
    other.id = randomStripeId('evt');
    other.created = NOW - 80;
    const price = (other.data.object as Stripe.Subscription).items.data[0]!.price;
    price.id = 'price_made_elsewhere';
    price.lookup_key = null;
    expect(await applyEvent(deps, envelope(other))).toBe('applied');
    sub = (await store.subscriptions.doc(SUB).get()).data();
    expect(sub).toMatchObject({ planId: null, priceId: 'price_made_elsewhere', items: [expect.objectContaining({ lookupKey: null })] });
    expect((await store.accounts.doc(USER).get()).data()?.billing?.planId).toBeNull();
  });

  it("names the plan of a price made outside the catalog from the price's plan metadata, and only a catalog plan", async () => {
    const { store, deps } = setup();
    const custom = (created: number, plan: string) => {
      const e = fixtureEvent('customer.subscription.created');
      e.id = randomStripeId('evt');
      e.created = created;
      const price = (e.data.object as Stripe.Subscription).items.data[0]!.price;
      price.id = 'price_negotiated';
      price.lookup_key = null;
      price.metadata = { plan };
      return envelope(e);
    };
    expect(await applyEvent(deps, custom(NOW - 100, 'enterprise'))).toBe('applied');
    expect((await store.subscriptions.doc(SUB).get()).data()).toMatchObject({ planId: 'enterprise', priceId: 'price_negotiated' });
    expect((await store.accounts.doc(USER).get()).data()?.billing?.planId).toBe('enterprise');

    expect(await applyEvent(deps, custom(NOW - 90, 'platinum'))).toBe('applied');
    expect((await store.subscriptions.doc(SUB).get()).data()?.planId).toBeNull();
  });
});

describe('applyEvent: customers and users', () => {
  it('recovers a missing mapping from the customer fetched from Stripe', async () => {
    const { store, reader, deps } = setup();
    const e = subscriptionEvent('customer.subscription.created');
    // No accountId in the subscription metadata either: only Stripe's customer knows the user.
    const raw = JSON.parse(JSON.stringify(fixtureEvent('customer.subscription.created'))) as Stripe.Event;
    (raw.data.object as Stripe.Subscription).metadata = {};
    raw.id = e.id;
    expect(await applyEvent(deps, envelope(raw))).toBe('applied');
    expect(reader.calls).toEqual([`customer:${CUSTOMER}`]);
    expect((await store.customers.doc(CUSTOMER).get()).data()?.accountId).toBe(USER);
    expect((await store.accounts.doc(USER).get()).data()?.stripeCustomerId).toBe(CUSTOMER);
    // The mapping is now stored: the next event needs no fetch.
    expect(await applyEvent(deps, subscriptionEvent('customer.subscription.updated', { created: NOW - 10 }))).toBe('applied');
    expect(reader.calls).toHaveLength(1);
  });

  it('maps a customer by metadata.accountId (a team), before the userId older customers carry', async () => {
    const { store, reader, deps } = setup();
    const team = 'team_AbCdEfGhIjKlMnOp';
    const customer = fixtureEvent('customer.created').data.object as Stripe.Customer;
    customer.metadata = { accountId: team, userId: USER };
    reader.customers.set(CUSTOMER, customer);
    const raw = fixtureEvent('customer.subscription.created');
    (raw.data.object as Stripe.Subscription).metadata = {};
    expect(await applyEvent(deps, envelope(raw))).toBe('applied');
    expect((await store.customers.doc(CUSTOMER).get()).data()?.accountId).toBe(team);
    expect((await store.subscriptions.doc(SUB).get()).data()?.accountId).toBe(team);
    // The applier keeps the summary even before the app wrote the account: a team, by its id.
    expect((await store.accounts.doc(team).get()).data()).toMatchObject({
      kind: 'team',
      stripeCustomerId: CUSTOMER,
      billing: { status: 'active' },
    });
    expect((await store.accounts.doc(USER).get()).exists).toBe(false);
  });

  it('stores objects of a customer created outside the product and records it as unmapped', async () => {
    const { store, reader, deps } = setup();
    const stranger = fixtureEvent('customer.created').data.object as Stripe.Customer;
    stranger.metadata = {};
    reader.customers.set(CUSTOMER, stranger);
    const raw = fixtureEvent('customer.subscription.created');
    (raw.data.object as Stripe.Subscription).metadata = {};
    expect(await applyEvent(deps, envelope(raw))).toBe('unmapped');
    expect((await store.subscriptions.doc(SUB).get()).data()).toMatchObject({ accountId: null, status: 'active' });
    expect((await store.accounts.get()).size).toBe(0);
    expect((await store.ledger.doc(raw.id).get()).data()?.outcome).toBe('unmapped');
  });

  it('drops the user to no subscription when the customer is deleted', async () => {
    const { store, deps } = setup();
    await applyEvent(deps, subscriptionEvent('customer.subscription.created', { created: NOW - 100 }));
    expect((await store.accounts.doc(USER).get()).data()?.billing?.status).toBe('active');
    const del = fixtureEvent('customer.deleted');
    del.created = NOW - 50;
    expect(await applyEvent(deps, envelope(del))).toBe('applied');
    expect((await store.accounts.doc(USER).get()).data()?.billing).toMatchObject({ subscriptionId: null, status: null });
  });

  it('prefers the current subscription over a newer canceled one', async () => {
    const { store, reader, deps } = setup();
    await applyEvent(deps, subscriptionEvent('customer.subscription.created', { created: NOW - 100, status: 'active' }));
    const other = fixtureEvent('customer.subscription.deleted');
    const otherSub = other.data.object as Stripe.Subscription;
    otherSub.id = 'sub_second';
    otherSub.created += 1000;
    reader.subscriptions.set('sub_second', otherSub);
    expect(await applyEvent(deps, envelope(other))).toBe('applied');
    expect((await store.accounts.doc(USER).get()).data()?.billing).toMatchObject({ subscriptionId: SUB, status: 'active' });
  });
});

describe('applyEvent: the customer index and the user summary', () => {
  it('indexes every subscription and open payment issue of the customer, and the summary follows the index', async () => {
    const { store, reader, deps } = setup();
    await applyEvent(deps, subscriptionEvent('customer.subscription.created', { created: NOW - 100 })); // no index yet: built by querying
    expect((await store.customerObjects.doc(CUSTOMER).get()).data()).toMatchObject({ subscriptionIds: [SUB], paymentIssueInvoiceIds: [] });

    const second = fixtureEvent('customer.subscription.created');
    const secondSub = second.data.object as Stripe.Subscription;
    secondSub.id = 'sub_second';
    secondSub.created += 1000;
    second.created = NOW - 90;
    reader.subscriptions.set('sub_second', secondSub);
    await applyEvent(deps, envelope(second));
    expect((await store.customerObjects.doc(CUSTOMER).get()).data()?.subscriptionIds).toEqual([SUB, 'sub_second']);

    // The first subscription ends: the summary must find the second one through the index.
    const ended = subscriptionEvent('customer.subscription.deleted', { created: NOW - 80 });
    await applyEvent(deps, ended);
    expect((await store.accounts.doc(USER).get()).data()?.billing).toMatchObject({ subscriptionId: 'sub_second', status: 'active' });

    const failed = fixtureEvent('invoice.payment_failed');
    failed.created = NOW - 70;
    await applyEvent(deps, envelope(failed));
    expect((await store.customerObjects.doc(CUSTOMER).get()).data()?.paymentIssueInvoiceIds).toEqual(['in_1Pgc6tB7WZ01zgkWu9fdqL6I']);
    const paid = fixtureEvent('invoice.paid');
    paid.created = NOW - 60;
    await applyEvent(deps, envelope(paid));
    expect((await store.customerObjects.doc(CUSTOMER).get()).data()?.paymentIssueInvoiceIds).toEqual([]);
    expect((await store.accounts.doc(USER).get()).data()?.billing?.paymentIssue).toBeNull();
  });

  it('logs an ERROR while one customer pays for two live subscriptions, and stops once one ends', async () => {
    const { reader, deps } = setup();
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ service: 'test', destination: sink });
    const several = () => lines.filter((l) => l['event'] === 'billing.several_live_subscriptions');
    await applyEvent({ ...deps, logger }, subscriptionEvent('customer.subscription.created', { created: NOW - 100 }));
    expect(several()).toEqual([]);

    const second = fixtureEvent('customer.subscription.created');
    const secondSub = second.data.object as Stripe.Subscription;
    secondSub.id = 'sub_second';
    second.created = NOW - 90;
    reader.subscriptions.set('sub_second', secondSub);
    await applyEvent({ ...deps, logger }, envelope(second));
    expect(several()).toHaveLength(1);
    expect(several()[0]).toMatchObject({
      severity: 'ERROR',
      customerId: CUSTOMER,
      accountId: USER,
      subscriptionIds: [SUB, 'sub_second'].sort(),
    });

    await applyEvent({ ...deps, logger }, subscriptionEvent('customer.subscription.deleted', { created: NOW - 80 }));
    expect(several()).toHaveLength(1);
  });

  it('keeps an existing index complete while the customer maps to no user', async () => {
    const { store, reader, deps } = setup();
    await applyEvent(deps, subscriptionEvent('customer.subscription.created', { created: NOW - 100 }));
    // The mapping is lost and cannot be recovered (no metadata anywhere): objects are stored unmapped.
    await store.customers.doc(CUSTOMER).delete();
    const stranger = fixtureEvent('customer.created').data.object as Stripe.Customer;
    stranger.metadata = {};
    reader.customers.set(CUSTOMER, stranger);
    const orphan = fixtureEvent('customer.subscription.created');
    const orphanSub = orphan.data.object as Stripe.Subscription;
    orphanSub.id = 'sub_orphan';
    orphanSub.metadata = {};
    orphan.created = NOW - 90;
    expect(await applyEvent(deps, envelope(orphan))).toBe('unmapped');
    expect((await store.customerObjects.doc(CUSTOMER).get()).data()?.subscriptionIds).toEqual([SUB, 'sub_orphan']);
  });

  it('leaves the user document untouched when an event does not change the summary', async () => {
    const { store, deps } = setup();
    await applyEvent(deps, subscriptionEvent('customer.subscription.created', { created: NOW - 100 }));
    const before = (await store.accounts.doc(USER).get()).updateTime;
    expect(await applyEvent(deps, subscriptionEvent('customer.subscription.updated', { created: NOW - 50, status: 'active' }))).toBe(
      'applied',
    );
    expect((await store.subscriptions.doc(SUB).get()).data()?.version.created).toBe(NOW - 50);
    expect((await store.accounts.doc(USER).get()).updateTime?.isEqual(before!)).toBe(true);
    // A change that matters is written.
    expect(await applyEvent(deps, subscriptionEvent('customer.subscription.updated', { created: NOW - 40, status: 'past_due' }))).toBe(
      'applied',
    );
    expect((await store.accounts.doc(USER).get()).data()?.billing?.status).toBe('past_due');
  });
});

describe('applyEvent: payment issues and entitlements', () => {
  it('raises a payment issue on failure and clears it when paid', async () => {
    const { store, deps } = setup();
    const failed = fixtureEvent('invoice.payment_failed');
    failed.created = NOW - 100;
    await applyEvent(deps, envelope(failed));
    expect((await store.accounts.doc(USER).get()).data()?.billing?.paymentIssue).toBe('failed');
    const paid = fixtureEvent('invoice.paid');
    paid.created = NOW - 50;
    await applyEvent(deps, envelope(paid));
    expect((await store.invoices.doc('in_1Pgc6tB7WZ01zgkWu9fdqL6I').get()).data()?.paymentIssue).toBeNull();
    expect((await store.accounts.doc(USER).get()).data()?.billing?.paymentIssue).toBeNull();
  });

  it('lists all active entitlements when the event says there are more', async () => {
    const { store, reader, deps } = setup();
    const e = fixtureEvent('entitlements.active_entitlement_summary.updated');
    (e.data.object as Stripe.Entitlements.ActiveEntitlementSummary).entitlements.has_more = true;
    const keys = Array.from({ length: 12 }, (_, i) => `feature-${String(i).padStart(2, '0')}`);
    reader.entitlements.set(CUSTOMER, keys);
    expect(await applyEvent(deps, envelope(e))).toBe('applied');
    expect(reader.calls).toContain(`entitlements:${CUSTOMER}`);
    expect((await store.entitlements.doc(CUSTOMER).get()).data()).toMatchObject({ features: keys, version: { source: 'fetch' } });
  });
});

describe('applyEvent: dropped and unknown events', () => {
  it('records an event older than the maximum age as expired', async () => {
    const { store, deps } = setup();
    const e = subscriptionEvent('customer.subscription.created', { created: NOW - 31 * 86_400 });
    expect(await applyEvent(deps, e)).toBe('expired');
    expect((await store.subscriptions.doc(SUB).get()).exists).toBe(false);
  });

  it('records an unknown type as ignored and acknowledges it', async () => {
    const { store, deps } = setup();
    const e = envelope({
      id: randomStripeId('evt'),
      type: 'charge.refunded',
      created: NOW,
      livemode: false,
      data: { object: { id: 'ch_1', customer: CUSTOMER } },
    });
    expect(await applyEvent(deps, e)).toBe('ignored');
    expect((await store.ledger.doc(e.id).get()).data()).toMatchObject({ outcome: 'ignored', objectId: 'ch_1', customerId: CUSTOMER });
  });
});
