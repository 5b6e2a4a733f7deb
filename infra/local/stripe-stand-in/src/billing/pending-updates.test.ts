// Pending updates (`payment_behavior=pending_if_incomplete`), paying an open invoice, the test
// cards a customer holds, and the portal's payment-method flow, as Stripe documents them and as
// the app's SDK gateway calls them.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSdkBillingGateway } from '@billing/shared/stripe/billing-gateway-sdk.js';
import { idOf, startStandIn, type RunningStandIn } from '../testing/start-stand-in.js';
import { PENDING_UPDATE_SECONDS } from './subscription-item-changes.js';

const MARCH_1 = Date.UTC(2026, 2, 1) / 1000;
const DAY = 86_400;

let running: RunningStandIn;
beforeEach(async () => {
  running = await startStandIn({ clockStart: MARCH_1 });
});
afterEach(async () => {
  await running.close();
});

/** A paid Pro monthly subscription (no trial), whose customer's card then behaves as asked. */
async function proMonthly(): Promise<{ customerId: string; sub: Stripe.Subscription }> {
  const { stripe, standIn } = running;
  const customer = await stripe.customers.create({ email: 'p@example.com' });
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: 'price_pro_month', quantity: 1 }],
    success_url: 'http://app.local/ok',
  });
  const subId = idOf(standIn.completeCheckout(session.id).subscription);
  return { customerId: customer.id, sub: await stripe.subscriptions.retrieve(subId) };
}

const toYearly = (sub: Stripe.Subscription) => [{ id: sub.items.data[0]?.id ?? '', price: 'price_pro_year', quantity: 1 }];

