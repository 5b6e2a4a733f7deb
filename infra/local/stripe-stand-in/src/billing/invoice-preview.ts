// `POST /v1/invoices/create_preview` for a subscription update: the invoice the change creates at
// once (a new billing interval), or else the next renewal's invoice with the change's proration on
// it, as Stripe previews them. Nothing is stored or emitted. Proration lines are marked
// `parent.subscription_item_details.proration` with `period.start` = the proration date, which is
// how Stripe says to pick out the change's own prorations.
import type Stripe from 'stripe';
import type { BillingContext } from './billing-context.js';
import { invoiceObject } from './invoice-object.js';
import { applyCustomerBalance, customerOf } from './invoicing.js';
import type { SubscriptionRecord } from './stand-in-state.js';
import { customerIdOf, licensedLines } from './subscription-changes.js';
import type { ItemChangeOutcome } from './subscription-item-changes.js';
import { currentPeriod } from './subscription-object.js';
import { nextPeriod, pendingProrationLines, usageLines } from './subscription-renewals.js';

export function previewInvoice(
  ctx: BillingContext,
  record: SubscriptionRecord,
  outcome: ItemChangeOutcome,
  prorationDate: number,
): Stripe.Invoice {
  const sub = record.subscription;
  const after: Stripe.Subscription = { ...sub, items: { ...sub.items, data: outcome.items } };
  const customer = customerOf(ctx, customerIdOf(sub));
  const now =
    outcome.invoiceNow.length > 0
      ? { lines: outcome.invoiceNow, period: outcome.restartedPeriod ?? currentPeriod(sub), billingReason: 'subscription_update' as const }
      : null;
  const renewal = () => {
    const ended = currentPeriod(sub);
    return {
      lines: [
        ...licensedLines(after, nextPeriod(after), false),
        ...usageLines(ctx, sub, ended),
        ...pendingProrationLines(record, ended),
        ...(outcome.carried ? [outcome.carried] : []),
      ],
      period: ended,
      billingReason: 'upcoming' as const,
    };
  };
  const { lines, period, billingReason } = now ?? renewal();
  const invoice = invoiceObject({ customer, subscription: after, billingReason, lines, period, now: prorationDate });
  applyCustomerBalance(invoice, customer);
  // Preview ids are `upcoming_in_...` at Stripe's; the invoice is never stored.
  invoice.id = `upcoming_${invoice.id}`;
  const details = invoice.parent?.subscription_details;
  if (details) details.subscription_proration_date = prorationDate;
  return invoice;
}
