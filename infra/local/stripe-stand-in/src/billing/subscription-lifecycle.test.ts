// Lifecycle transitions on the stand-in clock and the events each emits.
import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { idOf, startStandIn, type RunningStandIn } from '../testing/start-stand-in.js';

const DAY = 86_400;
let running: RunningStandIn;
beforeEach(async () => {
  running = await startStandIn({ clockStart: Date.UTC(2026, 2, 1) / 1000 });
});
afterEach(async () => {
  await running.close();
});

async function subscribe(price = 'price_pro_month', trialDays?: number): Promise<{ customer: Stripe.Customer; subId: string }> {
  const { stripe, standIn } = running;
  const customer = await stripe.customers.create({ email: 'l@example.com' });
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price, quantity: 1 }],
    success_url: 'http://a.local',
    ...(trialDays ? { subscription_data: { trial_period_days: trialDays } } : {}),
  });
  const done = standIn.completeCheckout(session.id);
  return { customer, subId: idOf(done.subscription) };
}

/** Event types emitted from now on while `action` runs. */
async function eventsDuring(action: () => unknown): Promise<string[]> {
  const before = running.standIn.state.events.length;
  await action();
  return running.standIn.state.events.slice(before).map((e) => e.type);
}

describe('renewals on the clock', () => {
  it('renews at period end with a paid invoice', async () => {
    const { stripe, standIn } = running;
    const { subId } = await subscribe();
    const types = await eventsDuring(() => standIn.advanceClock(31 * DAY));
    expect(types).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    const sub = await stripe.subscriptions.retrieve(subId);
    expect(sub.status).toBe('active');
    expect(sub.items.data[0]?.current_period_start).toBe(Date.UTC(2026, 3, 1) / 1000);
    const updated = standIn.state.events.find((e) => e.type === 'customer.subscription.updated');
    expect(updated?.data.previous_attributes).toHaveProperty('items');
  });

  it('fails a renewal: past_due, retries, then canceled after the last retry', async () => {
    const { stripe, standIn } = running;
    const { customer, subId } = await subscribe();
    standIn.configureBilling({ retries: 2, retryIntervalSeconds: 2 * DAY, afterFinalFailure: 'cancel' });
    standIn.setPaymentBehaviour(customer.id, 'fails');
    const atRenewal = await eventsDuring(() => standIn.advanceClock(31 * DAY));
    expect(atRenewal).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'invoice.payment_failed',
      'customer.subscription.updated',
      'entitlements.active_entitlement_summary.updated',
    ]);
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe('past_due');
    const retries = await eventsDuring(() => standIn.advanceClock(4 * DAY));
    expect(retries).toEqual([
      'invoice.payment_failed',
      'invoice.payment_failed',
      'invoice.marked_uncollectible',
      'customer.subscription.deleted',
    ]);
    const sub = await stripe.subscriptions.retrieve(subId);
    expect(sub.status).toBe('canceled');
    expect(sub.cancellation_details?.reason).toBe('payment_failed');
  });

  it('goes unpaid after the last retry when configured so', async () => {
    const { stripe, standIn } = running;
    const { customer, subId } = await subscribe();
    standIn.configureBilling({ retries: 1, retryIntervalSeconds: DAY, afterFinalFailure: 'unpaid' });
    standIn.setPaymentBehaviour(customer.id, 'fails');
    standIn.advanceClock(31 * DAY + 2 * DAY);
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe('unpaid');
  });

  it('recovers from past_due when the card is fixed before the next retry', async () => {
    const { stripe, standIn } = running;
    const { customer, subId } = await subscribe();
    standIn.setPaymentBehaviour(customer.id, 'fails');
    standIn.advanceClock(31 * DAY);
    standIn.setPaymentBehaviour(customer.id, 'succeeds');
    const types = await eventsDuring(() => standIn.advanceClock(3 * DAY));
    expect(types).toEqual([
      'invoice.paid',
      'invoice.payment_succeeded',
      'customer.subscription.updated',
      'entitlements.active_entitlement_summary.updated',
    ]);
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe('active');
  });

  it('emits payment_action_required for a card that needs authentication', async () => {
    const { standIn } = running;
    const { customer } = await subscribe();
    standIn.setPaymentBehaviour(customer.id, 'requires_action');
    expect(await eventsDuring(() => standIn.advanceClock(31 * DAY))).toContain('invoice.payment_action_required');
  });

  it('ends a trial into past_due when the card fails, and into paused without a card; resume restarts it', async () => {
    const { stripe, standIn } = running;
    const failing = await subscribe('price_pro_month', 7);
    standIn.setPaymentBehaviour(failing.customer.id, 'fails');
    const noCard = await subscribe('price_pro_month', 7);
    standIn.setPaymentBehaviour(noCard.customer.id, 'none');
    const types = await eventsDuring(() => standIn.advanceClock(7 * DAY));
    expect(types.filter((t) => t === 'customer.subscription.trial_will_end')).toHaveLength(2);
    expect(types).toContain('customer.subscription.paused');
    expect((await stripe.subscriptions.retrieve(failing.subId)).status).toBe('past_due');
    expect((await stripe.subscriptions.retrieve(noCard.subId)).status).toBe('paused');

    standIn.setPaymentBehaviour(noCard.customer.id, 'succeeds');
    const resumed = await stripe.subscriptions.resume(noCard.subId);
    expect(resumed.status).toBe('active');
    expect(standIn.state.events.some((e) => e.type === 'customer.subscription.resumed')).toBe(true);
  });
});

