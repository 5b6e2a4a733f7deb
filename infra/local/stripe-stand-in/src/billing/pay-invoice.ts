// `POST /v1/invoices/:id/pay` and the hosted invoice page's Pay button: charge an open invoice now
// with the customer's current card. Paid, it settles what waited on it: the subscription's dunning
// (past_due becomes active, as when a Smart Retry succeeds) or its pending update.
import type Stripe from 'stripe';
import type { BillingContext } from './billing-context.js';
import { attemptPayment, type PaymentOutcome } from './invoicing.js';
import { changeSubscription } from './subscription-changes.js';
import { settlePendingUpdate } from './subscription-item-changes.js';

export function payOpenInvoice(ctx: BillingContext, invoice: Stripe.Invoice): PaymentOutcome {
  const subscriptionId = invoice.parent?.subscription_details?.subscription;
  const record = typeof subscriptionId === 'string' ? ctx.state.subscriptions.get(subscriptionId) : undefined;
  // A declined attempt keeps the dunning schedule's next retry.
  const outcome = attemptPayment(ctx, invoice, record?.dunning?.nextAttemptAt ?? null);
  if (outcome !== 'paid' || !record) return outcome;
  settlePendingUpdate(ctx, record, invoice.id);
  if (record.dunning?.invoiceId === invoice.id) {
    record.dunning = null;
    if (record.subscription.status === 'past_due' || record.subscription.status === 'unpaid')
      changeSubscription(ctx, record, (s) => void (s.status = 'active'));
  }
  return outcome;
}
