// Time-driven transitions, as a Stripe test clock runs them: trial_will_end three days before a
// trial ends, trial end, period end (renew, or cancel when cancel_at is reached), pause_collection
// ending, and dunning retries (past_due -> active, or cancel/unpaid after the last retry).
import type Stripe from 'stripe';
import { addInterval, days } from './billing-periods.js';
import type { BillingContext } from './billing-context.js';
import { attemptPayment, closeUnpaidInvoice, customerOf, issueInvoice } from './invoicing.js';
import type { InvoiceLine } from './invoice-object.js';
import type { SubscriptionRecord } from './stand-in-state.js';
import { cancelNow, changeSubscription, chargeNow, customerIdOf, licensedLines } from './subscription-changes.js';
import { expirePendingUpdate } from './subscription-item-changes.js';
import { currentPeriod, licensedItem, setPeriod } from './subscription-object.js';

const TRIAL_WILL_END_NOTICE = days(3);

type Due = { at: number; run: () => void };

/** The earliest thing that will happen to this subscription, if any. */
export function nextDue(ctx: BillingContext, record: SubscriptionRecord): Due | null {
  const sub = record.subscription;
  const candidates: Due[] = [];
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired' || sub.status === 'paused') return null;
  const period = currentPeriod(sub);
  // Listed first so that it wins a tie: cancel_at_period_end during a trial ends the
  // subscription at trial end instead of charging for a new period.
  const cancelAt = sub.cancel_at;
  if (cancelAt !== null && cancelAt <= period.end)
    candidates.push({ at: cancelAt, run: () => cancelNow(ctx, record, 'cancellation_requested') });
  if (sub.status === 'trialing' && sub.trial_end !== null) {
    if (!record.trialWillEndSent)
      candidates.push({ at: Math.max(sub.trial_end - TRIAL_WILL_END_NOTICE, sub.trial_start ?? 0), run: () => trialWillEnd(ctx, record) });
    candidates.push({ at: sub.trial_end, run: () => endTrial(ctx, record) });
  } else {
    candidates.push({ at: period.end, run: () => renew(ctx, record) });
  }
  const resumesAt = sub.pause_collection?.resumes_at;
  if (resumesAt) candidates.push({ at: resumesAt, run: () => changeSubscription(ctx, record, (s) => void (s.pause_collection = null)) });
  const pendingExpiry = sub.pending_update?.expires_at;
  if (pendingExpiry !== undefined && record.pendingUpdate)
    candidates.push({ at: pendingExpiry, run: () => expirePendingUpdate(ctx, record) });
  if (record.dunning) {
    const dunning = record.dunning;
    candidates.push({ at: dunning.nextAttemptAt, run: () => retryPayment(ctx, record) });
  }
  return candidates.reduce<Due | null>((min, c) => (min === null || c.at < min.at ? c : min), null);
}

function trialWillEnd(ctx: BillingContext, record: SubscriptionRecord): void {
  record.trialWillEndSent = true;
  ctx.events.emit('customer.subscription.trial_will_end', record.subscription);
}

function endTrial(ctx: BillingContext, record: SubscriptionRecord): void {
  const sub = record.subscription;
  record.trialWillEndSent = true;
  if (ctx.state.paymentBehaviourOf(customerIdOf(sub)) === 'none') {
    // trial_settings.end_behavior.missing_payment_method = 'pause'
    changeSubscription(ctx, record, (s) => void (s.status = 'paused'), 'customer.subscription.paused');
    return;
  }
  const { start, end } = nextPeriod(sub);
  changeSubscription(ctx, record, (s) => {
    s.status = 'active';
    setPeriod(s, start, end);
  });
  chargeNow(ctx, record, licensedLines(sub, { start, end }, false), 'subscription_cycle');
}

export function nextPeriod(sub: Stripe.Subscription): { start: number; end: number } {
  const main = licensedItem(sub) ?? sub.items.data[0];
  const interval = main?.price.recurring?.interval;
  if (!interval) throw new Error(`subscription ${sub.id} has no recurring item`);
  const start = currentPeriod(sub).end;
  return { start, end: addInterval(start, interval) };
}