describe('pending updates', () => {
  it('leaves the subscription unchanged when the charge for an interval change fails, and applies the change once the invoice is paid', async () => {
    const { stripe, standIn } = running;
    const { customerId, sub } = await proMonthly();
    standIn.setPaymentBehaviour(customerId, 'fails');
    const updated = await stripe.subscriptions.update(sub.id, {
      items: toYearly(sub),
      proration_behavior: 'create_prorations',
      payment_behavior: 'pending_if_incomplete',
    });
    expect(updated.status).toBe('active');
    expect(updated.items.data[0]?.price.id).toBe('price_pro_month');
    expect(updated.pending_update?.subscription_items?.[0]?.price.id).toBe('price_pro_year');
    expect(updated.pending_update?.expires_at).toBe(MARCH_1 + PENDING_UPDATE_SECONDS);
    const invoice = await stripe.invoices.retrieve(idOf(updated.latest_invoice));
    expect(invoice.status).toBe('open');
    expect(invoice.billing_reason).toBe('subscription_update');

    // Declined again: a 402 card error, nothing changes.
    const declined = await stripe.invoices.pay(invoice.id ?? '').catch((err: unknown) => err);
    expect(declined).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((await stripe.subscriptions.retrieve(sub.id)).items.data[0]?.price.id).toBe('price_pro_month');

    standIn.setPaymentBehaviour(customerId, 'succeeds');
    expect((await stripe.invoices.pay(invoice.id ?? '')).status).toBe('paid');
    const after = await stripe.subscriptions.retrieve(sub.id);
    expect(after.items.data[0]?.price.id).toBe('price_pro_year');
    expect(after.pending_update).toBeNull();
    expect(standIn.state.events.some((e) => e.type === 'customer.subscription.pending_update_applied')).toBe(true);
  });

  it('applies the change at once when the charge succeeds', async () => {
    const { stripe } = running;
    const { sub } = await proMonthly();
    const updated = await stripe.subscriptions.update(sub.id, { items: toYearly(sub), payment_behavior: 'pending_if_incomplete' });
    expect(updated.items.data[0]?.price.id).toBe('price_pro_year');
    expect(updated.pending_update).toBeNull();
    expect((await stripe.invoices.retrieve(idOf(updated.latest_invoice))).status).toBe('paid');
  });

  it('discards an unpaid pending update when it expires and voids its invoice', async () => {
    const { stripe, standIn } = running;
    const { customerId, sub } = await proMonthly();
    standIn.setPaymentBehaviour(customerId, 'fails');
    const updated = await stripe.subscriptions.update(sub.id, { items: toYearly(sub), payment_behavior: 'pending_if_incomplete' });
    standIn.advanceClock(DAY);
    const after = await stripe.subscriptions.retrieve(sub.id);
    expect(after.pending_update).toBeNull();
    expect(after.items.data[0]?.price.id).toBe('price_pro_month');
    expect((await stripe.invoices.retrieve(idOf(updated.latest_invoice))).status).toBe('void');
    expect(standIn.state.events.some((e) => e.type === 'customer.subscription.pending_update_expired')).toBe(true);
  });

  it('refuses parameters a pending update cannot hold', async () => {
    const { stripe } = running;
    const { sub } = await proMonthly();
    const err = await stripe.subscriptions
      .update(sub.id, { cancel_at_period_end: true, payment_behavior: 'pending_if_incomplete' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    // Items: a price and a quantity only (Stripe's pending updates reference), not a removal.
    const removal = await stripe.subscriptions
      .update(sub.id, {
        items: [...toYearly(sub), { id: sub.items.data[0]?.id ?? '', deleted: true }],
        payment_behavior: 'pending_if_incomplete',
      })
      .catch((e: unknown) => e);
    expect(removal).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(removal).toMatchObject({ param: 'items[1][deleted]' });
    expect((await stripe.subscriptions.retrieve(sub.id)).items.data.map((i) => i.price.id)).toEqual(['price_pro_month']);
  });
});

describe('paying a past-due invoice', () => {
  it('makes a past-due subscription active again, through the gateway the app uses', async () => {
    const { stripe, standIn } = running;
    const { customerId, sub } = await proMonthly();
    standIn.setPaymentBehaviour(customerId, 'fails');
    standIn.advanceClock(32 * DAY); // the renewal fails
    const pastDue = await stripe.subscriptions.retrieve(sub.id);
    expect(pastDue.status).toBe('past_due');
    const gateway = createSdkBillingGateway(stripe);
    const invoiceId = idOf(pastDue.latest_invoice);
    expect(await gateway.payInvoice(invoiceId)).toBe('declined');
    standIn.setPaymentBehaviour(customerId, 'requires_action');
    expect(await gateway.payInvoice(invoiceId)).toBe('requires_action');
    standIn.setPaymentBehaviour(customerId, 'succeeds');
    expect(await gateway.payInvoice(invoiceId)).toBe('paid');
    expect((await stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });
});

describe('the card on file, the balance and the next invoice', () => {
  it('describes the default card, the credit balance and the upcoming invoice', async () => {
    const { stripe, standIn } = running;
    const { customerId, sub } = await proMonthly();
    const gateway = createSdkBillingGateway(stripe);
    // Checkout's card is the subscription's default.
    expect(await gateway.customerBillingDetails({ customerId, subscriptionId: sub.id })).toEqual({
      card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 },
      balance: 0,
      currency: null,
    });
    standIn.setPaymentBehaviour(customerId, 'fails');
    expect((await gateway.customerBillingDetails({ customerId, subscriptionId: null })).card?.last4).toBe('0341');
    expect(await gateway.upcomingInvoice({ customerId, subscriptionId: sub.id })).toEqual({
      currency: 'usd',
      amountDue: 2_000,
      periodEnd: sub.items.data[0]?.current_period_end,
    });
    await stripe.subscriptions.cancel(sub.id);
    expect(await gateway.upcomingInvoice({ customerId, subscriptionId: sub.id })).toBeNull();
  });

  it('answers 404 for a card the customer does not hold', async () => {
    const { stripe } = running;
    const { customerId } = await proMonthly();
    const err = await stripe.customers.retrievePaymentMethod(customerId, 'pm_card_chargeCustomerFail').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((err as Stripe.errors.StripeError).statusCode).toBe(404);
  });

  it("sends the customer back to the app's return URL once the portal's card form changed the card", async () => {
    const { stripe, url } = running;
    const { customerId } = await proMonthly();
    const gateway = createSdkBillingGateway(stripe);
    const session = await gateway.createPortalSession({
      customerId,
      returnUrl: 'http://app.local/billing?payment_method=updated',
      flow: 'payment_method_update',
    });
    const response = await fetch(`${session.url.replace(/^https?:\/\/[^/]+/, url)}/payment-method`, {
      method: 'POST',
      body: new URLSearchParams({ behaviour: 'succeeds' }),
      redirect: 'manual',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('http://app.local/billing?payment_method=updated');
  });
});
