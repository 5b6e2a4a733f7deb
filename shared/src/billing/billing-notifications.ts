// What applying an event tells hosts (notifications/messages.ts), decided beside the change:
// `subscription.changed` and `entitlements.changed` when the account's billing summary changes in
// what a host acts on, `payment.*` when an invoice's payment fails or needs the customer, and
// `trial.ending` from Stripe's three-day notice. Each is staged in the event's transaction
// (ctx.notify) with an id derived from the event, so the same fact has the same id.
import { randomUUID } from 'node:crypto';
import type { BillingSummary } from '../model/documents.js';
import type { SubscriptionState } from '../notifications/messages.js';
import type { ApplyContext } from './apply-context.js';
import { sameIds } from './billing-summary.js';

function state(b: BillingSummary): SubscriptionState {
  return {
    status: b.status,
    planId: b.planId,
    seats: b.quantity,
    cancelAtPeriodEnd: b.cancelAtPeriodEnd,
    cancelAt: b.cancelAt,
    currentPeriodEnd: b.currentPeriodEnd,
    trialEnd: b.trialEnd,
  };
}

const sameState = (a: SubscriptionState, b: SubscriptionState) =>
  (Object.keys(a) as (keyof SubscriptionState)[]).every((k) => a[k] === b[k]);

/** An id for the fact: the event's (the same on every redelivery), or a fresh one for a refresh. */
const factId = (ctx: ApplyContext, what: string) => `${ctx.stamp.eventId ?? `refresh-${randomUUID()}`}:${what}`;
const occurredAt = (ctx: ApplyContext) => (ctx.stamp.created > 0 ? new Date(ctx.stamp.created * 1000) : ctx.now.toDate()).toISOString();

export function notifySummaryChange(ctx: ApplyContext, accountId: string, before: BillingSummary | null, after: BillingSummary): void {
  const envelope = { version: 1 as const, accountId, occurredAt: occurredAt(ctx) };
  const [was, now] = [before && state(before), state(after)];
  if (!was || !sameState(was, now))
    ctx.notify({ ...envelope, type: 'subscription.changed', notificationId: factId(ctx, 'subscription.changed'), before: was, after: now });
  if (!sameIds(before?.entitlements ?? [], after.entitlements)) {
    ctx.notify({
      ...envelope,
      type: 'entitlements.changed',
      notificationId: factId(ctx, 'entitlements.changed'),
      entitlements: after.entitlements,
    });
  }
}

export function notifyPaymentProblem(
  ctx: ApplyContext,
  accountId: string,
  problem: 'failed' | 'action_required',
  invoice: { id: string; amount_due: number; currency: string; hosted_invoice_url: string | null },
): void {
  const type = problem === 'failed' ? 'payment.failed' : 'payment.action_required';
  ctx.notify({
    type,
    notificationId: factId(ctx, type),
    version: 1,
    accountId,
    occurredAt: occurredAt(ctx),
    invoiceId: invoice.id,
    amountDue: invoice.amount_due,
    currency: invoice.currency,
    hostedInvoiceUrl: invoice.hosted_invoice_url,
  });
}

export function notifyTrialEnding(ctx: ApplyContext, accountId: string, subscriptionId: string, trialEnd: number): void {
  ctx.notify({
    type: 'trial.ending',
    notificationId: factId(ctx, 'trial.ending'),
    version: 1,
    accountId,
    occurredAt: occurredAt(ctx),
    subscriptionId,
    trialEnd,
  });
}
