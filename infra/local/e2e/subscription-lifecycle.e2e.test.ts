// Issue 3's end-to-end test: a user subscribes through Checkout on the stand-in, the events go
// through the real webhook -> Pub/Sub -> function path, and Firestore (what access control reads)
// follows: active, then cancel-at-period-end in the portal with access kept, then canceled with
// access gone once the stand-in clock passes the period end; and a failed renewal -> past_due.
import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideAccess, DEFAULT_PAST_DUE_GRACE_DAYS } from '@billing/shared/access/access-decision.js';
import type { BillingSummary } from '@billing/shared/model/documents.js';
import { Notification } from '@billing/shared/notifications/messages.js';
import { idOf } from '@billing/stripe-stand-in/testing/start-stand-in.js';
import { startPipeline, type Pipeline } from './pipeline-harness.js';

const GRACE_SECONDS = DEFAULT_PAST_DUE_GRACE_DAYS * 86_400;
const WAIT = { timeoutMs: 30_000 };

let p: Pipeline;
beforeAll(async () => {
  p = await startPipeline({ label: 'e2e-life' });
});
afterAll(async () => {
  await p?.close();
});

/** A product user with a Stripe customer created the way the product creates it. */
async function newCustomer(): Promise<{ accountId: string; customer: Stripe.Customer }> {
  const accountId = `user_${randomUUID().slice(0, 8)}`;
  const customer = await p.stripe.customers.create({ email: `${accountId}@example.com`, metadata: { accountId } });
  return { accountId, customer };
}

/** Creates a Checkout Session and pays it on the stand-in's hosted page (a real form POST). */
async function subscribeThroughCheckout(accountId: string, customerId: string): Promise<Stripe.Subscription> {
  const session = await p.stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customerId,
    client_reference_id: accountId,
    line_items: [{ price: 'price_pro_month', quantity: 1 }],
    success_url: 'http://app.local/billing?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://app.local/billing',
  });
  if (!session.url) throw new Error('checkout session without a hosted page url');
  const pay = await fetch(`${session.url}/pay`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({}) });
  expect(pay.status).toBe(303);
  expect(pay.headers.get('location')).toBe(`http://app.local/billing?session=${session.id}`);
  const completed = await p.stripe.checkout.sessions.retrieve(session.id);
  expect(completed.status).toBe('complete');
  return p.stripe.subscriptions.retrieve(idOf(completed.subscription));
}

async function billingOf(accountId: string): Promise<BillingSummary | null> {
  return (await p.store.accounts.doc(accountId).get()).data()?.billing ?? null;
}

/** Polls the user's billing summary until `accept` holds; the timeout message shows the last one seen. */
async function waitForBilling(accountId: string, what: string, accept: (b: BillingSummary) => boolean): Promise<BillingSummary> {
  let last: BillingSummary | null = null;
  return p.waitFor(
    async () => {
      last = await billingOf(accountId);
      return last && accept(last) ? last : undefined;
    },
    { ...WAIT, describe: () => `${what}; last billing summary: ${JSON.stringify(last)}` },
  );
}

/** Waits until every event the stand-in emitted about this customer is in the ledger. */
async function waitForLedger(customerId: string): Promise<string[]> {
  const emitted = () => p.standIn.state.events.filter((e) => customerOfEvent(e) === customerId).map((e) => e.id);
  let missing: string[] = [];
  return p.waitFor(
    async () => {
      const ids = emitted();
      const docs = await Promise.all(ids.map((id) => p.store.ledger.doc(id).get()));
      missing = docs.filter((d) => !d.exists).map((d) => d.id);
      return missing.length === 0 ? ids : undefined;
    },
    { ...WAIT, describe: () => `ledger lacks ${missing.join(', ')}` },
  );
}

function customerOfEvent(event: Stripe.Event): string | null {
  const obj = event.data.object as { object?: string; id?: string; customer?: string | { id: string } | null };
  if (obj.object === 'customer') return obj.id ?? null;
  return obj.customer ? idOf(obj.customer) : null;
}

const access = (billing: BillingSummary | null) =>
  decideAccess({ billing, feature: 'advanced_analytics', now: p.standIn.clock.now(), pastDueGraceSeconds: GRACE_SECONDS });

