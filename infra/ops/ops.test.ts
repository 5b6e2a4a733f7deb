// The operator tools against the real emulators and the local Stripe stand-in (real SDK).
import { afterAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { createStore } from '@billing/shared/firestore/store.js';
import { silentLogger } from '@billing/shared/logging/logger.js';
import { Collection } from '@billing/shared/model/collections.js';
import { AccountDoc } from '@billing/shared/model/account-documents.js';
import { systemClock } from '@billing/shared/ports/clock.js';
import { createPubSubClient } from '@billing/shared/pubsub/pubsub-client.js';
import { createPubSubPublisher } from '@billing/shared/pubsub/pubsub-publisher.js';
import { createSdkStripeReader } from '@billing/shared/stripe/stripe-reader-sdk.js';
import { testFirestore, testProjectId } from '@billing/shared/testing/emulator.js';
import { pullAtLeast, pullMessages } from '@billing/shared/testing/pull-messages.js';
import { startStandIn, type RunningStandIn } from '@billing/stripe-stand-in/testing/start-stand-in.js';
import { replayDeadLetters } from './replay-dead-letters.js';
import { replayStripeEvents } from './replay-stripe-events.js';
import { resyncSubscriptions } from './resync-subscriptions.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

async function subscribedCustomer(
  running: RunningStandIn,
  accountId: string,
): Promise<{ customer: Stripe.Customer; subscriptionId: string }> {
  const { stripe, standIn } = running;
  const customer = await stripe.customers.create({ email: `${accountId}@example.com`, metadata: { accountId } });
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    client_reference_id: accountId,
    line_items: [{ price: 'price_pro_month', quantity: 1 }],
    success_url: 'http://127.0.0.1/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1/cancel',
  });
  standIn.completeCheckout(session.id);
  const [sub] = standIn.subscriptionsOf(customer.id);
  if (!sub) throw new Error('checkout made no subscription');
  return { customer, subscriptionId: sub.id };
}

describe('replay-dead-letters', () => {
  it('lists on a dry run, then republishes with the original attributes and acknowledges', async () => {
    const pubsub = createPubSubClient({ projectId: testProjectId('ops') });
    cleanup.push(() => pubsub.close());
    const [events] = await pubsub.createTopic('stripe-events');
    const [observer] = await events.createSubscription('observer');
    const [dlq] = await pubsub.createTopic('stripe-events-dead-letter');
    await dlq.createSubscription('stripe-events-dead-letter-inspect');
    for (const id of ['evt_1', 'evt_2']) {
      await dlq.publishMessage({
        data: Buffer.from(JSON.stringify({ id })),
        attributes: { eventId: id, type: 'invoice.paid', reason: 'schema_invalid' },
      });
    }
    const common = {
      pubsub,
      deadLetterSubscription: 'stripe-events-dead-letter-inspect',
      topic: 'stripe-events',
      logger: silentLogger(),
      max: 100,
    };

    const dry = await replayDeadLetters({ ...common, dryRun: true });
    expect(dry.replayed).toBe(0);
    expect(dry.listed.map((m) => m.eventId).sort()).toEqual(['evt_1', 'evt_2']);
    expect(await pullMessages(pubsub, observer)).toHaveLength(0);

    const real = await replayDeadLetters({ ...common, dryRun: false });
    expect(real.replayed).toBe(2);
    const replayed = await pullAtLeast(pubsub, observer, 2);
    expect(replayed.map((m) => m.attributes['eventId']).sort()).toEqual(['evt_1', 'evt_2']);
    for (const m of replayed) {
      expect(m.attributes).toEqual({ eventId: m.attributes['eventId'], type: 'invoice.paid' }); // reason dropped
      expect(JSON.parse(m.data.toString())).toEqual({ id: m.attributes['eventId'] });
    }
    const again = await replayDeadLetters({ ...common, dryRun: false });
    expect(again.replayed + again.skipped).toBe(0); // acknowledged: gone from the dead-letter topic
  });
});

describe('resync and replay from Stripe', () => {
  it('rebuilds subscription and user documents from Stripe, and replays Stripe events into the topic', async () => {
    const running = await startStandIn();
    cleanup.push(() => running.close());
    const db = testFirestore();
    cleanup.push(() => db.terminate());
    const { customer, subscriptionId } = await subscribedCustomer(running, 'user-resync');
    // The product's mapping, as the app writes it when it creates the customer.
    await db.doc(`${Collection.accounts}/user-resync`).set({
      accountId: 'user-resync',
      kind: 'personal',
      name: null,
      email: 'user-resync@example.com',
      stripeCustomerId: customer.id,
      billing: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });

    const result = await resyncSubscriptions({
      stripe: running.stripe,
      store: createStore(db),
      reader: createSdkStripeReader(running.stripe),
      clock: systemClock,
      logger: silentLogger(),
      livemode: false,
      perSecond: 50,
    });
    expect(result).toEqual({ subscriptions: 1, unmapped: 0 });
    const sub = (await db.doc(`${Collection.subscriptions}/${subscriptionId}`).get()).data();
    expect(sub).toMatchObject({ status: 'active', customerId: customer.id, accountId: 'user-resync', planId: 'pro' });
    const user = AccountDoc.parse((await db.doc(`${Collection.accounts}/user-resync`).get()).data());
    expect(user.billing).toMatchObject({ subscriptionId, status: 'active', planId: 'pro' });

    const pubsub = createPubSubClient({ projectId: testProjectId('ops') });
    cleanup.push(() => pubsub.close());
    const [topic] = await pubsub.createTopic('stripe-events');
    const [observer] = await topic.createSubscription('observer');
    const publisher = createPubSubPublisher({ pubsub, topic: 'stripe-events' });
    // One event as an account on an old default API version would list it: left out, and counted.
    const old = running.standIn.state.events.find((e) => e.type === 'customer.subscription.created');
    if (!old) throw new Error('no customer.subscription.created to age');
    old.api_version = '2023-10-16';
    // One event the webhook would refuse (its object id is no Stripe id): left out and counted, the rest still replayed.
    const odd = running.standIn.state.events.find((e) => e.type === 'customer.created');
    if (!odd) throw new Error('no customer.created to spoil');
    (odd.data.object as { id: string }).id = '../../x';
    const replay = await replayStripeEvents({ stripe: running.stripe, publisher, logger: silentLogger(), since: 0, dryRun: false });
    await publisher.close();
    expect(replay.published).toBeGreaterThan(0);
    expect(replay.unreadable).toEqual({ '2023-10-16': 1 });
    expect(replay.malformed).toEqual([odd.id]);
    const messages = await pullAtLeast(pubsub, observer, replay.published);
    expect(messages).toHaveLength(replay.published);
    expect(messages.map((m) => m.attributes['eventId'])).not.toContain(old.id);
    expect(messages.map((m) => m.attributes['eventId'])).not.toContain(odd.id);
    for (const m of messages) expect((JSON.parse(m.data.toString()) as { id: string }).id).toBe(m.attributes['eventId']);
  });
});
