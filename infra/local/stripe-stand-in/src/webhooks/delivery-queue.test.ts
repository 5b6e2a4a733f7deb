// Webhook delivery: signed so that constructEvent verifies, retried on 500, and the test
// switches (duplicates, shuffle, drop-then-retry) behave as documented.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookVerifier } from '@billing/shared/stripe/stripe-client.js';
import { startStandIn, startWebhookReceiver, type RunningStandIn, type WebhookReceiver } from '../testing/start-stand-in.js';

let running: RunningStandIn;
let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
  running = await startStandIn({ webhookUrl: receiver.url, delivery: { retryBaseMs: 10, retryMaxMs: 50 } });
});
afterEach(async () => {
  await running.close();
  await receiver.close();
});

const createCustomers = async (n: number) => {
  for (let i = 0; i < n; i++) await running.stripe.customers.create({ metadata: { n: String(i) } });
};

describe('webhook delivery', () => {
  it('signs deliveries so constructEvent verifies them, and a wrong secret does not', async () => {
    const captured: { body: string; signature: string }[] = [];
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        captured.push({ body, signature: String(req.headers['stripe-signature']) });
        res.end();
      });
    }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    running.standIn.delivery.configure({ url: `http://127.0.0.1:${port}/hook` });
    await createCustomers(1);
    await running.standIn.delivery.idle();
    server.close();
    const verifier = createWebhookVerifier();
    const [first] = captured;
    if (!first) throw new Error('nothing delivered');
    expect(verifier.constructEvent(first.body, first.signature, 'whsec_stand_in_test_secret').type).toBe('customer.created');
    expect(() => verifier.constructEvent(first.body, first.signature, 'whsec_other')).toThrow();
  });

  it('retries on 500 until the endpoint answers 2xx', async () => {
    receiver.failNext(2, 500);
    await createCustomers(1);
    await running.standIn.delivery.idle();
    expect(running.standIn.delivery.attempts().map((a) => a.outcome)).toEqual([500, 500, 200]);
    expect(receiver.received).toHaveLength(1);
  });

  it('gives up after maxAttempts on a dead endpoint', async () => {
    running.standIn.delivery.configure({ url: 'http://127.0.0.1:9/nothing', maxAttempts: 3 });
    await createCustomers(1);
    await running.standIn.delivery.idle();
    expect(running.standIn.delivery.attempts().map((a) => a.outcome)).toEqual(['error', 'error', 'error']);
    expect(running.standIn.delivery.abandoned()).toHaveLength(1);
  });

  it('duplicates every event when asked, and drop-then-retry still delivers each', async () => {
    running.standIn.delivery.configure({ duplicateEvery: 2 });
    await createCustomers(2);
    await running.standIn.delivery.idle();
    const ids = receiver.received.map((e) => e.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(2);

    running.standIn.delivery.configure({ duplicateEvery: 1, dropFirstAttempt: true });
    await createCustomers(1);
    await running.standIn.delivery.idle();
    expect(receiver.received).toHaveLength(5);
    expect(
      running.standIn.delivery
        .attempts()
        .slice(-2)
        .map((a) => a.outcome),
    ).toEqual(['dropped', 200]);
  });

  it('shuffles order within the window, over HTTP config', async () => {
    const res = await fetch(`${running.url}/_stand-in/webhooks/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ shuffleWindow: 50 }),
    });
    expect(res.status).toBe(200);
    // One request emitting many events at once: checkout completion of several sessions.
    const { stripe, standIn } = running;
    const customer = await stripe.customers.create({});
    const sessions = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        stripe.checkout.sessions.create({
          mode: 'subscription',
          customer: customer.id,
          line_items: [{ price: 'price_pro_month', quantity: 1 }],
          success_url: 'http://a.local',
        }),
      ),
    );
    await standIn.delivery.idle();
    const before = receiver.received.length;
    for (const s of sessions) standIn.completeCheckout(s.id);
    await standIn.delivery.idle();
    const emitted = standIn.state.events.slice(-(receiver.received.length - before)).map((e) => e.id);
    const delivered = receiver.received.slice(before).map((e) => e.id);
    expect([...delivered].sort()).toEqual([...emitted].sort());
    expect(delivered).not.toEqual(emitted); // 30+ events: the chance of the same order is nil
  });
});
