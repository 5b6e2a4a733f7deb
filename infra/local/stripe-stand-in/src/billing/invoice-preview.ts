// `POST /v1/invoices/create_preview` for a subscription update: the invoice the change creates at
// once (a new billing interval, always_invoice), or else the next renewal's invoice with the
// change's prorations on it, as Stripe previews them: the subscription's pending invoice items
// first, then the change's credit and charge lines, then the renewal. Nothing is stored or
// emitted. Proration lines are marked `parent.subscription_item_details.proration` with
// `period.start` = the proration date, which is how Stripe says to pick out the change's own.
import type Stripe from 'stripe';
import type { BillingContext } from './billing-context.js';
import { invoiceItemLine, pendingInvoiceItems } from './invoice-items.js';
import { invoiceObject } from './invoice-object.js';
import { applyCustomerBalance, customerOf } from './invoicing.js';
import { newId } from './object-ids.js';
import type { SubscriptionRecord } from './stand-in-state.js';
import { customerIdOf, licensedLines } from './subscription-changes.js';
import type { ItemChangeOutcome } from './subscription-item-changes.js';
import { currentPeriod } from './subscription-object.js';
import { nextPeriod, usageLines } from './subscription-renewals.js';

export function previewInvoice(
  ctx: BillingContext,
  record: SubscriptionRecord,
  outcome: ItemChangeOutcome,
  prorationDate: number,
): Stripe.Invoice {
  const sub = record.subscription;
  const after: Stripe.Subscription = { ...sub, items: { ...sub.items, data: outcome.items } };
  const customer = customerOf(ctx, customerIdOf(sub));
  const pending = pendingInvoiceItems(ctx.state, sub.id).map((item) => invoiceItemLine(ctx.state, item));
  const now = outcome.invoiceNow
    ? { lines: outcome.invoiceNow, period: outcome.restartedPeriod ?? currentPeriod(sub), billingReason: 'subscription_update' as const }
    : null;
  const renewal = () => {
    const ended = currentPeriod(sub);
    return {
      lines: [...licensedLines(after, nextPeriod(after), false), ...usageLines(ctx, sub, ended)],
      period: ended,
      billingReason: 'upcoming' as const,
    };
  };
  const { lines, period, billingReason } = now ?? renewal();
  const invoice = invoiceObject({
    customer,
    subscription: after,
    billingReason,
    lines: [...pending, ...outcome.prorations, ...lines],
    period,
    now: prorationDate,
    // Preview ids are `upcoming_in_...` at Stripe's; the invoice is never stored.
    id: `upcoming_${newId('in')}`,
  });
  applyCustomerBalance(invoice, customer);
  const details = invoice.parent?.subscription_details;
  if (details) details.subscription_proration_date = prorationDate;
  return invoice;
}
