// The changes a customer or the product makes to a subscription (API, portal, checkout), each
// emitting what Stripe emits. Item changes (plan changes) are in subscription-item-changes.ts;
// time-driven transitions (renewals, trial end, dunning) in subscription-renewals.ts.
import type Stripe from 'stripe';
import { addInterval } from './billing-periods.js';
import type { BillingContext } from './billing-context.js';
import { syncEntitlements } from './entitlements.js';
import { previousAttributes, structuredCloneJson, type EventType } from './event-log.js';
import { attemptPayment, closeUnpaidInvoice, customerOf, issueInvoice } from './invoicing.js';
import type { InvoiceLine } from './invoice-object.js';
import type { SubscriptionRecord } from './stand-in-state.js';
import { currentPeriod, licensedItem, setPeriod, subscriptionObject } from './subscription-object.js';

type SubscriptionEvent = Extract<EventType, `customer.subscription.${string}`>;

/** Snapshot, mutate, emit one subscription event with `previous_attributes`, resync entitlements. */
export function changeSubscription(
  ctx: BillingContext,
  record: SubscriptionRecord,
  mutate: (sub: Stripe.Subscription) => void,
  type: Exclude<
    SubscriptionEvent,
    'customer.subscription.pending_update_applied' | 'customer.subscription.pending_update_expired'
  > = 'customer.subscription.updated',
): void {
  const before = structuredCloneJson(record.subscription);
  mutate(record.subscription);
  ctx.events.emit(type, record.subscription, previousAttributes(before, structuredCloneJson(record.subscription)));
  syncEntitlements(ctx, customerIdOf(record.subscription));
}

export const customerIdOf = (sub: Stripe.Subscription): string => (typeof sub.customer === 'string' ? sub.customer : sub.customer.id);

const intervalOf = (price: Stripe.Price) => {
  if (!price.recurring) throw new Error(`price ${price.id} is not recurring`);
  return price.recurring.interval;
};

export function licensedLines(sub: Stripe.Subscription, period: { start: number; end: number }, trial: boolean): InvoiceLine[] {
  return sub.items.data
    .filter((i) => i.price.recurring?.usage_type !== 'metered')
    .map((i) => ({
      description: `${trial ? 'Trial period for ' : ''}${i.quantity ?? 1} × ${i.price.lookup_key ?? i.price.id}`,
      amount: trial ? 0 : (i.price.unit_amount ?? 0) * (i.quantity ?? 1),
      price: i.price,
      quantity: i.quantity ?? 1,
      subscriptionItem: i.id,
      proration: false,
      period,
    }));
}

export interface StartSubscription {
  customer: string;
  items: { price: Stripe.Price; quantity: number | undefined }[];
  trialDays: number | undefined;
  metadata: Stripe.Metadata;
  /** The card collected at checkout (Stripe Checkout sets it on the subscription). */
  defaultPaymentMethod?: string | null;
}

/** A new subscription with its first invoice (paid, or $0 during a trial). */
export function startSubscription(ctx: BillingContext, input: StartSubscription): SubscriptionRecord {
  const now = ctx.clock.now();
  const main = input.items.find((i) => i.price.recurring?.usage_type !== 'metered') ?? input.items[0];
  if (!main) throw new Error('a subscription needs at least one item');
  const trialEnd = input.trialDays ? now + input.trialDays * 86_400 : null;
  const periodEnd = trialEnd ?? addInterval(now, intervalOf(main.price));
  const sub = subscriptionObject({ customer: input.customer, items: input.items, now, periodEnd, trialEnd, metadata: input.metadata });
  sub.default_payment_method = input.defaultPaymentMethod ?? null;
  const record: SubscriptionRecord = { subscription: sub, dunning: null, trialWillEndSent: false };
  ctx.state.subscriptions.set(sub.id, record);
  ctx.events.emit('customer.subscription.created', sub);
  const invoice = issueInvoice(ctx, {
    customer: customerOf(ctx, input.customer),
    subscription: sub,
    billingReason: 'subscription_create',
    lines: licensedLines(sub, { start: now, end: periodEnd }, trialEnd !== null),
    period: { start: now, end: now },
  });
  attemptPayment(ctx, invoice, null);
  syncEntitlements(ctx, input.customer);
  return record;
}

export function setCancelAtPeriodEnd(ctx: BillingContext, record: SubscriptionRecord, cancel: boolean): void {
  changeSubscription(ctx, record, (sub) => {
    sub.cancel_at_period_end = cancel;
    // Since 2025 Stripe also sets `cancel_at` to the period end.
    sub.cancel_at = cancel ? currentPeriod(sub).end : null;
    sub.canceled_at = cancel ? ctx.clock.now() : null;
    sub.cancellation_details = { comment: null, feedback: null, feedback_option: null, reason: cancel ? 'cancellation_requested' : null };
  });
}

