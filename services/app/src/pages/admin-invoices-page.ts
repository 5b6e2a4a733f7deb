// Invoices across customers (open, failed, paid), and links to the subscriptions past due or
// canceling (the customer list filtered by status).
import type { InvoiceListKind } from '@billing/shared/admin/invoice-list.js';
import { formatMoney } from '@billing/shared/money/format-money.js';
import type { InvoiceDoc } from '@billing/shared/model/documents.js';
import { badge, onDay, renderConsoleDocument, type ConsoleViewer } from './admin-layout.js';
import { html } from './html.js';

const TABS: { kind: InvoiceListKind; label: string }[] = [
  { kind: 'open', label: 'Open' },
  { kind: 'failed', label: 'Payment failed' },
  { kind: 'paid', label: 'Paid' },
];

export function renderInvoicesPage(
  view: { kind: InvoiceListKind; invoices: InvoiceDoc[]; next: string | null },
  viewer: ConsoleViewer,
): string {
  return renderConsoleDocument(
    'Invoices',
    viewer,
    'invoices',
    html`<h1>Invoices</h1>
    <nav class="tabs" aria-label="Invoice lists">${TABS.map((t) => html`<a href="/admin/invoices?kind=${t.kind}" ${t.kind === view.kind ? html`aria-current="page"` : null}>${t.label}</a>`)}
      · Subscriptions: <a href="/admin/customers?status=past_due">past due</a> <a href="/admin/customers?status=canceling">canceling</a></nav>
    <div class="table-wrap"><table data-testid="invoice-list">
      <thead><tr><th>Invoice</th><th>Customer</th><th>Date</th><th>Status</th><th class="num">Total</th><th class="num">Due</th></tr></thead>
      <tbody>${view.invoices.length === 0 ? html`<tr><td colspan="6" class="muted">No invoices.</td></tr>` : null}
        ${view.invoices.map(
          (
            i,
          ) => html`<tr data-invoice="${i.invoiceId}"><td>${i.hostedInvoiceUrl ? html`<a href="${i.hostedInvoiceUrl}" target="_blank" rel="noopener">${i.number ?? i.invoiceId}</a>` : (i.number ?? i.invoiceId)}</td>
            <td>${i.accountId ? html`<a href="/admin/customers/${encodeURIComponent(i.accountId)}">${i.accountId}</a>` : i.customerId}</td>
            <td>${onDay(i.created)}</td><td>${badge(i.status)} ${i.paymentIssue ? badge(i.paymentIssue) : null}</td>
            <td class="num">${formatMoney(i.total, i.currency)}</td><td class="num">${formatMoney(i.amountDue - i.amountPaid, i.currency)}</td></tr>`,
        )}
      </tbody>
    </table></div>
    ${view.next ? html`<p><a rel="next" href="/admin/invoices?kind=${view.kind}&after=${encodeURIComponent(view.next)}">Next page</a></p>` : null}`,
  );
}
