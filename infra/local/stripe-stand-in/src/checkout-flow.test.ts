// The path every other engineer relies on: customer -> price lookup -> Checkout Session -> the
// hosted page's Pay button -> subscription + paid invoice, with the events delivered signed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idOf, startStandIn, startWebhookReceiver, type RunningStandIn, type WebhookReceiver } from './testing/start-stand-in.js';

let running: RunningStandIn;
let receiver: WebhookReceiver;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  running = await startStandIn({ webhookUrl: receiver.url, clockStart: Date.UTC(2026, 0, 31) / 1000 });
});
afterEach(async () => {
  await running.close();
  await receiver.close();
});

describe('checkout through the hosted page', () => {
  it('creates the subscription, pays the first invoice and delivers signed events', async () => {
    const { stripe, standIn } = running;
    const customer = await stripe.customers.create({ email: 'ada@example.com', metadata: { userId: 'user_ada' } });
    const prices = await stripe.prices.list({ lookup_keys: ['pro_month'] });
    expect(prices.data.map((p) => p.id)).toEqual(['price_pro_month']);

    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      client_reference_id: 'user_ada',
      line_items: [{ price: 'price_pro_month', quantity: 1 }],
      success_url: 'http://app.local/billing/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://app.local/billing',
    });
    expect(session.url).toBe(`${running.url}/_stand-in/checkout/${session.id}`);
    expect(session.status).toBe('open');

    const page = await fetch(session.url ?? '');
    expect(await page.text()).toContain('id="pay"');
    const pay = await fetch(`${running.url}/_stand-in/checkout/${session.id}/pay`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams(),
    });
    expect(pay.status).toBe(303);
    expect(pay.headers.get('location')).toBe(`http://app.local/billing/success?session_id=${session.id}`);

    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed.status).toBe('complete');
    const subscription = await stripe.subscriptions.retrieve(idOf(completed.subscription), { expand: ['latest_invoice'] });
    expect(subscription.status).toBe('active');
    expect(subscription.customer).toBe(customer.id);
    expect(subscription.default_payment_method).toBe('pm_card_visa');
    const [item] = subscription.items.data;
    expect(item?.price.id).toBe('price_pro_month');
    // Jan 31 + 1 month is clamped to Feb 28, as Stripe does.
    expect(item?.current_period_end).toBe(Date.UTC(2026, 1, 28) / 1000);
    const invoice = subscription.latest_invoice;
    if (invoice === null || typeof invoice === 'string') throw new Error('latest_invoice was not expanded');
    expect(invoice.status).toBe('paid');
    expect(invoice.amount_paid).toBe(2000);
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscription.id);
    expect(invoice.hosted_invoice_url).toBe(`${running.url}/_stand-in/invoices/${invoice.id}`);

    await standIn.delivery.idle();
    expect(receiver.rejected).toBe(0);
    expect(receiver.received.map((e) => e.type)).toEqual([
      'customer.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'entitlements.active_entitlement_summary.updated',
      'checkout.session.completed',
    ]);
    const completedEvent = receiver.received.find((e) => e.type === 'checkout.session.completed');
    if (completedEvent?.type !== 'checkout.session.completed') throw new Error('no checkout.session.completed');
    expect(completedEvent.data.object.client_reference_id).toBe('user_ada');
    expect(completedEvent.data.object.subscription).toBe(subscription.id);
    const summary = receiver.received.find((e) => e.type === 'entitlements.active_entitlement_summary.updated');
    if (summary?.type !== 'entitlements.active_entitlement_summary.updated') throw new Error('no summary');
    expect(summary.data.object.entitlements.data.map((e) => e.lookup_key)).toEqual([
      'dashboard',
      'api_access',
      'exports',
      'advanced_analytics',
    ]);
    expect(standIn.subscriptionsOf(customer.id).map((s) => s.id)).toEqual([subscription.id]);
  });

  it('starts a trial when the session asks for one and ends it into active on the clock', async () => {
    const { stripe, standIn } = running;
    const customer = await stripe.customers.create({ email: 'bo@example.com' });
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_team_month', quantity: 1 }, { price: 'price_team_api_calls' }],
      subscription_data: { trial_period_days: 14 },
      success_url: 'http://app.local/ok',
    });
    const done = await fetch(`${running.url}/_stand-in/checkout/${session.id}/complete`, { method: 'POST' });
    expect(done.status).toBe(200);
    const subId = idOf((await stripe.checkout.sessions.retrieve(session.id)).subscription);
    const trialing = await stripe.subscriptions.retrieve(subId);
    expect(trialing.status).toBe('trialing');
    expect(trialing.items.data.map((i) => i.price.recurring?.usage_type)).toEqual(['licensed', 'metered']);

    standIn.advanceClock(11 * 86_400 + 1);
    expect(standIn.state.events.at(-1)?.type).toBe('customer.subscription.trial_will_end');
    standIn.advanceClock(3 * 86_400);
    const active = await stripe.subscriptions.retrieve(subId);
    expect(active.status).toBe('active');
    const invoices = await stripe.invoices.list({ subscription: subId });
    expect(invoices.data.map((i) => [i.billing_reason, i.status, i.amount_paid])).toEqual([
      ['subscription_cycle', 'paid', 10_000],
      ['subscription_create', 'paid', 0],
    ]);
  });
});
