// Plan changes between plans with different item sets, sent exactly as the app sends them (the
// shared planItemChanges + the SDK billing gateway), the customer balance a net credit leaves, and
// the prorations as Stripe writes them: per changed item, a credit for the unused time on what it
// was and a charge for the remaining time on what it becomes, as pending invoice items
// (create_prorations) or on an invoice made at once (always_invoice), and the same lines previewed.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planItemChanges } from '@billing/shared/billing-ops/plan-item-changes.js';
import { resolvePlanPrices } from '@billing/shared/billing-ops/plan-prices.js';
import { allLookupKeys, type PriceIdMap } from '@billing/shared/plans/catalog.js';
import { createSdkBillingGateway } from '@billing/shared/stripe/billing-gateway-sdk.js';
import { idOf, startStandIn, type RunningStandIn } from '../testing/start-stand-in.js';

const DAY = 86_400;
const MARCH_1 = Date.UTC(2026, 2, 1) / 1000;
const APRIL_1 = Date.UTC(2026, 3, 1) / 1000;
/** To March 10, 06:00: 21.75 of March's 31 days left. */
const AT_9_25_DAYS = Math.round(9.25 * DAY);
/** The local STRIPE_PRICE_IDS: `price_<lookupKey>` for every catalog lookup key. */
const PRICE_IDS: PriceIdMap = Object.fromEntries(allLookupKeys().map((k) => [k, `price_${k}`]));

let running: RunningStandIn;
beforeEach(async () => {
  running = await startStandIn({ clockStart: MARCH_1 });
});
afterEach(async () => {
  await running.close();
});

async function subscribe(lookupKey: string, seats = 1): Promise<{ customerId: string; subId: string }> {
  const { stripe, standIn } = running;
  const customer = await stripe.customers.create({ metadata: { userId: 'u1' } });
  const target = resolvePlanPrices(PRICE_IDS, lookupKey);
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: target.priceId, quantity: seats }, ...target.meteredPriceIds.map((price) => ({ price }))],
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

const licensedItemId = async (subId: string) => (await running.stripe.subscriptions.retrieve(subId)).items.data[0]?.id ?? '';

/** The customer's pending invoice items, oldest first (Stripe lists newest first). */
const pendingItems = async (customerId: string) =>
  (await running.stripe.invoiceItems.list({ customer: customerId, pending: true })).data.reverse();

const sum = (amounts: number[]) => amounts.reduce((a, b) => a + b, 0);
const priceOf = (price: string | Stripe.Price | undefined) => (typeof price === 'string' ? price : price?.id);
const itemShape = (i: Stripe.InvoiceItem) => ({
  description: i.description,
  amount: i.amount,
  price: priceOf(i.pricing?.price_details?.price),
  quantity: i.quantity,
});
const lineShape = (l: Stripe.InvoiceLineItem) => ({
  description: l.description,
  amount: l.amount,
  price: priceOf(l.pricing?.price_details?.price),
  quantity: l.quantity,
});

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
    // create_prorations: nothing is invoiced now; the credit and the charge wait as invoice items.
    expect(events.map((e) => e.type)).toEqual([
      'customer.subscription.updated',
      'entitlements.active_entitlement_summary.updated',
      'invoiceitem.created',
      'invoiceitem.created',
    ]);
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
    // The carried prorations first (unused half of Pro, 2,000 × 1/2; remaining half of Team, 10,000 × 1/2),
    // then 10,000 (team) + 1,500 calls × 0.01¢ (15) + no tokens (a $0 line, as Stripe shows one).
    expect(renewal?.lines.data.map((l) => l.amount)).toEqual([-1_000, 5_000, 10_000, 15, 0]);
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
      'invoiceitem.created',
      'invoiceitem.created',
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

