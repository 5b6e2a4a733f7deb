// The billing page's tables: API keys and invoices. Each cell carries its column name
// (`data-label`) so that on a phone a row becomes a stacked block, each value under its name.
import { formatMoney } from '@billing/shared/money/format-money.js';
import type { InvoicePage, InvoiceView } from '@billing/shared/ports/billing-gateway.js';
import type { InvoiceStatus } from '@billing/shared/model/documents.js';
import type { ApiKeySummary } from '../ports/usage-view.js';
import { formatDate } from './format.js';
import { html, type SafeHtml } from './html.js';

/** Filled and shown by the script after a key is created: the secret exists in that one response only. */
export function newKeyPanel(): SafeHtml {
  return html`<div class="banner ok new-key" data-testid="new-key" hidden>
    <p>API key <strong data-role="new-key-name"></strong> created. Copy it now: it is not shown again.</p>
    <p class="secret"><code data-testid="new-key-secret"></code> <button type="button" class="secondary" data-role="copy-key">Copy</button></p>
    <button type="button" data-role="done-key">Done</button>
  </div>`;
}

export function apiKeysTable(keys: readonly ApiKeySummary[]): SafeHtml {
  if (keys.length === 0) return html`<p class="muted">No API keys.</p>`;
  return html`<table data-testid="api-keys" class="stack">
    <thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${keys.map(
      (k) => html`<tr data-key-id="${k.id}">
        <td data-label="Name">${k.name}</td><td data-label="Key"><code>${k.prefix}…</code></td><td data-label="Created">${formatDate(k.createdAt)}</td><td data-label="Last used">${k.lastUsedAt ? formatDate(k.lastUsedAt) : 'never'}</td>
        <td class="row-actions" data-feedback><button type="button" class="link" data-action="rename-key" data-key-id="${k.id}" data-key-name="${k.name}" aria-label="Rename API key ${k.name}">Rename</button>
          <button type="button" class="link" data-action="revoke-key" data-key-id="${k.id}" data-key-name="${k.name}" aria-label="Revoke API key ${k.name}">Revoke</button>
          <span class="field-error" data-role="error" role="alert" hidden></span></td>
      </tr>`,
    )}</tbody>
  </table>`;
}

/** An invoice's status as people say it; an open one is "Past due" once its payment has failed. */
export function invoiceStatusLabel(status: InvoiceStatus | null, pastDue: boolean): string {
  switch (status) {
    case 'paid':
      return 'Paid';
    case 'open':
      return pastDue ? 'Past due' : 'Due';
    case 'void':
      return 'Voided';
    case 'uncollectible':
      return 'Not collected';
    case 'draft':
      return 'Upcoming';
    case null:
      return '—';
  }
}

/** `pastDue`: the account's payment failed, so its open invoices are overdue. */
export function invoicesTable(page: InvoicePage | null, pastDue: boolean): SafeHtml {
  if (page === null)
    return html`<p class="muted">Invoices are unavailable right now: Stripe could not be reached. Reload the page in a minute.</p>`;
  if (page.invoices.length === 0) return html`<p class="muted">No invoices yet.</p>`;
  return html`<table data-testid="invoices" class="stack">
    <thead><tr><th scope="col">Number</th><th scope="col">Date</th><th scope="col">Amount</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${page.invoices.map((inv) => invoiceRow(inv, pastDue))}</tbody>
  </table>`;
}

function invoiceRow(inv: InvoiceView, pastDue: boolean): SafeHtml {
  const name = inv.number ?? inv.id;
  const due = inv.status === 'open' && inv.amountDue > 0;
  const status = invoiceStatusLabel(inv.status, pastDue);
  return html`<tr data-invoice-id="${inv.id}">
    <td data-label="Number">${name}</td><td data-label="Date">${formatDate(inv.created)}</td><td data-label="Amount">${formatMoney(due ? inv.amountDue : inv.total, inv.currency)}</td>
    <td data-label="Status"><span class="badge ${status === 'Past due' ? 'error' : status === 'Paid' ? 'ok' : 'info'}" data-testid="invoice-status">${status}</span></td>
    <td class="row-actions">
      ${due && inv.hostedInvoiceUrl ? html`<a class="button small" href="${inv.hostedInvoiceUrl}" rel="noopener" data-testid="pay-invoice" aria-label="Pay invoice ${name}, ${formatMoney(inv.amountDue, inv.currency)}">Pay</a>` : null}
      ${inv.hostedInvoiceUrl ? html`<a href="${inv.hostedInvoiceUrl}" rel="noopener" aria-label="View invoice ${name}">View</a>` : null}
      ${inv.invoicePdf ? html`<a href="/api/invoices/${inv.id}/pdf" aria-label="Download invoice ${name} as PDF">PDF</a>` : null}
    </td>
  </tr>`;
}
