// The billing page's account switcher: the accounts the user can act for (their personal account,
// shown as their email, then their teams by name), the active one selected, and a form to create a
// team. Choosing one sets the active-account cookie (POST /api/accounts/active) and reloads; a new
// team becomes the active account (POST /api/teams). Wired by /static/billing.js.
import type { AccountListEntry } from '@billing/shared/accounts/teams.js';
import { html, type SafeHtml } from './html.js';

export function accountSwitcher(accounts: readonly AccountListEntry[], activeId: string, personalLabel: string): SafeHtml {
  return html`<label class="switcher">Account
      <select data-role="switch-account" data-testid="account-switcher">
        ${accounts.map((a) => html`<option value="${a.id}"${a.id === activeId ? html` selected` : null}>${a.kind === 'personal' ? personalLabel : (a.name ?? a.id)}</option>`)}
      </select>
    </label>
    <details class="new-team">
      <summary>Create team</summary>
      <form class="create-team" data-testid="create-team" method="post" action="/billing" data-feedback>
        <label>Team name <input type="text" name="name" required maxlength="80" autocomplete="off"></label>
        <button type="submit">Create team</button>
        <span class="field-error" data-role="error" role="alert" hidden></span>
      </form>
    </details>`;
}