describe('prorations, item by item, as Stripe writes them', () => {
  it('create_prorations: a plan swap credits the old price and charges the new one as pending invoice items, which the renewal bills', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('pro_month');
    const [first] = (await stripe.invoices.list({ subscription: subId })).data;
    const itemId = await licensedItemId(subId);
    standIn.advanceClock(Math.round(15.5 * DAY)); // March 16, 12:00: half of March left
    const at = standIn.clock.now();
    await changePlanLikeTheApp(subId, 'team_month');

    const [credit, charge] = await pendingItems(customerId);
    expect(credit).toMatchObject({
      object: 'invoiceitem',
      amount: -1_000, // 2,000 × 1/2
      customer: customerId,
      description: 'Unused time on Pro after 16 Mar 2026',
      invoice: null,
      parent: { type: 'subscription_details', subscription_details: { subscription: subId, subscription_item: itemId } },
      period: { start: at, end: APRIL_1 },
      pricing: { price_details: { price: 'price_pro_month', product: 'prod_pro' } },
      proration: true,
      quantity: 1,
      // Flexible billing mode: the credit gives back part of what the first invoice charged.
      proration_details: {
        credited_items: {
          type: 'invoice_line_items',
          invoice_line_item_details: { invoice: first?.id, invoice_line_items: [first?.lines.data[0]?.id] },
        },
      },
    });
    expect(charge).toMatchObject({
      amount: 5_000, // 10,000 × 1/2
      description: 'Remaining time on Team after 16 Mar 2026',
      invoice: null,
      period: { start: at, end: APRIL_1 },
      pricing: { price_details: { price: 'price_team_month', product: 'prod_team' } },
      proration: true,
      quantity: 1,
      proration_details: { credited_items: null },
    });
    expect(await stripe.invoiceItems.retrieve(credit?.id ?? '')).toEqual(credit);
    expect(standIn.state.invoices.size).toBe(1); // nothing invoiced now

    standIn.advanceClock(16 * DAY); // April 1: the renewal bills them, first
    const [renewal] = (await stripe.invoices.list({ subscription: subId, limit: 1 })).data;
    const [creditLine, chargeLine] = renewal?.lines.data ?? [];
    expect(creditLine).toMatchObject({
      amount: -1_000,
      description: 'Unused time on Pro after 16 Mar 2026',
      discountable: false,
      parent: {
        type: 'subscription_item_details',
        subscription_item_details: {
          invoice_item: credit?.id,
          proration: true,
          proration_details: { credited_items: { invoice: first?.id, invoice_line_items: [first?.lines.data[0]?.id] } },
          subscription: subId,
          subscription_item: itemId,
        },
      },
      period: { start: at, end: APRIL_1 },
      pricing: { price_details: { price: 'price_pro_month' } },
      quantity: 1,
    });
    expect(chargeLine).toMatchObject({
      amount: 5_000,
      parent: { subscription_item_details: { invoice_item: charge?.id, proration: true, proration_details: { credited_items: null } } },
      pricing: { price_details: { price: 'price_team_month' } },
    });
    expect(await pendingItems(customerId)).toEqual([]);
    const billed = await stripe.invoiceItems.list({ customer: customerId, invoice: renewal?.id ?? '' });
    expect(billed.data.map((i) => i.id).sort()).toEqual([credit?.id, charge?.id].sort());
  });

  it('a seat change credits the old quantity and charges the new one, each line rounded to the cent', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('team_month', 3);
    standIn.advanceClock(AT_9_25_DAYS); // March 10, 06:00: 21.75 of March's 31 days left
    await stripe.subscriptions.update(subId, { items: [{ id: await licensedItemId(subId), quantity: 5 }] });
    // 3 × 10,000 × 21.75/31 = 21,048.39 and 5 × 10,000 × 21.75/31 = 35,080.65: -21,048 + 35,081 = 14,033
    // (the difference prorated as one line would round to 14,032).
    expect((await pendingItems(customerId)).map(itemShape)).toEqual([
      { description: 'Unused time on 3 × Team after 10 Mar 2026', amount: -21_048, price: 'price_team_month', quantity: 3 },
      { description: 'Remaining time on 5 × Team after 10 Mar 2026', amount: 35_081, price: 'price_team_month', quantity: 5 },
    ]);
    standIn.advanceClock(APRIL_1 - standIn.clock.now());
    const [renewal] = (await stripe.invoices.list({ subscription: subId, limit: 1 })).data;
    expect(renewal?.total).toBe(64_033); // 14,033 + 5 × 10,000 (no usage)
  });

  it('a second change in the period credits what the first one charged (flexible billing mode)', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('team_month', 3);
    standIn.advanceClock(AT_9_25_DAYS);
    await stripe.subscriptions.update(subId, { items: [{ id: await licensedItemId(subId), quantity: 5 }] });
    standIn.advanceClock(Math.round(10.75 * DAY)); // March 21, 00:00: 11 days left
    await stripe.subscriptions.update(subId, { items: [{ id: await licensedItemId(subId), quantity: 4 }] });
    const [, firstCharge, credit, charge] = await pendingItems(customerId);
    // The 5 seats were charged 35,081 for 21.75 days: 35,081 × 11/21.75 = 17,742.11 back; 4 × 10,000 × 11/31 = 14,193.55.
    expect([credit, charge].map((i) => i && itemShape(i))).toEqual([
      { description: 'Unused time on 5 × Team after 21 Mar 2026', amount: -17_742, price: 'price_team_month', quantity: 5 },
      { description: 'Remaining time on 4 × Team after 21 Mar 2026', amount: 14_194, price: 'price_team_month', quantity: 4 },
    ]);
    expect(credit?.proration_details?.credited_items).toEqual({ type: 'invoice_item', invoice_item: firstCharge?.id });

    standIn.advanceClock(APRIL_1 - standIn.clock.now());
    const [renewal] = (await stripe.invoices.list({ subscription: subId, limit: 1 })).data;
    const lines = renewal?.lines.data ?? [];
    expect(lines.map((l) => l.amount)).toEqual([-21_048, 35_081, -17_742, 14_194, 40_000, 0, 0]);
    expect(renewal?.total).toBe(50_485);
    // On the invoice, the credit names the line that bills the charge it credits.
    expect(lines[2]?.parent?.subscription_item_details?.proration_details?.credited_items).toEqual({
      invoice: renewal?.id,
      invoice_line_items: [lines[1]?.id],
    });
  });

  it('always_invoice: the same two lines, invoiced at once, nothing left pending', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('team_month', 3);
    standIn.advanceClock(AT_9_25_DAYS);
    await stripe.subscriptions.update(subId, {
      items: [{ id: await licensedItemId(subId), quantity: 5 }],
      proration_behavior: 'always_invoice',
    });
    const [invoice] = (await stripe.invoices.list({ subscription: subId, limit: 1 })).data;
    expect(invoice?.billing_reason).toBe('subscription_update');
    expect(invoice?.lines.data.map(lineShape)).toEqual([
      { description: 'Unused time on 3 × Team after 10 Mar 2026', amount: -21_048, price: 'price_team_month', quantity: 3 },
      { description: 'Remaining time on 5 × Team after 10 Mar 2026', amount: 35_081, price: 'price_team_month', quantity: 5 },
    ]);
    expect([invoice?.total, invoice?.amount_paid, invoice?.status]).toEqual([14_033, 14_033, 'paid']);
    expect(await pendingItems(customerId)).toEqual([]);
    const items = (await stripe.invoiceItems.list({ customer: customerId })).data;
    expect(items.map((i) => i.invoice)).toEqual([invoice?.id, invoice?.id]);
    expect(invoice?.lines.data.map((l) => l.parent?.subscription_item_details?.invoice_item)).toEqual(items.map((i) => i.id).reverse());
  });

  it('a new billing interval credits the unused time at the old price and charges the new period in full', async () => {
    const { stripe, standIn } = running;
    const { subId } = await subscribe('pro_month');
    standIn.advanceClock(Math.round(15.5 * DAY));
    const at = standIn.clock.now();
    await stripe.subscriptions.update(subId, { items: [{ id: await licensedItemId(subId), price: 'price_pro_year' }] });
    const [invoice] = (await stripe.invoices.list({ subscription: subId, limit: 1 })).data;
    const [credit, year] = invoice?.lines.data ?? [];
    expect(credit).toMatchObject({
      amount: -1_000,
      description: 'Unused time on Pro after 16 Mar 2026',
      period: { start: at, end: APRIL_1 },
      pricing: { price_details: { price: 'price_pro_month' } },
      quantity: 1,
      parent: { subscription_item_details: { proration: true } },
    });
    expect(year).toMatchObject({ amount: 20_000, pricing: { price_details: { price: 'price_pro_year' } } });
    expect(year?.parent?.subscription_item_details?.proration).toBe(false);
    expect(invoice?.total).toBe(19_000);
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
    expect(sum((await pendingItems(customerId)).map((i) => i.amount))).toBe(preview.proration);
  });

  it('shows the same credit and charge lines the change then records, after the pending ones, before the renewal', async () => {
    const { stripe, standIn } = running;
    const { customerId, subId } = await subscribe('team_month', 3);
    standIn.advanceClock(AT_9_25_DAYS);
    await stripe.subscriptions.update(subId, { items: [{ id: await licensedItemId(subId), quantity: 5 }] });
    standIn.advanceClock(Math.round(10.75 * DAY)); // March 21
    const preview = await stripe.invoices.createPreview({
      customer: customerId,
      subscription: subId,
      subscription_details: { items: [{ id: await licensedItemId(subId), quantity: 4 }], proration_behavior: 'create_prorations' },
    });
    const at = standIn.clock.now();
    expect(preview.parent?.subscription_details?.subscription_proration_date).toBe(at);
    const change = (l: Stripe.InvoiceLineItem) => l.parent?.subscription_item_details?.proration === true && l.period.start === at;
    expect(preview.lines.data.map((l) => [l.description, l.amount, change(l)])).toEqual([
      ['Unused time on 3 × Team after 10 Mar 2026', -21_048, false],
      ['Remaining time on 5 × Team after 10 Mar 2026', 35_081, false],
      ['Unused time on 5 × Team after 21 Mar 2026', -17_742, true],
      ['Remaining time on 4 × Team after 21 Mar 2026', 14_194, true],
      ['4 × team_month', 40_000, false],
      ['0 × api_calls', 0, false],
      ['0 × tokens', 0, false],
    ]);
    expect(await pendingItems(customerId)).toHaveLength(2); // the preview recorded nothing

    await stripe.subscriptions.update(subId, { items: [{ id: await licensedItemId(subId), quantity: 4 }] });
    const recorded = (await pendingItems(customerId)).slice(2);
    expect(recorded.map(itemShape)).toEqual(preview.lines.data.filter(change).map(lineShape));
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
