// Role management (admins only): every operator with their role, a form to set or revoke one, and
// a form to add an operator by email.
import { OperatorRole, type OperatorDoc } from '@billing/shared/model/operator-documents.js';
import { renderConsoleDocument, type ConsoleViewer } from './admin-layout.js';
import { html, type SafeHtml } from './html.js';

function roleSelect(current: OperatorRole | null): SafeHtml {
  return html`<select name="role">${[...OperatorRole.options, 'none' as const].map(
    (r) => html`<option value="${r}" ${(current ?? 'none') === r ? html`selected` : null}>${r === 'none' ? 'no access' : r}</option>`,
  )}</select>`;
}

export function renderOperatorsPage(operators: OperatorDoc[], viewer: ConsoleViewer, done: boolean): string {
  return renderConsoleDocument(
    'Operators',
    viewer,
    'operators',
    html`<h1>Operators</h1>
    ${done ? html`<p class="flash" role="status" data-testid="done">Role saved.</p>` : null}
    <p class="muted">viewer: reads the console · editor: also acts on customers · admin: also manages roles. ADMIN_EMAILS only bootstraps the first admins.</p>
    <div class="table-wrap"><table data-testid="operators">
      <thead><tr><th>Email</th><th>Role</th><th>Set by</th><th></th></tr></thead>
      <tbody>${operators.map(
        (o) => html`<tr data-operator="${o.email}"><td>${o.email}</td><td>${o.role ?? 'no access'}</td><td>${o.grantedBy}</td>
          <td>${
            o.email === viewer.email
              ? html`<span class="muted">you</span>`
              : html`<form method="post" action="/admin/operators" class="action"><input type="hidden" name="email" value="${o.email}" />${roleSelect(o.role)}<button type="submit">Save</button></form>`
          }</td></tr>`,
      )}</tbody>
    </table></div>
    <h2>Add an operator</h2>
    <form method="post" action="/admin/operators" class="action" data-testid="add-operator">
      <label>Email <input type="email" name="email" required maxlength="254" /></label>
      <label>Role ${roleSelect('viewer')}</label>
      <button type="submit">Add</button>
    </form>`,
  );
}
