// Notifications for hosts: what the applier stages with each change and publishes after its commit,
// what a failed publish leaves to the minute sweep, quota thresholds noticed once across app
// instances, and the committed JSON Schemas. Against the Firestore emulator; the publisher is a
// recording port (the real Pub/Sub path is covered by the subscription lifecycle e2e test).
import { readdirSync, readFileSync } from 'node:fs';
import type { Firestore } from '@google-cloud/firestore';
import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { applyEvent, type ApplierDeps } from '../billing/apply-event.js';
import { parseEventMessage } from '../billing/event-envelope.js';
import { createFakeStripeReader } from '../billing/testing/fake-stripe-reader.js';
import { createStore, type Store } from '../firestore/store.js';
import { silentLogger } from '../logging/logger.js';
import type { NotificationPublisher } from '../ports/notification-publisher.js';
import { testFirestore } from '../testing/emulator.js';
import { fixtureEvent } from '../testing/signed-event.js';
import { notificationJsonSchemas, SCHEMAS_DIR } from './json-schemas.js';
import { Notification } from './messages.js';
import { publishPending } from './notification-outbox.js';
import { createQuotaThresholdWatcher, reachedThresholds } from './quota-thresholds.js';

const NOW = 1785283200 + 3600; // one hour after the fixtures' events
const ACCOUNT = 'user_123';
const CUSTOMER = 'cus_QXg1o8vcGmoR32';
const clock = { now: () => NOW * 1000 };

const open: Firestore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.terminate()));
});

function recording(fail = false): NotificationPublisher & { sent: Notification[] } {
  const sent: Notification[] = [];
  return {
    sent,
    publish: (ns) => {
      if (fail) return Promise.reject(new Error('Pub/Sub unavailable'));
      sent.push(...ns.map((n) => Notification.parse(n)));
      return Promise.resolve();
    },
  };
}

function setup(publisher: NotificationPublisher): { store: Store; deps: ApplierDeps } {
  const db = testFirestore();
  open.push(db);
  const store = createStore(db);
  const reader = createFakeStripeReader();
  reader.customers.set(CUSTOMER, fixtureEvent('customer.created').data.object as Stripe.Customer);
  const sub = fixtureEvent('customer.subscription.created').data.object as Stripe.Subscription;
  reader.subscriptions.set(sub.id, sub);
  return { store, deps: { store, reader, clock, logger: silentLogger(), maxEventAgeSeconds: 30 * 86_400, notifications: publisher } };
}

const envelope = (event: object) => parseEventMessage(Buffer.from(JSON.stringify(event)));

async function outbox(store: Store) {
  return (await store.notificationOutbox.get()).docs.map((d) => d.data());
}

