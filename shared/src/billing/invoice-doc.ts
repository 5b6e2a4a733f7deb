// Stripe invoice -> `invoices/{id}`, including the payment problem the billing page shows.
import type { Timestamp } from '@google-cloud/firestore';
import type { InvoiceDoc, Version } from '../model/documents.js';
import type { InvoicePayload } from './object-payloads.js';

export type PaymentIssue = NonNullable<InvoiceDoc['paymentIssue']>;

/**
 * payment_failed / payment_action_required raise the issue; a paid or voided invoice clears it;
 * any other event (finalized, marked_uncollectible...) keeps what is stored.
 */
export function paymentIssueAfter(
  raised: PaymentIssue | null,
  invoice: InvoicePayload,
  current: InvoiceDoc | undefined,
): PaymentIssue | null {
  if (invoice.status === 'paid' || invoice.status === 'void') return null;
  return raised ?? current?.paymentIssue ?? null;
}

export function invoiceDoc(
  invoice: InvoicePayload,
  accountId: string | null,
  paymentIssue: PaymentIssue | null,
  version: Version,
  now: Timestamp,
): InvoiceDoc {
  return {
    invoiceId: invoice.id,
    customerId: invoice.customer,
    accountId,
    subscriptionId: invoice.parent?.subscription_details?.subscription ?? null,
    number: invoice.number,
    status: invoice.status,
    currency: invoice.currency,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    total: invoice.total,
    created: invoice.created,
    periodStart: invoice.period_start,
    periodEnd: invoice.period_end,
    hostedInvoiceUrl: invoice.hosted_invoice_url,
    invoicePdf: invoice.invoice_pdf,
    paymentIssue,
    version,
    updatedAt: now,
  };
}
