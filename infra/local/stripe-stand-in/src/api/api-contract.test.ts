// The stand-in answers the SDK as Stripe would: auth, strict parameters, idempotency, injected
// failures, pagination, and meter event validation. The client is the real SDK over HTTP.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStripeClient } from '@billing/shared/stripe/stripe-client.js';
import { startStandIn, type RunningStandIn } from '../testing/start-stand-in.js';

let running: RunningStandIn;
beforeEach(async () => {
  running = await startStandIn({ clockStart: Date.UTC(2026, 5, 1) / 1000 });
});
afterEach(async () => {
  await running.close();
});

async function subscribedCustomer(price = 'price_pro_month') {
  const { stripe, standIn } = running;
  const customer = await stripe.customers.create({ email: 'c@example.com', metadata: { userId: 'u1' } });
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price, quantity: 1 }],
    success_url: 'http://app.local/ok',
  });
  standIn.completeCheckout(session.id);
  return customer;
}

describe('authentication and parameters', () => {
  it('answers 401 without an API key and 401 for a live key', async () => {
    const res = await fetch(`${running.url}/v1/customers`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const live = createStripeClient({ secretKey: 'sk_live_nope', apiBase: running.url, maxNetworkRetries: 0 });
    await expect(live.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
  });

  it('rejects unknown, missing and malformed parameters with a 400 naming the parameter', async () => {
    const { stripe } = running;
    const customer = await stripe.customers.create({});
    const unknown = await stripe.customers.create({ emial: 'x@example.com' } as Stripe.CustomerCreateParams).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((unknown as Stripe.errors.StripeInvalidRequestError).param).toBe('emial');
    expect((unknown as Stripe.errors.StripeInvalidRequestError).message).toBe('Received unknown parameter: emial');

    const nested = await stripe.checkout.sessions
      .create({
        mode: 'subscription',
        customer: customer.id,
        line_items: [{ price: 'price_pro_month', quantity: 1, colour: 'red' } as Stripe.Checkout.SessionCreateParams.LineItem],
        success_url: 'http://a.local',
      })
      .catch((e: unknown) => e);
    expect((nested as Stripe.errors.StripeInvalidRequestError).param).toBe('line_items[0][colour]');

    const missing = await stripe.checkout.sessions
      .create({ mode: 'subscription', line_items: [{ price: 'price_pro_month', quantity: 1 }], success_url: 'http://a.local' })
      .catch((e: unknown) => e);
    expect((missing as Stripe.errors.StripeInvalidRequestError).param).toBe('customer');

    const badMode = await stripe.checkout.sessions
      .create({
        mode: 'payment',
        customer: customer.id,
        line_items: [{ price: 'price_pro_month', quantity: 1 }],
        success_url: 'http://a.local',
      })
      .catch((e: unknown) => e);
    expect((badMode as Stripe.errors.StripeInvalidRequestError).param).toBe('mode');

    const longRef = await stripe.checkout.sessions
      .create({
        mode: 'subscription',
        customer: customer.id,
        client_reference_id: 'x'.repeat(201),
        line_items: [{ price: 'price_pro_month', quantity: 1 }],
        success_url: 'http://a.local',
      })
      .catch((e: unknown) => e);
    expect((longRef as Stripe.errors.StripeInvalidRequestError).param).toBe('client_reference_id');

    const noPrice = await stripe.checkout.sessions
      .create({
        mode: 'subscription',
        customer: customer.id,
        line_items: [{ price: 'price_nope', quantity: 1 }],
        success_url: 'http://a.local',
      })
      .catch((e: unknown) => e);
    expect(noPrice).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((noPrice as Stripe.errors.StripeInvalidRequestError).statusCode).toBe(404);
    expect((noPrice as Stripe.errors.StripeInvalidRequestError).param).toBe('line_items[0][price]');
  });

  it('answers 404 resource_missing for an unknown object and for an unknown URL', async () => {
    const err = await running.stripe.subscriptions.retrieve('sub_missing').catch((e: unknown) => e);
    expect((err as Stripe.errors.StripeInvalidRequestError).code).toBe('resource_missing');
    const res = await fetch(`${running.url}/v1/nothing`, { headers: { authorization: 'Bearer sk_test_x' } });
    expect(res.status).toBe(404);
  });
});

describe('idempotency keys', () => {
  it('replays the first result for the same key and parameters, and refuses other parameters', async () => {
    const { stripe, standIn } = running;
    const a = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'create-user-1' });
    const b = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'create-user-1' });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(standIn.state.customers.size).toBe(1);
    const mismatch = await stripe.customers
      .create({ email: 'b@example.com' }, { idempotencyKey: 'create-user-1' })
      .catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('does not save a result for a request that failed validation', async () => {
    const { stripe } = running;
    await expect(stripe.customers.create({ email: 'not-an-email' }, { idempotencyKey: 'k2' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
    const ok = await stripe.customers.create({ email: 'ok@example.com' }, { idempotencyKey: 'k2' });
    expect(ok.email).toBe('ok@example.com');
  });
});

describe('failure injection', () => {
  it('answers the next N matching calls with 429 or 500, then recovers', async () => {
    const { stripe, standIn } = running;
    standIn.failures.add({ method: 'POST', path: '/v1/customers', status: 429, count: 2 });
    await expect(stripe.customers.create({})).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    await expect(stripe.customers.list()).resolves.toBeDefined(); // GET does not match
    await expect(stripe.customers.create({})).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    await expect(stripe.customers.create({})).resolves.toHaveProperty('object', 'customer');

    const res = await fetch(`${running.url}/_stand-in/failures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '^/v1/subscriptions/', status: 500, count: 1 }),
    });
    expect(res.status).toBe(200);
    await expect(stripe.subscriptions.retrieve('sub_x')).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
  });

  it('lets the SDK retry past an injected 500 with the same idempotency key', async () => {
    const retrying = createStripeClient({ secretKey: 'sk_test_r', apiBase: running.url, maxNetworkRetries: 2 });
    running.standIn.failures.add({ method: 'POST', path: '/v1/customers', status: 500, count: 1 });
    const customer = await retrying.customers.create({ email: 'r@example.com' });
    expect(customer.email).toBe('r@example.com');
    expect(running.standIn.state.customers.size).toBe(1);
  });
});

describe('lists', () => {
  it('paginates invoices newest first with starting_after and has_more', async () => {
    const { stripe, standIn } = running;
    const customer = await subscribedCustomer('price_pro_day');
    standIn.advanceClock(4 * 86_400); // four daily renewals -> five invoices
    const first = await stripe.invoices.list({ customer: customer.id, limit: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.has_more).toBe(true);
    const second = await stripe.invoices.list({ customer: customer.id, limit: 2, starting_after: first.data[1]?.id ?? '' });
    const third = await stripe.invoices.list({ customer: customer.id, limit: 2, starting_after: second.data[1]?.id ?? '' });
    expect(third.has_more).toBe(false);
    const all = [...first.data, ...second.data, ...third.data];
    expect(all).toHaveLength(5);
    expect(all.map((i) => i.created)).toEqual([...all.map((i) => i.created)].sort((a, b) => b - a));
    const viaAutoPaging = await stripe.invoices.list({ customer: customer.id, limit: 2 }).autoPagingToArray({ limit: 100 });
    expect(viaAutoPaging.map((i) => i.id)).toEqual(all.map((i) => i.id));
  });

  it('lists active entitlements and events', async () => {
    const { stripe } = running;
    const customer = await subscribedCustomer('price_enterprise_year');
    const ents = await stripe.entitlements.activeEntitlements.list({ customer: customer.id, limit: 5 });
    expect(ents.data).toHaveLength(5);
    expect(ents.has_more).toBe(true);
    const events = await stripe.events.list({ type: 'customer.subscription.*' });
    expect(events.data.map((e) => e.type)).toEqual(['customer.subscription.created']);
    // Completed through the TS API, not an API request: no request id, as for Stripe's own jobs.
    expect(events.data[0]?.request).toEqual({ id: null, idempotency_key: null });
    const [created] = (await stripe.events.list({ type: 'customer.created' })).data;
    const one = await stripe.events.retrieve(created?.id ?? '');
    expect(one.request?.id).toMatch(/^req_/);
    expect(one.api_version).toBe(Stripe.API_VERSION);
  });
});

describe('billing meter events', () => {
  it('records usage, refuses a repeated identifier and timestamps outside the window', async () => {
    const { stripe, standIn } = running;
    const customer = await stripe.customers.create({});
    const now = standIn.clock.now();
    const send = (identifier: string, timestamp: number, value = '5') =>
      stripe.billing.meterEvents.create({
        event_name: 'api_calls',
        payload: { stripe_customer_id: customer.id, value },
        identifier,
        timestamp,
      });
    await send('use-1', now);
    await send('use-2', now - 34 * 86_400, '7');
    const dup = await send('use-1', now).catch((e: unknown) => e);
    expect((dup as Stripe.errors.StripeInvalidRequestError).param).toBe('identifier');
    const tooOld = await send('use-3', now - 36 * 86_400).catch((e: unknown) => e);
    expect((tooOld as Stripe.errors.StripeInvalidRequestError).param).toBe('timestamp');
    const tooNew = await send('use-4', now + 301).catch((e: unknown) => e);
    expect((tooNew as Stripe.errors.StripeInvalidRequestError).param).toBe('timestamp');
    await send('use-5', now + 299, '1');
    const unknownMeter = await stripe.billing.meterEvents
      .create({ event_name: 'nope', payload: { stripe_customer_id: customer.id, value: '1' } })
      .catch((e: unknown) => e);
    expect((unknownMeter as Stripe.errors.StripeInvalidRequestError).param).toBe('event_name');

    expect(standIn.meterEvents(customer.id).map((e) => [e.identifier, e.value])).toEqual([
      ['use-1', 5],
      ['use-2', 7],
      ['use-5', 1],
    ]);
    const res = await fetch(`${running.url}/_stand-in/meter-events?customer=${customer.id}`);
    expect(((await res.json()) as { total: number }).total).toBe(13);
  });

  it('bills metered usage of the ended period on the renewal invoice', async () => {
    const { stripe, standIn } = running;
    const customer = await stripe.customers.create({});
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_team_month', quantity: 1 }, { price: 'price_team_api_calls' }],
      success_url: 'http://a.local',
    });
    standIn.completeCheckout(session.id);
    await stripe.billing.meterEvents.create({
      event_name: 'api_calls',
      payload: { stripe_customer_id: customer.id, value: '1500' },
      identifier: 'u1',
    });
    standIn.advanceClock(31 * 86_400);
    const [renewal] = (await stripe.invoices.list({ customer: customer.id, limit: 1 })).data;
    // 10,000 (plan) + 1,500 calls × 0.01¢ = 15¢
    expect(renewal?.total).toBe(10_015);
    expect(renewal?.lines.data.map((l) => l.amount)).toEqual([10_000, 15]);
  });
});
