// Plan changes between plans with different item sets, sent exactly as the app sends them (the
// shared planItemChanges + the SDK billing gateway), and the customer balance a net credit leaves.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planItemChanges } from '@billing/shared/billing-ops/plan-item-changes.js';
import { resolvePlanPrices } from '@billing/shared/billing-ops/plan-prices.js';
import { allLookupKeys, type PriceIdMap } from '@billing/shared/plans/catalog.js';
import { createSdkBillingGateway } from '@billing/shared/stripe/billing-gateway-sdk.js';
import { idOf, startStandIn, type RunningStandIn } from '../testing/start-stand-in.js';

const DAY = 86_400;
const MARCH_1 = Date.UTC(2026, 2, 1) / 1000;
/** The local STRIPE_PRICE_IDS: `price_<lookupKey>` for every catalog lookup key. */
const PRICE_IDS: PriceIdMap = Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`]));

let running: RunningStandIn;
beforeEach(async () => {
  running = await startStandIn({ clockStart: MARCH_1 });
});
afterEach(async () => {
  await running.close();
});

async function subscribe(lookupKey: string): Promise<{ customerId: string; subId: string }> {
  const { stripe, standIn } = running;
  const customer = await stripe.customers.create({ metadata: { userId: 'u1' } });
  const target = resolvePlanPrices(PRICE_IDS, lookupKey);
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: target.priceId, quantity: 1 }, ...target.meteredPriceIds.map((price) => ({ price }))],
    success_url: 'http://app.local/ok',
  });
  return { customerId: customer.id, subId: idOf(standIn.completeCheckout(session.id).subscription) };
}

/** What the app's change-plan does: the item changes for the target plan, through the SDK gateway. */
async function changePlanLikeTheApp(subId: string, lookupKey: string): Promise<Stripe.Subscription> {
  const { stripe } = running;
  const items = planItemChanges(await stripe.subscriptions.retrieve(subId), PRICE_IDS, resolvePlanPrices(PRICE_IDS, lookupKey));
  return createSdkBillingGateway(stripe).changeSubscriptionItems({ subscriptionId: subId, items }, `change-${subId}-${lookupKey}`);
}

function eventsSince(index: number): Stripe.Event[] {
  return running.standIn.state.events.slice(index);
}

const invalid = (err: unknown) => {
  expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  return err as Stripe.errors.StripeInvalidRequestError;
};

describe('plan changes with different item sets', () => {
  it('pro -> team swaps the licensed price, adds the metered item, prorates and updates entitlements', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('pro_month');
    const before = await stripe.subscriptions.retrieve(subId);
    standIn.advanceClock(Math.round(15.5 * DAY)); // half of March
    // Usage before the change is not billed by the item added later.
    await stripe.billing.meterEvents.create({
      event_name: 'api_calls',
      payload: { stripe_customer_id: customerId, value: '999' },
      identifier: 'before',
      timestamp: standIn.clock.now() - 60,
    });
    const mark = standIn.state.events.length;

    const updated = await changePlanLikeTheApp(subId, 'team_month');
    expect(updated.items.data.map((i) => [i.price.id, i.quantity ?? null])).toEqual([
      ['price_team_month', 1],
      ['price_team_api_calls', null],
      ['price_team_tokens', null],
    ]);
    expect(updated.items.data[0]?.id).toBe(before.items.data[0]?.id); // swapped in place
    expect(updated.items.data[1]?.current_period_end).toBe(updated.items.data[0]?.current_period_end);

    const events = eventsSince(mark);
    // create_prorations: nothing is invoiced now.
    expect(events.map((e) => e.type)).toEqual(['customer.subscription.updated', 'entitlements.active_entitlement_summary.updated']);
    const [subUpdated, summary] = events;
    const previousItems = (subUpdated?.data.previous_attributes as { items?: Stripe.ApiList<Stripe.SubscriptionItem> } | undefined)?.items;
    expect(previousItems?.data.map((i) => i.price.id)).toEqual(['price_pro_month']);
    if (summary?.type !== 'entitlements.active_entitlement_summary.updated') throw new Error('no entitlement summary');
    expect(summary.data.object.entitlements.data.map((e) => e.lookup_key)).toContain('team_seats');

    await stripe.billing.meterEvents.create({
      event_name: 'api_calls',
      payload: { stripe_customer_id: customerId, value: '1500' },
      identifier: 'after',
    });
    standIn.advanceClock(16 * DAY); // April 1: renewal
    const [renewal] = (await stripe.invoices.list({ subscription: subId, limit: 1 })).data;
    // 10,000 (team) + 1,500 calls × 0.01¢ (15) + no tokens (a $0 line, as Stripe shows one) + the carried proration (10,000 - 2,000) × 1/2
    expect(renewal?.lines.data.map((l) => l.amount)).toEqual([10_000, 15, 0, 4_000]);
    expect(renewal?.amount_paid).toBe(14_015);
  });

  it('team -> pro swaps the licensed price and removes the metered item', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('team_month');
    const mark = standIn.state.events.length;
    const updated = await changePlanLikeTheApp(subId, 'pro_month');
    expect(updated.items.data.map((i) => i.price.id)).toEqual(['price_pro_month']);
    expect(eventsSince(mark).map((e) => e.type)).toEqual([
      'customer.subscription.updated',
      'entitlements.active_entitlement_summary.updated',
    ]);
    const ents = await stripe.entitlements.activeEntitlements.list({ customer: customerId });
    expect(ents.data.map((e) => e.lookup_key)).not.toContain('team_seats');
    // Nothing left for the app to change.
    expect(planItemChanges(await stripe.subscriptions.retrieve(subId), PRICE_IDS, resolvePlanPrices(PRICE_IDS, 'pro_month'))).toEqual([]);
  });

  it('adds and removes items by hand with proration_behavior=none', async () => {
    const { stripe, standIn } = running;
    const { subId } = await subscribe('team_month');
    const sub = await stripe.subscriptions.retrieve(subId);
    const metered = sub.items.data[1];
    const removed = await stripe.subscriptions.update(subId, {
      items: [{ id: metered?.id ?? '', deleted: true }],
      proration_behavior: 'none',
    });
    expect(removed.items.data.map((i) => i.price.id)).toEqual(['price_team_month', 'price_team_tokens']);
    const added = await stripe.subscriptions.update(subId, { items: [{ price: 'price_team_api_calls' }], proration_behavior: 'none' });
    expect(added.items.data.map((i) => i.price.id)).toEqual(['price_team_month', 'price_team_tokens', 'price_team_api_calls']);
    expect(added.items.data[2]?.id).not.toBe(metered?.id);
    expect(standIn.state.invoices.size).toBe(1); // only the first invoice
  });
});

describe('item parameter validation', () => {
  it('refuses bad item changes with a 400 naming the parameter, and changes nothing', async () => {
    const { stripe, standIn } = running;
    const { subId } = await subscribe('team_month');
    const sub = await stripe.subscriptions.retrieve(subId);
    const [licensed, metered] = sub.items.data;
    const licensedId = licensed?.id ?? '';
    const meteredId = metered?.id ?? '';
    const mark = standIn.state.events.length;
    const update = (items: Stripe.SubscriptionUpdateParams.Item[]) =>
      stripe.subscriptions.update(subId, { items, proration_behavior: 'create_prorations' }).catch((e: unknown) => e);

    const unknownItem = invalid(
      await update([
        { id: licensedId, price: 'price_pro_month' },
        { id: 'si_unknown', deleted: true },
      ]),
    );
    expect(unknownItem.statusCode).toBe(400);
    expect(unknownItem.param).toBe('items[1][id]');

    expect(invalid(await update([{ id: licensedId, deleted: true }])).param).toBe('items[0][deleted]');
    expect(
      invalid(
        await update([
          { id: meteredId, deleted: true },
          { id: licensedId, deleted: true },
        ]),
      ).param,
    ).toBe('items[1][deleted]');
    expect(invalid(await update([{ id: meteredId, deleted: true, price: 'price_team_api_calls' }])).param).toBe('items[0][deleted]');
    expect(invalid(await update([{ deleted: true }])).param).toBe('items[0][id]');
    expect(invalid(await update([{ quantity: 2 }])).param).toBe('items[0][price]');
    expect(invalid(await update([{ price: 'price_team_api_calls' }])).param).toBe('items[0][price]'); // already on it
    expect(
      invalid(
        await update([
          { price: 'price_team_api_calls', quantity: 1 },
          { id: meteredId, deleted: true },
        ]),
      ).param,
    ).toBe('items[0][quantity]');
    expect(invalid(await update([{ id: licensedId, price: 'price_team_api_calls' }])).param).toBe('items[0][price]');
    expect(invalid(await update([{ id: licensedId }, { id: licensedId, quantity: 2 }])).param).toBe('items[1][id]');
    const missingPrice = invalid(await update([{ price: 'price_nope' }]));
    expect(missingPrice.statusCode).toBe(404);
    expect(missingPrice.param).toBe('items[0][price]');
    const unknownField = invalid(await update([{ id: licensedId, clear_usage: true }]));
    expect(unknownField.param).toBe('items[0][clear_usage]');

    expect(standIn.state.events.length).toBe(mark);
    expect((await stripe.subscriptions.retrieve(subId)).items.data.map((i) => i.id)).toEqual(sub.items.data.map((i) => i.id));
  });
});

describe('a plan change that leaves a net credit', () => {
  it('always_invoice: a negative invoice, the credit on the customer balance, applied to the next invoices', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('team_month');
    standIn.advanceClock(Math.round(15.5 * DAY));
    const mark = standIn.state.events.length;
    const sub = await stripe.subscriptions.retrieve(subId);
    await stripe.subscriptions.update(subId, {
      items: [
        { id: sub.items.data[0]?.id ?? '', price: 'price_pro_month' },
        { id: sub.items.data[1]?.id ?? '', deleted: true },
      ],
      proration_behavior: 'always_invoice',
    });
    const [credit] = (await stripe.invoices.list({ subscription: subId, limit: 1 })).data;
    expect(credit?.billing_reason).toBe('subscription_update');
    expect(credit?.total).toBe(-4_000); // (2,000 - 10,000) × 1/2
    expect([credit?.amount_due, credit?.amount_paid, credit?.status]).toEqual([0, 0, 'paid']);
    expect([credit?.starting_balance, credit?.ending_balance]).toEqual([0, -4_000]);
    const customer = (await stripe.customers.retrieve(customerId)) as Stripe.Customer;
    expect(customer.balance).toBe(-4_000);
    const balanceEvent = eventsSince(mark).find((e) => e.type === 'customer.updated');
    expect(balanceEvent?.data.previous_attributes).toEqual({ balance: 0 });

    // April 1 and May 1: 2,000 each, paid from the credit; June 1 is charged to the card.
    standIn.advanceClock(16 * DAY);
    standIn.advanceClock(30 * DAY);
    standIn.advanceClock(31 * DAY);
    const renewals = (await stripe.invoices.list({ subscription: subId, limit: 3 })).data.reverse();
    expect(renewals.map((i) => [i.total, i.starting_balance, i.amount_due, i.ending_balance, i.status])).toEqual([
      [2_000, -4_000, 0, -2_000, 'paid'],
      [2_000, -2_000, 0, 0, 'paid'],
      [2_000, 0, 2_000, 0, 'paid'],
    ]);
    expect(((await stripe.customers.retrieve(customerId)) as Stripe.Customer).balance).toBe(0);
  });

  it('create_prorations: the carried credit exceeds the renewal, and the rest goes to the balance', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('team_month');
    standIn.advanceClock(Math.round(15.5 * DAY));
    await changePlanLikeTheApp(subId, 'pro_month');
    expect(standIn.state.invoices.size).toBe(1);
    standIn.advanceClock(16 * DAY);
    const [renewal] = (await stripe.invoices.list({ subscription: subId, limit: 1 })).data;
    expect([renewal?.total, renewal?.amount_due, renewal?.ending_balance]).toEqual([-2_000, 0, -2_000]);
    expect(((await stripe.customers.retrieve(customerId)) as Stripe.Customer).balance).toBe(-2_000);
  });
});

describe('invoice preview of a subscription update (create_preview)', () => {
  it('shows the change’s proration at the proration date on the next invoice, and changes nothing', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('pro_month');
    standIn.advanceClock(Math.round(15.5 * DAY));
    const mark = standIn.state.events.length;
    const items = planItemChanges(await stripe.subscriptions.retrieve(subId), PRICE_IDS, resolvePlanPrices(PRICE_IDS, 'team_month'));
    const preview = await createSdkBillingGateway(stripe).previewSubscriptionChange({ customerId, subscriptionId: subId, items });
    const pro = standIn.state.prices.get('price_pro_month')?.unit_amount ?? 0;
    const team = standIn.state.prices.get('price_team_month')?.unit_amount ?? 0;
    expect(preview).toMatchObject({ currency: 'usd', prorationDate: standIn.clock.now() });
    expect(preview.proration).toBe(Math.round((team - pro) / 2)); // half of March left
    expect(eventsSince(mark)).toEqual([]);
    expect((await stripe.subscriptions.retrieve(subId)).items.data.map((i) => i.price.id)).toEqual(['price_pro_month']);

    await changePlanLikeTheApp(subId, 'team_month');
    expect(standIn.state.subscriptions.get(subId)?.pendingProration).toBe(preview.proration);
  });

  it('refuses a proration date outside the period, with proration_behavior=none, or another customer’s subscription', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('pro_month');
    const other = await stripe.customers.create({});
    const at = standIn.clock.now();
    const refusals: [Stripe.InvoiceCreatePreviewParams, string][] = [
      [
        { customer: customerId, subscription: subId, subscription_details: { proration_date: at - 40 * DAY } },
        'subscription_details[proration_date]',
      ],
      [
        { customer: customerId, subscription: subId, subscription_details: { proration_date: at, proration_behavior: 'none' } },
        'subscription_details[proration_date]',
      ],
      [{ customer: other.id, subscription: subId }, 'customer'],
    ];
    for (const [params, param] of refusals) {
      const err = invalid(await stripe.invoices.createPreview(params).catch((e: unknown) => e));
      expect(err.param).toBe(param);
    }
  });
});
