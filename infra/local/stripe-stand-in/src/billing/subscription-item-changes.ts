// The item changes of one subscription update (`POST /v1/subscriptions/:id` items, the portal's
// plan change): change an item's price or quantity, add an item, remove one. They are applied
// together, as Stripe does, in one `customer.subscription.updated`, and prorated item by item on the
// licensed items (prorations.ts). A net credit lands on the customer's balance through the invoice
// (see invoicing.ts).
import type Stripe from 'stripe';
import { addInterval } from './billing-periods.js';
import type { BillingContext } from './billing-context.js';
import { createProrationItems } from './invoice-items.js';
import type { InvoiceLine } from './invoice-object.js';
import { attemptPayment, closeUnpaidInvoice, customerOf, issueInvoice } from './invoicing.js';
import { prorationLines, unusedTime } from './prorations.js';
import type { SubscriptionRecord } from './stand-in-state.js';
import { changeSubscription, chargeNow, customerIdOf, licensedLines } from './subscription-changes.js';
import { currentPeriod, licensedItem, setPeriod, subscriptionItem } from './subscription-object.js';

export const ProrationBehavior = ['create_prorations', 'none', 'always_invoice'] as const;
export type ProrationBehavior = (typeof ProrationBehavior)[number];

/** Already validated against the subscription (api/subscription-item-params.ts). */
export type ItemChange =
  | { kind: 'update'; itemId: string; price: Stripe.Price; quantity: number | undefined }
  | { kind: 'add'; price: Stripe.Price; quantity: number | undefined }
  | { kind: 'remove'; itemId: string };

const isMetered = (price: Stripe.Price) => price.recurring?.usage_type === 'metered';

const intervalOf = (price: Stripe.Price) => {
  if (!price.recurring) throw new Error(`price ${price.id} is not recurring`);
  return price.recurring.interval;
};

function nextItems(sub: Stripe.Subscription, changes: readonly ItemChange[], now: number): Stripe.SubscriptionItem[] {
  const period = currentPeriod(sub);
  let items = sub.items.data;
  for (const change of changes) {
    switch (change.kind) {
      case 'update':
        items = items.map((item) => {
          if (item.id !== change.itemId) return item;
          const replaced = subscriptionItem(sub.id, change.price, change.quantity ?? item.quantity, item.created, item.current_period_end);
          return { ...replaced, id: item.id, current_period_start: item.current_period_start };
        });
        break;
      case 'add':
        // `created` now, so usage billing counts this item's usage from now (subscription-renewals.ts).
        items = [...items, { ...subscriptionItem(sub.id, change.price, change.quantity, period.start, period.end), created: now }];
        break;
      case 'remove':
        items = items.filter((item) => item.id !== change.itemId);
        break;
    }
  }
  return items;
}

export interface ItemChangeOutcome {
  /** The subscription's items after the change. */
  items: Stripe.SubscriptionItem[];
  /** A new licensed interval restarts the billing cycle at the change: the new period. */
  restartedPeriod: { start: number; end: number } | null;
  /** The change's prorations (prorations.ts), which Stripe records as invoice items. */
  prorations: InvoiceLine[];
  /**
   * The change is invoiced at once (a new interval, or `always_invoice`), with these lines after
   * the prorations: the new period's charge when the period restarts. Null: the prorations wait,
   * pending, for the next invoice (`create_prorations`).
   */
  invoiceNow: InvoiceLine[] | null;
}

/**
 * What an item change does, computed without changing anything (the update applies it, the invoice
 * preview shows it). Same licensed interval: the period is kept and the changed items are prorated
 * (carried to the next invoice, invoiced now, or not at all). A different interval restarts the
 * billing cycle at `now` and invoices the new period at once, crediting the unused time of the old
 * one (unless proration_behavior=none). During a trial nothing is prorated.
 */
export function itemChangeOutcome(
  ctx: BillingContext,
  sub: Stripe.Subscription,
  changes: readonly ItemChange[],
  now: number,
  proration: ProrationBehavior,
): ItemChangeOutcome {
  const period = currentPeriod(sub);
  const oldMain = licensedItem(sub);
  const items = nextItems(sub, changes, now);
  const after: Stripe.Subscription = { ...sub, items: { ...sub.items, data: items } };
  const main = licensedItem(after);
  if (!main || !oldMain) throw new Error(`subscription ${sub.id} lost its licensed item`); // validated before
  const unchanged: ItemChangeOutcome = { items, restartedPeriod: null, prorations: [], invoiceNow: null };
  if (sub.status === 'trialing') return unchanged;
  if (intervalOf(main.price) !== intervalOf(oldMain.price)) {
    const restarted = { start: now, end: addInterval(now, intervalOf(main.price)) };
    const unused =
      proration === 'none'
        ? []
        : sub.items.data
            .filter((i) => !isMetered(i.price))
            .map((i) => unusedTime(ctx, sub, i, now, period))
            .filter((l) => l.amount !== 0);
    return { items, restartedPeriod: restarted, prorations: unused, invoiceNow: licensedLines(after, restarted, false) };
  }
  if (proration === 'none') return unchanged;
  const prorations = prorationLines(ctx, sub, items, now, period);
  if (prorations.length === 0) return unchanged;
  return { ...unchanged, prorations, invoiceNow: proration === 'always_invoice' ? [] : null };
}

