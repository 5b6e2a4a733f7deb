// The user's invoices, read from Stripe (the source of truth, with Stripe's own pagination), and
// the PDF link of one invoice only after checking it belongs to the user.
import { notFound } from '../errors/app-error.js';
import type { UserDoc } from '../model/documents.js';
import type { InvoicePage } from '../ports/billing-gateway.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';

export async function listUserInvoices(
  deps: Pick<BillingOpsDeps, 'gateway'>,
  user: UserDoc,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<InvoicePage> {
  if (!user.stripeCustomerId) return { invoices: [], hasMore: false };
  return deps.gateway.listInvoices({ customerId: user.stripeCustomerId, limit: page.limit, startingAfter: page.startingAfter });
}

/** 404 (indistinguishable from a made-up id) unless the invoice is the user's and has a PDF. */
export async function userInvoicePdfUrl(deps: Pick<BillingOpsDeps, 'gateway'>, user: UserDoc, invoiceId: string): Promise<string> {
  if (!user.stripeCustomerId) throw notFound('Invoice');
  const invoice = await deps.gateway.retrieveInvoice(invoiceId);
  if (!invoice || invoice.customerId !== user.stripeCustomerId || !invoice.invoicePdf) throw notFound('Invoice');
  return invoice.invoicePdf;
}
