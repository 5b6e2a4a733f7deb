// Stripe's prorations of a subscription change (https://docs.stripe.com/billing/subscriptions/prorations):
// per licensed item whose price or quantity changes, a credit for the unused time on what it was
// ("Unused time on 3 × Team after 15 Mar 2026", negative) and a charge for the remaining time on
// what it becomes ("Remaining time on 5 × Team after 15 Mar 2026"), each with its price, quantity
// and period (from the change to the period end). An added item has only the charge, a removed one
// only the credit; metered items bill usage in arrears and are never prorated. Time is prorated
// to the second and each line rounded to the cent on its own.
//
// The subscriptions are in flexible billing mode, where a credit gives back part of what was
// actually debited for that time: the renewal line that charged the period, or the charge of an
// earlier change in the same period. The credit names that debit (`proration_details.credited_items`).
import type Stripe from 'stripe';
import type { BillingContext } from './billing-context.js';
import { pendingInvoiceItems } from './invoice-items.js';
import type { CreditedDebit, InvoiceLine } from './invoice-object.js';
import { newestFirst } from './stand-in-state.js';

type Period = { start: number; end: number };

const isLicensed = (item: Stripe.SubscriptionItem) => item.price.recurring?.usage_type !== 'metered';
const quantityOf = (item: Stripe.SubscriptionItem) => item.quantity ?? 1;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Stripe's date in proration descriptions: `15 Mar 2026` (UTC). */
function describedDate(at: number): string {
  const d = new Date(at * 1000);
  return `${String(d.getUTCDate()).padStart(2, '0')} ${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCFullYear()}`;
}

function describedItem(ctx: BillingContext, item: Stripe.SubscriptionItem): string {
  const productId = typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
  const name = ctx.state.products.get(productId)?.name ?? productId;
  return quantityOf(item) > 1 ? `${quantityOf(item)} × ${name}` : name;
}

interface Debit {
  amount: number;
  period: Period;
  credits: CreditedDebit;
}

/** What was charged for the item, at its current price and quantity, for the time at `at`: a pending charge first, then an invoice line. */
function debitOf(ctx: BillingContext, sub: Stripe.Subscription, item: Stripe.SubscriptionItem, at: number): Debit | null {
  const covers = (period: Period) => period.start <= at && at < period.end;
  const pending = pendingInvoiceItems(ctx.state, sub.id).filter(
    (ii) =>
      ii.amount > 0 &&
      ii.parent?.subscription_details?.subscription_item === item.id &&
      ii.pricing?.price_details?.price === item.price.id &&
      ii.quantity === quantityOf(item) &&
      covers(ii.period),
  );
  const latest = pending.at(-1);
  if (latest) return { amount: latest.amount, period: latest.period, credits: { invoiceItem: latest.id } };
  for (const invoice of newestFirst(ctx.state.invoices)) {
    if (invoice.parent?.subscription_details?.subscription !== sub.id || invoice.status === 'void' || invoice.status === 'draft') continue;
    const line = invoice.lines.data.find(
      (l) =>
        l.amount > 0 &&
        l.parent?.subscription_item_details?.subscription_item === item.id &&
        l.pricing?.price_details?.price === item.price.id &&
        l.quantity === quantityOf(item) &&
        covers(l.period),
    );
    if (line) return { amount: line.amount, period: line.period, credits: { invoice: invoice.id, line: line.id } };
  }
  return null;
}

/** The credit for the item's unused time from `at` to the end of `period`. */
export function unusedTime(
  ctx: BillingContext,
  sub: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  at: number,
  period: Period,
): InvoiceLine {
  const debit = debitOf(ctx, sub, item, at);
  // Without a debit (none was charged for this time) the credit is the price for the time left.
  const amount = debit
    ? (debit.amount * (period.end - at)) / (debit.period.end - debit.period.start)
    : ((item.price.unit_amount ?? 0) * quantityOf(item) * (period.end - at)) / (period.end - period.start);
  return {
    description: `Unused time on ${describedItem(ctx, item)} after ${describedDate(at)}`,
    amount: -Math.round(amount),
    price: item.price,
    quantity: quantityOf(item),
    subscriptionItem: item.id,
    proration: true,
    period: { start: at, end: period.end },
    ...(debit ? { credits: debit.credits } : {}),
  };
}

/** The charge for the item's remaining time from `at` to the end of `period`. */
function remainingTime(ctx: BillingContext, item: Stripe.SubscriptionItem, at: number, period: Period): InvoiceLine {
  const amount = ((item.price.unit_amount ?? 0) * quantityOf(item) * (period.end - at)) / (period.end - period.start);
  return {
    description: `Remaining time on ${describedItem(ctx, item)} after ${describedDate(at)}`,
    amount: Math.round(amount),
    price: item.price,
    quantity: quantityOf(item),
    subscriptionItem: item.id,
    proration: true,
    period: { start: at, end: period.end },
  };
}

/**
 * The prorations of moving the subscription's items to `after` at `at`, within the current
 * `period` (same billing interval). Item by item, in the subscription's order; a line that rounds
 * to nothing is left out.
 */
export function prorationLines(
  ctx: BillingContext,
  sub: Stripe.Subscription,
  after: readonly Stripe.SubscriptionItem[],
  at: number,
  period: Period,
): InvoiceLine[] {
  const lines: InvoiceLine[] = [];
  for (const before of sub.items.data.filter(isLicensed)) {
    const next = after.find((i) => i.id === before.id);
    if (next && next.price.id === before.price.id && quantityOf(next) === quantityOf(before)) continue;
    lines.push(unusedTime(ctx, sub, before, at, period));
    if (next) lines.push(remainingTime(ctx, next, at, period));
  }
  for (const added of after.filter((i) => isLicensed(i) && !sub.items.data.some((b) => b.id === i.id)))
    lines.push(remainingTime(ctx, added, at, period));
  return lines.filter((l) => l.amount !== 0);
}