/** Applies an item change (see itemChangeOutcome) in one `customer.subscription.updated`. */
export function applyItemChanges(
  ctx: BillingContext,
  record: SubscriptionRecord,
  changes: readonly ItemChange[],
  proration: ProrationBehavior,
): void {
  if (changes.length === 0) return;
  applyOutcome(ctx, record, itemChangeOutcome(ctx, record.subscription, changes, ctx.clock.now(), proration));
}

function applyOutcome(ctx: BillingContext, record: SubscriptionRecord, outcome: ItemChangeOutcome): void {
  changeSubscription(ctx, record, (s) => {
    s.items.data = outcome.items;
    if (outcome.restartedPeriod) {
      setPeriod(s, outcome.restartedPeriod.start, outcome.restartedPeriod.end);
      s.billing_cycle_anchor = outcome.restartedPeriod.start;
    }
  });
  const sub = record.subscription;
  createProrationItems(ctx, sub, customerIdOf(sub), outcome.prorations);
  // The invoice takes the prorations just recorded. A net credit still gets its invoice: its total
  // is negative, nothing is due, and the credit goes to the customer's balance, as at Stripe.
  if (outcome.invoiceNow) chargeNow(ctx, record, outcome.invoiceNow, 'subscription_update');
}

/** Stripe keeps a pending update for 23 hours; then it is discarded and its invoice voided. */
export const PENDING_UPDATE_SECONDS = 23 * 3600;

/**
 * `payment_behavior=pending_if_incomplete` (https://docs.stripe.com/billing/subscriptions/pending-updates):
 * a change that invoices at once is applied only if that invoice is paid. When the charge fails
 * (or needs 3D Secure) the subscription keeps its items and period, the change waits in
 * `pending_update` with the invoice open as `latest_invoice`, and paying that invoice later
 * applies it (settlePendingUpdate). A change that invoices nothing now is applied as usual.
 */
export function applyItemChangesIfPaid(
  ctx: BillingContext,
  record: SubscriptionRecord,
  changes: readonly ItemChange[],
  proration: ProrationBehavior,
): void {
  if (changes.length === 0) return;
  const now = ctx.clock.now();
  const outcome = itemChangeOutcome(ctx, record.subscription, changes, now, proration);
  if (!outcome.invoiceNow) return applyOutcome(ctx, record, outcome);
  const sub = record.subscription;
  // The prorations are billed on the invoice made now; voided with it if the change expires.
  createProrationItems(ctx, sub, customerIdOf(sub), outcome.prorations);
  const invoice = issueInvoice(ctx, {
    customer: customerOf(ctx, customerIdOf(sub)),
    subscription: sub,
    billingReason: 'subscription_update',
    lines: outcome.invoiceNow,
    period: outcome.restartedPeriod ?? currentPeriod(sub),
  });
  const pending = { invoiceId: invoice.id, items: outcome.items, restartedPeriod: outcome.restartedPeriod };
  if (attemptPayment(ctx, invoice, null) === 'paid') {
    applyPending(ctx, record, pending);
    return;
  }
  record.pendingUpdate = pending;
  changeSubscription(ctx, record, (s) => {
    s.latest_invoice = invoice.id;
    s.pending_update = {
      billing_cycle_anchor: outcome.restartedPeriod?.start ?? null,
      cancel_at_period_end: null,
      discount: null,
      discounts: null,
      expires_at: now + PENDING_UPDATE_SECONDS,
      metadata: null,
      subscription_items: outcome.items,
      trial_end: null,
      trial_from_plan: null,
    };
  });
}

function applyPending(ctx: BillingContext, record: SubscriptionRecord, pending: NonNullable<SubscriptionRecord['pendingUpdate']>): void {
  changeSubscription(ctx, record, (s) => {
    s.items.data = pending.items;
    s.pending_update = null;
    if (pending.restartedPeriod) {
      setPeriod(s, pending.restartedPeriod.start, pending.restartedPeriod.end);
      s.billing_cycle_anchor = pending.restartedPeriod.start;
    }
  });
}

/** The invoice `invoiceId` was paid: the pending update it carries, if any, is applied. */
export function settlePendingUpdate(ctx: BillingContext, record: SubscriptionRecord, invoiceId: string): void {
  const pending = record.pendingUpdate;
  if (!pending || pending.invoiceId !== invoiceId) return;
  record.pendingUpdate = null;
  applyPending(ctx, record, pending);
  ctx.events.emit('customer.subscription.pending_update_applied', record.subscription);
}

/** `pending_update.expires_at` passed unpaid: the change is dropped and its invoice voided. */
export function expirePendingUpdate(ctx: BillingContext, record: SubscriptionRecord): void {
  const pending = record.pendingUpdate;
  if (!pending) return;
  record.pendingUpdate = null;
  const invoice = ctx.state.invoices.get(pending.invoiceId);
  if (invoice?.status === 'open') closeUnpaidInvoice(ctx, invoice, 'void');
  changeSubscription(ctx, record, (s) => void (s.pending_update = null));
  ctx.events.emit('customer.subscription.pending_update_expired', record.subscription);
}
