// The console's customer list: a GET form (works without JavaScript) to search by email, team
// name, customer id or account id and to filter by status and plan, the page of accounts, and a
// link to the next page.
import type { CustomerPage, SearchField } from '@billing/shared/admin/customer-list.js';
import { ListingStatus } from '@billing/shared/model/operator-documents.js';
import { PAID_PLAN_IDS, PLANS } from '@billing/shared/plans/catalog.js';
import { badge, renderConsoleDocument, usd, type ConsoleViewer } from './admin-layout.js';
import { html } from './html.js';

export interface CustomerListView {
  q: string;
  field: SearchField;
  status: ListingStatus | null;
  plan: string | null;
  page: CustomerPage;
}

const FIELD_LABELS: { [K in SearchField]: string } = {
  email: 'Email starts with',
  name: 'Team name starts with',
  customer: 'Stripe customer id',
  account: 'Account id',
};

function nextHref(view: CustomerListView, after: string): string {
  const params = new URLSearchParams();
  if (view.q) params.set('q', view.q);
  params.set('field', view.field);
  if (view.status) params.set('status', view.status);
  if (view.plan) params.set('plan', view.plan);
  params.set('after', after);
  return `/admin/customers?${params.toString()}`;
}

export function renderCustomersPage(view: CustomerListView, viewer: ConsoleViewer): string {
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}" ${selected ? html`selected` : null}>${label}</option>`;
  return renderConsoleDocument(
    'Customers',
    viewer,
    'customers',
    html`<h1>Customers</h1>
    <form class="filters" method="get" action="/admin/customers" role="search">
      <label>Search <input type="search" name="q" value="${view.q}" maxlength="200" placeholder="email, name or cus_…" /></label>
      <label>In <select name="field">${(Object.keys(FIELD_LABELS) as SearchField[]).map((f) => option(f, FIELD_LABELS[f], f === view.field))}</select></label>
      <label>Status <select name="status">${option('', 'Any', view.status === null)}${ListingStatus.options.map((s) => option(s, s.replace(/_/g, ' '), s === view.status))}</select></label>
      <label>Plan <select name="plan">${option('', 'Any', view.plan === null)}${PAID_PLAN_IDS.map((p) => option(p, PLANS[p].name, p === view.plan))}</select></label>
      <button type="submit">Apply</button>
    </form>
    <div class="table-wrap"><table data-testid="customers">
      <thead><tr><th>Customer</th><th>Status</th><th>Plan</th><th class="num">MRR</th><th>Since</th></tr></thead>
      <tbody>
        ${view.page.rows.length === 0 ? html`<tr><td colspan="5" class="muted" data-testid="no-customers">No customers match.</td></tr>` : null}
        ${view.page.rows.map(
          (r) => html`<tr data-account="${r.accountId}">
            <td><a href="/admin/customers/${encodeURIComponent(r.accountId)}">${r.name ?? r.email ?? r.accountId}</a>
              <div class="muted small">${r.name ? r.email : null} ${r.customerId ?? 'no Stripe customer'}</div></td>
            <td>${badge(r.status)}</td>
            <td>${r.planId ?? ''}</td>
            <td class="num">${usd(r.mrr)}</td>
            <td>${r.createdAt.slice(0, 10)}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>
    ${view.page.next ? html`<p><a rel="next" data-testid="next-page" href="${nextHref(view, view.page.next)}">Next page</a></p>` : null}
    <p class="muted small">Email search is by prefix of the account's billing email (lower-case); team names by prefix as written.
      MRR: what the account's subscription pays per month now, as on the revenue page.</p>`,
  );
}
