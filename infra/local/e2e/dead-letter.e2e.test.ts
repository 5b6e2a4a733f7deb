// A correctly signed event the applier can never apply (a handled type whose object fails its
// schema) passes the webhook (signature and envelope are fine), is dead-lettered by the applier
// with a reason, and does not block the pipeline: the next valid events are still applied.
// An event that fails on every attempt is dead-lettered by Pub/Sub once its attempts are spent, and
// the events behind it are still applied; an event whose ids are no Stripe ids never gets past the
// webhook.
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEvent, randomStripeId, signEvent } from '@billing/shared/testing/signed-event.js';
import type { PulledMessage } from '@billing/shared/testing/pull-messages.js';
import { idOf, TEST_WEBHOOK_SECRET } from '@billing/stripe-stand-in/testing/start-stand-in.js';
import { startPipeline, type Pipeline } from './pipeline-harness.js';

/** The subscription's dead-letter policy here, as in production (var.dead_letter_max_delivery_attempts). */
const MAX_DELIVERY_ATTEMPTS = 5;
/** How soon an event published behind one that exhausted its attempts must be applied. */
const HEALTHY_EVENT_DEADLINE_MS = 5_000;

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline({ label: 'e2e-dlq', maxDeliveryAttempts: MAX_DELIVERY_ATTEMPTS });
});

/** A fresh customer.updated event for a new customer, created now. */
function customerUpdated(): Stripe.Event {
  const event = fixtureEvent('customer.updated');
  event.id = randomStripeId('evt');
  event.created = Math.floor(Date.now() / 1000);
  event.livemode = false;
  (event.data.object as { id: string }).id = randomStripeId('cus');
  return event;
}

