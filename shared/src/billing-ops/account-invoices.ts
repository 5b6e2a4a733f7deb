// The account's invoices, read from Stripe (the source of truth, with Stripe's own pagination), and
// the PDF link of one invoice only after checking it belongs to the account.
import { notFound } from '../errors/app-error.js';
import type { AccountDoc } from '../model/account-documents.js';
import type { InvoicePage } from '../ports/billing-gateway.js';
import type { BillingOpsDeps } from './billing-ops-deps.js';

export async function listAccountInvoices(
  deps: Pick<BillingOpsDeps, 'gateway'>,
  account: AccountDoc,
  page: { limit: number; startingAfter?: string | undefined },
): Promise<InvoicePage> {
  if (!account.stripeCustomerId) return { invoices: [], hasMore: false };
  return deps.gateway.listInvoices({ customerId: account.stripeCustomerId, limit: page.limit, startingAfter: page.startingAfter });
}

/** 404 (indistinguishable from a made-up id) unless the invoice is the account's and has a PDF. */
export async function accountInvoicePdfUrl(deps: Pick<BillingOpsDeps, 'gateway'>, account: AccountDoc, invoiceId: string): Promise<string> {
  if (!account.stripeCustomerId) throw notFound('Invoice');
  const invoice = await deps.gateway.retrieveInvoice(invoiceId);
  if (!invoice || invoice.customerId !== account.stripeCustomerId || !invoice.invoicePdf) throw notFound('Invoice');
  return invoice.invoicePdf;
}
