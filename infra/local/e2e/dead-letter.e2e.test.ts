// A correctly signed event the applier can never apply (a handled type whose object fails its
// schema) passes the webhook (signature and envelope are fine), is dead-lettered by the applier
// with a reason, and does not block the pipeline: the next valid events are still applied.
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureEvent, randomStripeId, signEvent } from '@billing/shared/testing/signed-event.js';
import type { PulledMessage } from '@billing/shared/testing/pull-messages.js';
import { idOf, TEST_WEBHOOK_SECRET } from '@billing/stripe-stand-in/testing/start-stand-in.js';
import { startPipeline, type Pipeline } from './pipeline-harness.js';

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline({ label: 'e2e-dlq' });
});
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
    const accepted = await fetch(p.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
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
    const userId = `user_${randomUUID().slice(0, 8)}`;
    const customer = await p.stripe.customers.create({ email: `${userId}@example.com`, metadata: { userId } });
    const session = await p.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: userId,
      line_items: [{ price: 'price_pro_month', quantity: 1 }],
      success_url: 'http://app.local/billing',
    });
    const subscriptionId = idOf(p.standIn.completeCheckout(session.id).subscription);
    const billing = await p.waitFor(
      async () => {
        const b = (await p.store.users.doc(userId).get()).data()?.billing;
        return b?.status === 'active' ? b : undefined;
      },
      { timeoutMs: 30_000, describe: () => `user ${userId} never became active` },
    );
    expect(billing).toMatchObject({ subscriptionId, planId: 'pro' });
    expect(p.results.filter((r) => r.kind === 'dead_lettered')).toHaveLength(1);
    expect(await p.pullDeadLetters()).toEqual([]);
  });
});