/** Usage in the period that just ended, priced per unit (metered items bill in arrears). */
export function usageLines(ctx: BillingContext, sub: Stripe.Subscription, ended: { start: number; end: number }): InvoiceLine[] {
  const customer = customerIdOf(sub);
  return sub.items.data.flatMap((item) => {
    const meterId = item.price.recurring?.meter;
    const meter = meterId ? ctx.state.meters.get(meterId) : undefined;
    if (!meter) return [];
    // An item added during the period bills usage from when it was added.
    const from = Math.max(ended.start, item.created);
    const used = ctx.state.meterEvents
      .filter((e) => e.customer === customer && e.eventName === meter.event_name && e.timestamp >= from && e.timestamp < ended.end)
      .reduce((sum, e) => sum + e.value, 0);
    const unit = Number(item.price.unit_amount_decimal?.toString() ?? '0');
    return [
      {
        description: `${used} × ${meter.event_name}`,
        amount: Math.round(used * unit),
        price: item.price,
        quantity: used,
        subscriptionItem: item.id,
        proration: false,
        period: ended,
      },
    ];
  });
}

function renew(ctx: BillingContext, record: SubscriptionRecord): void {
  const sub = record.subscription;
  const ended = currentPeriod(sub);
  const { start, end } = nextPeriod(sub);
  changeSubscription(ctx, record, (s) => setPeriod(s, start, end));
  if (sub.status === 'unpaid') return; // Stripe stops attempting: invoices stay drafts
  // The prorations of changes made during the period come along as pending invoice items (issueInvoice).
  const lines = [...licensedLines(sub, { start, end }, false), ...usageLines(ctx, sub, ended)];
  const pause = sub.pause_collection;
  if (pause) {
    const invoice = issueInvoice(ctx, {
      customer: customerOf(ctx, customerIdOf(sub)),
      subscription: sub,
      billingReason: 'subscription_cycle',
      lines,
      period: ended,
    });
    if (pause.behavior === 'void') closeUnpaidInvoice(ctx, invoice, 'void');
    else if (pause.behavior === 'mark_uncollectible') closeUnpaidInvoice(ctx, invoice, 'uncollectible');
    return;
  }
  chargeNow(ctx, record, lines, 'subscription_cycle');
}

function retryPayment(ctx: BillingContext, record: SubscriptionRecord): void {
  const dunning = record.dunning;
  if (!dunning) return;
  const invoice = ctx.state.invoices.get(dunning.invoiceId);
  if (!invoice || invoice.status !== 'open') {
    record.dunning = null;
    return;
  }
  const failedAttempts = dunning.failedAttempts + 1;
  const last = failedAttempts >= ctx.settings.retries;
  const nextAttemptAt = ctx.clock.now() + ctx.settings.retryIntervalSeconds;
  const outcome = attemptPayment(ctx, invoice, last ? null : nextAttemptAt);
  if (outcome === 'paid') {
    record.dunning = null;
    if (record.subscription.status !== 'active') changeSubscription(ctx, record, (s) => void (s.status = 'active'));
    return;
  }
  if (!last) {
    record.dunning = { invoiceId: invoice.id, failedAttempts, nextAttemptAt };
    return;
  }
  switch (ctx.settings.afterFinalFailure) {
    case 'cancel':
      // cancelNow closes the open invoice (marked uncollectible) through record.dunning.
      record.dunning = { invoiceId: invoice.id, failedAttempts, nextAttemptAt: Number.POSITIVE_INFINITY };
      cancelNow(ctx, record, 'payment_failed');
      return;
    case 'unpaid':
      record.dunning = null;
      changeSubscription(ctx, record, (s) => void (s.status = 'unpaid'));
      return;
    case 'past_due':
      record.dunning = null;
      return;
  }
}

/**
 * Moves the clock to `target`, running every due transition in time order (so a 3-month jump
 * renews three times). Bounded so that a bug cannot spin forever.
 */
export function advanceClockTo(ctx: BillingContext, target: number): number {
  let steps = 0;
  for (;;) {
    let next: Due | null = null;
    for (const record of ctx.state.subscriptions.values()) {
      const due = nextDue(ctx, record);
      if (due && due.at <= target && (next === null || due.at < next.at)) next = due;
    }
    if (!next) break;
    if (++steps > 10_000) throw new Error('clock advance did not settle after 10,000 transitions');
    ctx.clock.moveTo(Math.max(next.at, ctx.clock.now()));
    next.run();
  }
  ctx.clock.moveTo(target);
  return steps;
}