describe('what the applier tells hosts', () => {
  it('a new subscription: subscription.changed from nothing, staged with the change and published once; a redelivery adds nothing', async () => {
    const publisher = recording();
    const { store, deps } = setup(publisher);
    const created = fixtureEvent('customer.subscription.created');
    expect(await applyEvent(deps, envelope(created))).toBe('applied');
    expect(publisher.sent).toHaveLength(1);
    expect(publisher.sent[0]).toMatchObject({
      type: 'subscription.changed',
      notificationId: `${created.id}:subscription.changed`,
      accountId: ACCOUNT,
      before: null,
      after: { status: 'active', seats: 1 },
    });
    expect((await outbox(store)).map((d) => [d.notification.type, d.publishedAt !== null])).toEqual([['subscription.changed', true]]);
    expect(await applyEvent(deps, envelope(created))).toBe('duplicate');
    expect(publisher.sent).toHaveLength(1);
  });

  it('a failed payment: payment.failed with what failed and where to pay; trial_will_end: trial.ending', async () => {
    const publisher = recording();
    const { deps } = setup(publisher);
    await applyEvent(deps, envelope(fixtureEvent('customer.subscription.created')));
    const failed = fixtureEvent('invoice.payment_failed');
    await applyEvent(deps, envelope(failed));
    const invoice = failed.data.object as Stripe.Invoice;
    expect(publisher.sent).toContainEqual(
      expect.objectContaining({
        type: 'payment.failed',
        accountId: ACCOUNT,
        invoiceId: invoice.id,
        amountDue: invoice.amount_due,
        currency: invoice.currency,
        hostedInvoiceUrl: invoice.hosted_invoice_url,
      }),
    );
    const ending = fixtureEvent('customer.subscription.trial_will_end');
    const sub = ending.data.object as Stripe.Subscription;
    await applyEvent(deps, envelope(ending));
    expect(publisher.sent).toContainEqual(
      expect.objectContaining({ type: 'trial.ending', subscriptionId: sub.id, trialEnd: sub.trial_end }),
    );
  });

  it('a publish that fails leaves the notifications in the outbox; the sweep publishes them and stamps them', async () => {
    const { store, deps } = setup(recording(true));
    expect(await applyEvent(deps, envelope(fixtureEvent('customer.subscription.created')))).toBe('applied');
    expect((await outbox(store)).map((d) => d.publishedAt)).toEqual([null]);
    const later = recording();
    expect(await publishPending({ store, publisher: later, clock })).toEqual({ published: 1 });
    expect(later.sent.map((n) => n.type)).toEqual(['subscription.changed']);
    expect((await outbox(store)).every((d) => d.publishedAt !== null)).toBe(true);
    expect(await publishPending({ store, publisher: later, clock })).toEqual({ published: 0 });
  });
});

describe('quota thresholds', () => {
  it.each([
    [7, 10, []],
    [8, 10, [80]],
    [10, 10, [80, 100]],
    [1, 1, [80, 100]],
    [79, 100, []],
    [80, 100, [80]],
    [5, 'unlimited', []],
    [0, 0, []],
  ] as const)('%i of %s reaches %j', (used, limit, expected) => {
    expect(reachedThresholds(used, limit)).toEqual(expected);
  });

  it('two app instances noticing the same crossings record each threshold once; the sweep publishes them', async () => {
    const db = testFirestore();
    open.push(db);
    const store = createStore(db);
    const [a, b] = [
      createQuotaThresholdWatcher({ store, clock, logger: silentLogger() }),
      createQuotaThresholdWatcher({ store, clock, logger: silentLogger() }),
    ];
    const seen = {
      accountId: 'acct_q',
      feature: 'analyses' as const,
      limit: 10,
      planId: 'free' as const,
      periodStart: 1_785_000_000,
      periodEnd: 1_787_000_000,
    };
    for (const used of [7, 8, 9, 10]) {
      a.observe({ ...seen, used });
      b.observe({ ...seen, used });
    }
    await Promise.all([a.idle(), b.idle()]);
    const recorded = (await outbox(store)).map((d) => d.notification);
    expect(recorded.map((n) => (n.type === 'quota.threshold_crossed' ? [n.notificationId, n.threshold] : null)).sort()).toEqual([
      ['quota:acct_q|analyses|1785000000|100', 100],
      ['quota:acct_q|analyses|1785000000|80', 80],
    ]);
    const publisher = recording();
    expect(await publishPending({ store, publisher, clock })).toEqual({ published: 2 });
    // Observed again later (another request): nothing new.
    a.observe({ ...seen, used: 10 });
    await a.idle();
    expect(await publishPending({ store, publisher, clock })).toEqual({ published: 0 });
  });
});

describe('JSON Schemas', () => {
  it('the committed schemas are the ones the zod schemas generate (regenerate: npx tsx shared/src/notifications/json-schemas.ts)', () => {
    const generated = notificationJsonSchemas();
    const committed = Object.fromEntries(readdirSync(SCHEMAS_DIR).map((f) => [f, readFileSync(`${SCHEMAS_DIR}${f}`, 'utf8')]));
    expect(committed).toEqual(generated);
  });
});