describe('changes through the API', () => {
  it('cancels at period end: stays active, then customer.subscription.deleted at period end', async () => {
    const { stripe, standIn } = running;
    const { subId } = await subscribe();
    const updated = await stripe.subscriptions.update(subId, { cancel_at_period_end: true });
    expect(updated.cancel_at_period_end).toBe(true);
    expect(updated.cancel_at).toBe(updated.items.data[0]?.current_period_end);
    expect(updated.status).toBe('active');
    const types = await eventsDuring(() => standIn.advanceClock(31 * DAY));
    expect(types).toEqual(['customer.subscription.deleted', 'entitlements.active_entitlement_summary.updated']);
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe('canceled');
    expect((await stripe.subscriptions.list({ customer: idOf(updated.customer) })).data).toEqual([]);
    expect((await stripe.subscriptions.list({ customer: idOf(updated.customer), status: 'canceled' })).data).toHaveLength(1);
    expect((await stripe.entitlements.activeEntitlements.list({ customer: idOf(updated.customer) })).data).toEqual([]);
  });

  it('cancels on a custom date with cancel_at, renewing until then; cancel_at_period_end=false clears it', async () => {
    const { stripe, standIn } = running;
    const { subId } = await subscribe();
    const periodEnd = (await stripe.subscriptions.retrieve(subId)).items.data[0]?.current_period_end ?? 0;
    const endsOn = periodEnd + 10 * DAY; // ten days into the next period
    const scheduled = await stripe.subscriptions.update(subId, { cancel_at: endsOn });
    expect(scheduled).toMatchObject({ cancel_at: endsOn, cancel_at_period_end: false, status: 'active' });
    await expect(stripe.subscriptions.update(subId, { cancel_at: endsOn, cancel_at_period_end: true })).rejects.toMatchObject({
      statusCode: 400,
      param: 'cancel_at',
    });

    const cleared = await stripe.subscriptions.update(subId, { cancel_at_period_end: false });
    expect(cleared).toMatchObject({ cancel_at: null, cancel_at_period_end: false, canceled_at: null });
    await stripe.subscriptions.update(subId, { cancel_at: endsOn });
    expect(await eventsDuring(() => standIn.advanceClock(periodEnd - standIn.clock.now() + DAY))).toContain('invoice.paid'); // renewed once
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe('active');
    expect(await eventsDuring(() => standIn.advanceClock(10 * DAY))).toContain('customer.subscription.deleted');
    expect((await stripe.subscriptions.retrieve(subId)).status).toBe('canceled');
  });

  it('changes plan with an immediate proration invoice and updates entitlements', async () => {
    const { stripe, standIn } = running;
    const { subId } = await subscribe('price_pro_month');
    standIn.advanceClock(Math.round(15.5 * DAY)); // half of March
    const sub = await stripe.subscriptions.retrieve(subId);
    const item = sub.items.data[0];
    const types = await eventsDuring(() =>
      stripe.subscriptions.update(subId, {
        items: [{ id: item?.id ?? '', price: 'price_team_month' }],
        proration_behavior: 'always_invoice',
      }),
    );
    expect(types).toEqual([
      'customer.subscription.updated',
      'entitlements.active_entitlement_summary.updated',
      'invoiceitem.created', // unused time on Pro
      'invoiceitem.created', // remaining time on Team
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    const [proration] = (await stripe.invoices.list({ subscription: subId, limit: 1 })).data;
    expect(proration?.billing_reason).toBe('subscription_update');
    expect(proration?.lines.data.map((l) => l.amount)).toEqual([-1_000, 5_000]); // 2,000 × 1/2 back, 10,000 × 1/2
    expect(proration?.total).toBe(4_000);
    expect((await stripe.subscriptions.retrieve(subId)).items.data[0]?.price.id).toBe('price_team_month');
  });

  it('pauses collection (invoices voided) and cancels at once with DELETE', async () => {
    const { stripe, standIn } = running;
    const { subId } = await subscribe();
    await stripe.subscriptions.update(subId, { pause_collection: { behavior: 'void' } });
    const types = await eventsDuring(() => standIn.advanceClock(31 * DAY));
    expect(types).toContain('invoice.voided');
    expect((await stripe.subscriptions.update(subId, { pause_collection: '' })).pause_collection).toBeNull();
    const canceled = await stripe.subscriptions.cancel(subId);
    expect(canceled.status).toBe('canceled');
    expect(standIn.state.events.at(-2)?.type).toBe('customer.subscription.deleted');
  });

  it('refuses a price for an item of another subscription', async () => {
    const { stripe } = running;
    const { subId } = await subscribe();
    const err = await stripe.subscriptions
      .update(subId, { items: [{ id: 'si_other', price: 'price_team_month' }] })
      .catch((e: unknown) => e);
    expect((err as Stripe.errors.StripeInvalidRequestError).param).toBe('items[0][id]');
  });
});
