// invoice.*: `invoices/{id}` and the payment problem shown on the billing page.
import type { InvoiceDoc, Version } from '../../model/documents.js';
import { notifyPaymentProblem } from '../billing-notifications.js';
import { invoiceDoc, paymentIssueAfter, type PaymentIssue } from '../invoice-doc.js';
import { InvoicePayload, parsePayload } from '../object-payloads.js';
import { resolveAccountId } from '../resolve-account.js';
import { writeVersioned } from '../versioned-write.js';
import { finishCustomerChange, type EventFamily, type Handler } from './handler.js';

export type InvoiceEventType = EventFamily<'invoice'>;

const RAISES: { readonly [K in InvoiceEventType]: PaymentIssue | null } = {
  'invoice.paid': null,
  'invoice.payment_succeeded': null,
  'invoice.payment_failed': 'failed',
  'invoice.payment_action_required': 'action_required',
  'invoice.finalized': null,
  'invoice.marked_uncollectible': null,
  'invoice.voided': null,
};

export const applyInvoiceEvent: Handler<InvoiceEventType> = async (event, ctx) => {
  const invoice = parsePayload(InvoicePayload, event.data.object, 'invoice');
  const raised = RAISES[event.type];
  const accountId = await resolveAccountId(ctx, invoice.customer, { hint: null, livemode: event.livemode, fetchIfMissing: true });
  const build = (inv: InvoicePayload) => (version: Version, current: InvoiceDoc | undefined) =>
    invoiceDoc(inv, accountId, paymentIssueAfter(raised, inv, current), version, ctx.now);
  const written = await writeVersioned(ctx, ctx.store.invoices.doc(invoice.id), build(invoice), {
    fetch: async () => parsePayload(InvoicePayload, await ctx.reader.retrieveInvoice(invoice.id), 'invoice'),
    build,
  });
  // A failure told of by an older event than the stored invoice (paid since) is not news.
  if (raised && accountId && written !== 'stale') notifyPaymentProblem(ctx, accountId, raised, invoice);
  return finishCustomerChange(ctx, invoice.customer, accountId, written);
};
