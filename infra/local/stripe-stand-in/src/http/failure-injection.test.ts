// Held answers (`holdMs`): the request runs at once, its answer comes late, and a caller that goes
// away in between leaves the work done and nothing pending. The 429/500 rules are exercised in
// api/api-contract.test.ts.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { startStandIn, type RunningStandIn } from '../testing/start-stand-in.js';

const HOLD_MS = 1_500;
let running: RunningStandIn;
beforeEach(async () => {
  running = await startStandIn();
});
afterEach(async () => {
  await running.close();
});

const meterEvent = (customer: string, identifier: string) => ({
  event_name: 'api_calls',
  payload: { stripe_customer_id: customer, value: '3' },
  identifier,
});

describe('held answers', () => {
  it('runs the request at once and answers only after holdMs, once per count', async () => {
    const { stripe, standIn } = running;
    const customer = await stripe.customers.create({});
    standIn.failures.add({ method: 'POST', path: '/v1/billing/meter_events', holdMs: HOLD_MS });
    const started = Date.now();
    let answered = false;
    const answer = stripe.billing.meterEvents.create(meterEvent(customer.id, 'held_1')).finally(() => (answered = true));

    await vi.waitFor(() => expect(standIn.meterEvents(customer.id)).toHaveLength(1), { timeout: HOLD_MS });
    expect(answered).toBe(false); // recorded while the answer is still held
    await expect(answer).resolves.toMatchObject({ identifier: 'held_1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(HOLD_MS);

    const next = Date.now();
    await stripe.billing.meterEvents.create(meterEvent(customer.id, 'held_2'));
    expect(Date.now() - next).toBeLessThan(HOLD_MS); // the rule is used up
  });

  it('keeps the work of a caller that went away; its resend is refused as a duplicate', async () => {
    const { stripe, standIn, url } = running;
    const customer = await stripe.customers.create({});
    const res = await fetch(`${url}/_stand-in/failures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/v1/billing/meter_events', holdMs: 60_000 }),
    });
    expect(res.status).toBe(200);

    const impatient = createStripeClient({ secretKey: 'sk_test_impatient', apiBase: url, maxNetworkRetries: 0, timeoutMs: 300 });
    await expect(impatient.billing.meterEvents.create(meterEvent(customer.id, 'held_3'))).rejects.toBeInstanceOf(
      Stripe.errors.StripeConnectionError,
    );
    expect(standIn.meterEvents(customer.id)).toHaveLength(1);

    const resend = await stripe.billing.meterEvents.create(meterEvent(customer.id, 'held_3')).catch((e: unknown) => e);
    expect(resend).toMatchObject({ code: 'resource_already_exists' });
    expect(standIn.meterEvents(customer.id)).toHaveLength(1);
  });

  it('refuses a rule with both a status and a hold, or neither', async () => {
    const add = (rule: object) =>
      fetch(`${running.url}/_stand-in/failures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rule),
      });
    expect((await add({ path: '/v1/customers', status: 500, holdMs: 10 })).status).toBe(400);
    expect((await add({ path: '/v1/customers' })).status).toBe(400);
    expect(running.standIn.failures.take('POST', '/v1/customers')).toBeNull();
  });
});
