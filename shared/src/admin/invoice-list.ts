// Invoices across customers for the console: open, failed (payment failed, still open or not) and
// paid, newest first. One indexed query each (composite indexes: invoices status + created desc,
// paymentIssue + created desc); cost `limit` + 1 reads, plus 1 for the page cursor's document.
// Subscriptions past due or canceling are the customer list filtered by status (customer-list.ts).
import type { Query } from '@google-cloud/firestore';
import type { Store } from '../firestore/store.js';
import type { InvoiceDoc } from '../model/documents.js';

export const InvoiceListKind = ['open', 'failed', 'paid'] as const;
export type InvoiceListKind = (typeof InvoiceListKind)[number];

export const INVOICE_PAGE_SIZE = 50;

function query(store: Store, kind: InvoiceListKind): Query<InvoiceDoc> {
  switch (kind) {
    case 'open':
      return store.invoices.where('status', '==', 'open').orderBy('created', 'desc');
    case 'paid':
      return store.invoices.where('status', '==', 'paid').orderBy('created', 'desc');
    case 'failed':
      return store.invoices.where('paymentIssue', '==', 'failed').orderBy('created', 'desc');
  }
}

export async function listInvoices(
  store: Store,
  kind: InvoiceListKind,
  opts: { after?: string | undefined; limit?: number } = {},
): Promise<{ invoices: InvoiceDoc[]; next: string | null }> {
  const limit = opts.limit ?? INVOICE_PAGE_SIZE;
  let q = query(store, kind);
  if (opts.after) {
    const cursor = await store.invoices.doc(opts.after).get();
    if (cursor.exists) q = q.startAfter(cursor);
  }
  const snap = await q.limit(limit + 1).get();
  const invoices = snap.docs.slice(0, limit).map((d) => d.data());
  return { invoices, next: snap.docs.length > limit ? (invoices.at(-1)?.invoiceId ?? null) : null };
}