function deliver(event: unknown): Promise<Response> {
  const { body, signature } = signEvent(event, TEST_WEBHOOK_SECRET);
  return fetch(p.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
}
afterAll(async () => {
  await p?.close();
});

describe('dead-letter path', () => {
  it('dead-letters an unprocessable signed event with a reason, then applies the next valid one', async () => {
    const poison = fixtureEvent('customer.subscription.updated');
    poison.id = randomStripeId('evt');
    poison.created = Math.floor(Date.now() / 1000);
    poison.livemode = false;
    const object = poison.data.object as Partial<Stripe.Subscription>;
    delete object.items; // a subscription without items cannot be applied, however often it is retried

    const { body, signature } = signEvent(poison, TEST_WEBHOOK_SECRET);
    const accepted = await fetch(p.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      body,
    });
    expect(accepted.status).toBe(200); // the edge only verifies; the worker decides it is unprocessable

    const dead: PulledMessage[] = [];
    await p.waitFor(
      async () => {
        dead.push(...(await p.pullDeadLetters()));
        return dead.length > 0 ? true : undefined;
      },
      { timeoutMs: 30_000, describe: () => 'nothing reached the dead-letter topic' },
    );
    expect(dead).toHaveLength(1);
    const [message] = dead;
    expect(message?.data.toString()).toBe(body); // the original bytes, for inspection and replay
    expect(message?.attributes).toMatchObject({ eventId: poison.id, type: 'customer.subscription.updated' });
    expect(message?.attributes['reason']).toMatch(/unreadable subscription/);
    // Dead-lettered once by the applier and acknowledged: no ledger entry, no redelivery loop.
    expect(p.results.filter((r) => r.kind === 'dead_lettered').map((r) => r.eventId)).toEqual([poison.id]);
    expect((await p.store.ledger.doc(poison.id).get()).exists).toBe(false);

    // The pipeline still works: a real checkout on the stand-in reaches Firestore.
    const accountId = `user_${randomUUID().slice(0, 8)}`;
    const customer = await p.stripe.customers.create({ email: `${accountId}@example.com`, metadata: { accountId } });
    const session = await p.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: accountId,
      line_items: [{ price: 'price_pro_month', quantity: 1 }],
      success_url: 'http://app.local/billing',
    });
    const subscriptionId = idOf(p.standIn.completeCheckout(session.id).subscription);
    const billing = await p.waitFor(
      async () => {
        const b = (await p.store.accounts.doc(accountId).get()).data()?.billing;
        return b?.status === 'active' ? b : undefined;
      },
      { timeoutMs: 30_000, describe: () => `user ${accountId} never became active` },
    );
    expect(billing).toMatchObject({ subscriptionId, planId: 'pro' });
    expect(p.results.filter((r) => r.kind === 'dead_lettered')).toHaveLength(1);
    expect(await p.pullDeadLetters()).toEqual([]);
  });

  it(`gives up on an event that fails on every attempt after ${MAX_DELIVERY_ATTEMPTS} attempts, dead-letters it, and applies the next event within ${HEALTHY_EVENT_DEADLINE_MS / 1000} s`, async () => {
    const failing = customerUpdated();
    p.failEveryAttempt(failing.id);
    expect((await deliver(failing)).status).toBe(200);

    // Pub/Sub itself forwards it once the attempts are spent (the applier never saw it succeed).
    const dead: PulledMessage[] = [];
    await p.waitFor(
      async () => {
        dead.push(...(await p.pullDeadLetters()));
        return dead.some((m) => m.attributes['eventId'] === failing.id) ? true : undefined;
      },
      {
        timeoutMs: 40_000,
        describe: () =>
          `${failing.id} never reached the dead-letter topic after ${p.failures.filter((f) => f.includes(failing.id)).length} failed attempts`,
      },
    );
    expect(dead.map((m) => m.attributes['eventId'])).toEqual([failing.id]);
    expect(dead[0]?.attributes).toMatchObject({ CloudPubSubDeadLetterSourceDeliveryCount: String(MAX_DELIVERY_ATTEMPTS) });
    expect(p.failures.filter((f) => f.includes(failing.id))).toHaveLength(MAX_DELIVERY_ATTEMPTS);

    // After its attempts are spent, the subscription still delivers: a healthy event is applied.
    const healthy = customerUpdated();
    const sentAt = Date.now();
    expect((await deliver(healthy)).status).toBe(200);
    const entry = await p.waitFor(async () => (await p.store.ledger.doc(healthy.id).get()).data(), {
      timeoutMs: HEALTHY_EVENT_DEADLINE_MS,
      intervalMs: 50,
      describe: () => `${healthy.id}, sent after ${failing.id} was given up, was not applied`,
    });
    expect(entry).toMatchObject({ eventId: healthy.id, outcome: 'applied' });
    expect((await p.store.customers.doc((healthy.data.object as { id: string }).id).get()).exists).toBe(true);
    process.stderr.write(`healthy event applied ${Date.now() - sentAt} ms after the webhook accepted it\n`);
    expect((await p.store.ledger.doc(failing.id).get()).exists).toBe(false);
  }, 90_000);

  it('refuses at the webhook (400, nothing published) a signed event whose customer id is a path, so it never reaches the applier', async () => {
    const poison = customerUpdated();
    (poison.data.object as { id: string }).id = '../../x';
    const refused = await deliver(poison);
    expect(refused.status).toBe(400);
    // The pipeline behind it is untouched: the next event is applied, the refused one never was.
    const next = customerUpdated();
    expect((await deliver(next)).status).toBe(200);
    await p.waitFor(async () => ((await p.store.ledger.doc(next.id).get()).exists ? true : undefined), {
      timeoutMs: HEALTHY_EVENT_DEADLINE_MS,
      describe: () => `${next.id} was not applied`,
    });
    expect(p.results.some((r) => r.eventId === poison.id)).toBe(false);
    expect((await p.store.ledger.doc(poison.id).get()).exists).toBe(false);
    expect(await p.pullDeadLetters()).toEqual([]);
  });
});