describe('subscription lifecycle through stand-in -> webhook -> Pub/Sub -> function -> Firestore', () => {
  it('checkout activates the user, portal cancel keeps access to period end, then access ends', async () => {
    const { accountId, customer } = await newCustomer();
    const sub = await subscribeThroughCheckout(accountId, customer.id);
    const periodEnd = sub.items.data[0]?.current_period_end;
    expect(periodEnd).toBeGreaterThan(p.standIn.clock.now());

    const active = await waitForBilling(accountId, 'status active', (b) => b.status === 'active');
    expect(active).toMatchObject({
      customerId: customer.id,
      subscriptionId: sub.id,
      planId: 'pro',
      priceId: 'price_pro_month',
      interval: 'month',
      currentPeriodEnd: periodEnd,
      cancelAtPeriodEnd: false,
      paymentIssue: null,
    });
    expect(access(active)).toMatchObject({ allow: true, planId: 'pro' });

    const ledgerIds = await waitForLedger(customer.id);
    const ledger = await Promise.all(ledgerIds.map((id) => p.store.ledger.doc(id).get()));
    const types = ledger.map((d) => d.data()?.type);
    expect(types).toEqual(
      expect.arrayContaining(['customer.created', 'customer.subscription.created', 'invoice.paid', 'checkout.session.completed']),
    );
    // The mapping was recovered from the customer's metadata (nothing else wrote it here).
    expect((await p.store.customers.doc(customer.id).get()).data()?.accountId).toBe(accountId);

    // Cancel in the portal, as the user would.
    const portal = await p.stripe.billingPortal.sessions.create({ customer: customer.id, return_url: 'http://app.local/billing' });
    const cancel = await fetch(`${portal.url}/cancel`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ subscription: sub.id }),
    });
    expect(cancel.status).toBe(303);
    const canceling = await waitForBilling(accountId, 'cancelAtPeriodEnd', (b) => b.cancelAtPeriodEnd);
    expect(canceling).toMatchObject({ status: 'active', cancelAt: periodEnd, currentPeriodEnd: periodEnd });
    expect(access(canceling)).toMatchObject({ allow: true, planId: 'pro' });

    // Past the period end on the stand-in's clock: Stripe ends the subscription.
    p.standIn.advanceClock((periodEnd ?? 0) - p.standIn.clock.now() + 60);
    const ended = await waitForBilling(accountId, 'status canceled', (b) => b.status === 'canceled');
    expect(ended.subscriptionId).toBe(sub.id);
    expect(access(ended)).toMatchObject({ allow: false, code: 'payment_required', planId: 'free' });
    expect((await p.store.subscriptions.doc(sub.id).get()).data()).toMatchObject({ status: 'canceled', cancelAtPeriodEnd: true });
    await waitForLedger(customer.id);

    // Hosts were told each change on billing-notifications, with attributes to filter on.
    const seen: Notification[] = [];
    await p.waitFor(
      async () => {
        for (const m of await p.pullNotifications()) {
          const n = Notification.parse(JSON.parse(m.data.toString('utf8')));
          expect(m.attributes).toEqual({ type: n.type, version: '1', accountId: n.accountId, notificationId: n.notificationId });
          if (n.accountId === accountId) seen.push(n);
        }
        const statuses = seen.flatMap((n) =>
          n.type === 'subscription.changed' ? [`${n.after.status}${n.after.cancelAtPeriodEnd ? ' canceling' : ''}`] : [],
        );
        return ['active', 'active canceling', 'canceled canceling'].every((x) => statuses.includes(x)) ? statuses : undefined;
      },
      { ...WAIT, describe: () => `notifications seen: ${JSON.stringify(seen.map((n) => n.type))}` },
    );
    // The outbox holds each once, all published.
    const outbox = await p.store.notificationOutbox.get();
    const mine = outbox.docs.map((d) => d.data()).filter((d) => d.notification.accountId === accountId);
    expect(mine.length).toBeGreaterThanOrEqual(3);
    expect(mine.every((d) => d.publishedAt !== null)).toBe(true);
  });

  it('a failed renewal makes the user past_due with a failed payment issue', async () => {
    const { accountId, customer } = await newCustomer();
    const sub = await subscribeThroughCheckout(accountId, customer.id);
    const periodEnd = sub.items.data[0]?.current_period_end ?? 0;
    await waitForBilling(accountId, 'status active', (b) => b.status === 'active');

    p.standIn.setPaymentBehaviour(customer.id, 'fails');
    p.standIn.advanceClock(periodEnd - p.standIn.clock.now() + 60);
    const pastDue = await waitForBilling(
      accountId,
      'past_due with a failed payment',
      (b) => b.status === 'past_due' && b.paymentIssue === 'failed',
    );
    const renewed = await p.stripe.subscriptions.retrieve(sub.id);
    expect(renewed.status).toBe('past_due');
    expect(pastDue).toMatchObject({
      subscriptionId: sub.id,
      planId: 'pro',
      currentPeriodStart: periodEnd,
      currentPeriodEnd: renewed.items.data[0]?.current_period_end,
    });
    // Within the grace period right after the failed renewal, access holds; after it, it does not.
    expect(access(pastDue)).toMatchObject({ allow: true, inGracePeriod: true });
    expect(
      decideAccess({
        billing: pastDue,
        feature: 'advanced_analytics',
        now: periodEnd + GRACE_SECONDS + 1,
        pastDueGraceSeconds: GRACE_SECONDS,
      }),
    ).toMatchObject({ allow: false, code: 'payment_required' });
    await waitForLedger(customer.id);
    expect(await p.pullDeadLetters()).toEqual([]);
  });
});
