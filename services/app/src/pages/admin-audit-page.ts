// The audit log in the console: newest first, overall or for one customer, with the CSV export of
// the same selection.
import type { AuditEntry } from '@billing/shared/model/operator-documents.js';
import { renderConsoleDocument, type ConsoleViewer } from './admin-layout.js';
import { html } from './html.js';

export function renderAuditPage(
  view: { accountId: string | null; entries: AuditEntry[]; next: string | null },
  viewer: ConsoleViewer,
): string {
  const scope = view.accountId ? `account=${encodeURIComponent(view.accountId)}` : '';
  return renderConsoleDocument(
    'Audit log',
    viewer,
    'audit',
    html`<h1>Audit log${view.accountId ? html` of <a href="/admin/customers/${encodeURIComponent(view.accountId)}">${view.accountId}</a>` : null}</h1>
    <p><a data-testid="csv" href="/admin/audit.csv${scope ? `?${scope}` : ''}">Export CSV</a></p>
    <div class="table-wrap"><table data-testid="audit">
      <thead><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>Customer</th><th>Subject</th><th>Before → after</th><th>Reason</th></tr></thead>
      <tbody>
        ${view.entries.length === 0 ? html`<tr><td colspan="7" class="muted">No entries.</td></tr>` : null}
        ${view.entries.map(
          (
            e,
          ) => html`<tr data-action="${e.action}"><td>${e.at.toDate().toISOString().replace('T', ' ').slice(0, 19)}</td><td>${e.actor}</td><td>${e.action}</td>
            <td>${e.accountId ? html`<a href="/admin/customers/${encodeURIComponent(e.accountId)}">${e.accountId}</a>` : ''}</td><td>${e.subject ?? ''}</td>
            <td class="state"><code>${e.before ?? '∅'}</code> → <code>${e.after ?? '∅'}</code></td><td>${e.reason}</td></tr>`,
        )}
      </tbody>
    </table></div>
    ${view.next ? html`<p><a rel="next" href="/admin/audit?${scope ? `${scope}&` : ''}before=${encodeURIComponent(view.next)}">Older entries</a></p>` : null}
    <p class="muted small">Entries never expire. Each is also a log line (event admin.audit) exported to BigQuery.</p>`,
  );
}