/** Ends the subscription on a given date (null: no longer). Not at period end, so that flag is off. */
export function setCancelAt(ctx: BillingContext, record: SubscriptionRecord, at: number | null): void {
  changeSubscription(ctx, record, (sub) => {
    sub.cancel_at_period_end = false;
    sub.cancel_at = at;
    sub.canceled_at = at === null ? null : ctx.clock.now();
    sub.cancellation_details = {
      comment: null,
      feedback: null,
      feedback_option: null,
      reason: at === null ? null : 'cancellation_requested',
    };
  });
}

/**
 * Moves a trial's end (`trial_end` on update). The trial is the current period, so the period ends
 * with it; the trial_will_end notice is due again before the new end. Only a trialing subscription
 * here: Stripe also starts a new trial on an active one, which the product never asks for.
 */
export function setTrialEnd(ctx: BillingContext, record: SubscriptionRecord, trialEnd: number): void {
  record.trialWillEndSent = false;
  changeSubscription(ctx, record, (sub) => {
    sub.trial_end = trialEnd;
    for (const item of sub.items.data) item.current_period_end = trialEnd;
  });
}

export function setPauseCollection(
  ctx: BillingContext,
  record: SubscriptionRecord,
  pause: Stripe.Subscription.PauseCollection | null,
): void {
  changeSubscription(ctx, record, (sub) => {
    sub.pause_collection = pause;
  });
}

/** Ends the subscription now (DELETE /v1/subscriptions/:id, the end of a period, or dunning). */
export function cancelNow(ctx: BillingContext, record: SubscriptionRecord, reason: Stripe.Subscription.CancellationDetails.Reason): void {
  if (record.dunning) {
    const open = ctx.state.invoices.get(record.dunning.invoiceId);
    if (open?.status === 'open') closeUnpaidInvoice(ctx, open, reason === 'payment_failed' ? 'uncollectible' : 'void');
    record.dunning = null;
  }
  changeSubscription(
    ctx,
    record,
    (sub) => {
      const now = ctx.clock.now();
      sub.status = 'canceled';
      sub.canceled_at = sub.canceled_at ?? now;
      sub.ended_at = now;
      sub.cancel_at = sub.cancel_at ?? null;
      sub.cancellation_details = { comment: null, feedback: null, feedback_option: null, reason };
    },
    'customer.subscription.deleted',
  );
}

/** Issues and charges an invoice now; a failure puts the subscription past_due and starts dunning. */
export function chargeNow(
  ctx: BillingContext,
  record: SubscriptionRecord,
  lines: InvoiceLine[],
  reason: Stripe.Invoice.BillingReason,
): Stripe.Invoice {
  const sub = record.subscription;
  const period = currentPeriod(sub);
  const invoice = issueInvoice(ctx, {
    customer: customerOf(ctx, customerIdOf(sub)),
    subscription: sub,
    billingReason: reason,
    lines,
    period,
  });
  const nextAttemptAt = ctx.clock.now() + ctx.settings.retryIntervalSeconds;
  const outcome = attemptPayment(ctx, invoice, ctx.settings.retries > 0 ? nextAttemptAt : null);
  if (outcome === 'paid') {
    if (sub.status === 'past_due' || sub.status === 'unpaid') {
      record.dunning = null;
      changeSubscription(ctx, record, (s) => {
        s.status = 'active';
      });
    }
  } else {
    record.dunning = { invoiceId: invoice.id, failedAttempts: 0, nextAttemptAt };
    if (sub.status !== 'past_due') {
      changeSubscription(ctx, record, (s) => {
        s.status = 'past_due';
      });
    }
  }
  return invoice;
}

/** `POST /v1/subscriptions/:id/resume`: a paused subscription starts a new period now. */
export function resumeSubscription(ctx: BillingContext, record: SubscriptionRecord): void {
  const now = ctx.clock.now();
  const main = licensedItem(record.subscription);
  if (!main) throw new Error('no licensed item');
  const end = addInterval(now, intervalOf(main.price));
  changeSubscription(
    ctx,
    record,
    (s) => {
      s.status = 'active';
      s.pause_collection = null;
      s.billing_cycle_anchor = now;
      setPeriod(s, now, end);
    },
    'customer.subscription.resumed',
  );
  chargeNow(ctx, record, licensedLines(record.subscription, { start: now, end }, false), 'subscription_cycle');
}
