// The billing page: the account switcher; banners (a failed payment with what failed and what to
// do, the return from Checkout, a quota used up); the current plan with what is coming (next
// invoice, card, credit); usage (above the plans for a paying account); the plan picker; a team's
// members; API keys; invoices. Server-rendered from the same AccountView as GET /api/me; the
// buttons are wired by the browser script (src/browser-script, served as /static/billing.js),
// which reviews every change in a dialog before making it. Billing actions and invoices are for the
// account's owners and admins (`canManageBilling`, as the API decides); a team's members see the
// plan and usage only.
import type { AccountListEntry, TeamView } from '@billing/shared/accounts/teams.js';
import type { BillingOutlook } from '@billing/shared/billing-ops/billing-outlook.js';
import { isCurrentSubscriptionStatus, isInGoodStanding } from '@billing/shared/model/subscription-status.js';
import type { InvoicePage } from '@billing/shared/ports/billing-gateway.js';
import { ApiKeyName } from '@billing/shared/model/api-key-documents.js';
import type { ApiKeySummary } from '../ports/usage-view.js';
import type { AccountView } from '../routes/account-view.js';
import type { PlanView } from '../routes/plans-view.js';
import { accountSwitcher } from './account-switcher.js';
import { currentPanel } from './billing-page-current.js';
import { planPicker } from './billing-page-plans.js';
import {
  checkoutBanner,
  courseBanners,
  paymentBanner,
  paymentProblem,
  quotaBanner,
  unpaidInvoice,
  type CheckoutOutcome,
} from './billing-page-status.js';
import { apiKeysTable, invoicesTable, newKeyPanel } from './billing-page-tables.js';
import { usageSection } from './billing-page-usage.js';
import { html, renderDocument, type SafeHtml } from './html.js';
import { teamSection } from './team-section.js';

/** An API key name's length as the API checks it (`ApiKeyName`, after trimming): the page's forms say and check the same. */
const KEY_NAME = { min: ApiKeyName.minLength ?? 1, max: ApiKeyName.maxLength ?? Number.MAX_SAFE_INTEGER };

export interface BillingPageModel {
  account: AccountView;
  plans: PlanView[];
  /** null when Stripe could not be reached: the rest of the page still renders. */
  invoices: InvoicePage | null;
  apiKeys: ApiKeySummary[];
  hasBillingAccount: boolean;
  /** `?checkout=` after returning from Stripe Checkout. */
  checkoutOutcome: CheckoutOutcome | null;
  devSignOut: boolean;
  /** The signed-in identity may open the admin revenue view. */
  showAdminLink: boolean;
  /** The accounts the user can act for, for the switcher: their personal account first. */
  accounts: AccountListEntry[];
  /** The active team's seats, members and invitations; null for a personal account. */
  team: TeamView | null;
  /** The app's public origin: an invitation's acceptance link is shown in full, to be copied. */
  publicBaseUrl: string;
  /** Card, credit and next invoice from Stripe; undefined without a customer (or for a member), null when Stripe could not be reached. */
  outlook?: BillingOutlook | null | undefined;
  /** Back from the portal's card form (`?payment_method=updated`): the unpaid invoice is paid with the new card. */
  paymentMethodUpdated?: boolean;
  /** The Enterprise card's "Contact sales" link (SALES_CONTACT_URL); null: bought like any plan. */
  salesContactUrl?: string | null;
}

export function renderBillingPage(model: BillingPageModel): string {
  const { account } = model;
  const sub = account.subscription;
  const live = sub !== null && isCurrentSubscriptionStatus(sub.status);
  const manage = account.account.canManageBilling;
  const me = account.user.email ?? account.user.id;
  const unpaid = unpaidInvoice(model.invoices?.invoices);
  // A paying account comes to see its usage first; a free one, the plans it could have.
  const usageFirst = live && sub !== null && isInGoodStanding(sub.status);
  const plans = manage ? planPicker(model.plans, { account, live, salesContactUrl: model.salesContactUrl ?? null }) : null;
  const usage = usageSection(account.usage, manage, account);
  return renderDocument(
    'Billing',
    html`<a class="skip-link" href="#main">Skip to main content</a>
    <header class="top">
      <h1>Billing</h1>
      ${accountSwitcher(model.accounts, account.account.id, me)}
      <span class="who">${me}</span>
      ${model.showAdminLink ? html`<a href="/admin" data-testid="admin-link">Revenue</a>` : null}
      ${model.devSignOut ? html`<form method="post" action="/dev/sign-out"><button type="submit" class="link">Sign out</button></form>` : null}
    </header>
    <main id="main" tabindex="-1">
      <noscript><p class="banner warn" data-testid="needs-js">Changing your plan, seats, payment method, team or API keys on this page needs JavaScript: turn it on and reload. Invoices and the Pay now links work without it.</p></noscript>
      <div id="flash" class="banner" role="status" aria-live="polite" data-testid="flash" hidden></div>
      ${checkoutBanner(model.checkoutOutcome, account)}
      ${paymentBanner(account, { manage, unpaid, paymentMethodUpdated: model.paymentMethodUpdated ?? false })}
      ${courseBanners(account, manage)} ${account.usage.map((u) => quotaBanner(u, manage))}
      ${currentPanel({ account, plans: model.plans, manage, hasBillingAccount: model.hasBillingAccount, outlook: model.outlook })}
      ${usageFirst ? html`${usage}${plans}` : html`${plans}${usage}`}
      ${model.team ? teamSection(model.team, { userId: account.user.id, role: account.account.role }, model.publicBaseUrl, account.usage) : null}
      ${apiKeysSection(model.apiKeys)}
      ${
        manage
          ? html`<section class="invoices" aria-labelledby="invoices-heading">
            <h2 id="invoices-heading">Invoices</h2>
            <div class="table-wrap">${invoicesTable(model.invoices, paymentProblem(account))}</div>
            ${model.invoices?.hasMore ? html`<p class="muted" data-testid="older-invoices" data-feedback>Older invoices are in <button type="button" data-action="portal" class="link">Manage billing</button>.</p>` : null}
          </section>`
          : null
      }
    </main>
    ${reviewDialog()}${renameKeyDialog()}`,
  );
}

function apiKeysSection(keys: readonly ApiKeySummary[]): SafeHtml {
  return html`<section class="api-keys" id="api-keys" aria-labelledby="api-keys-heading">
    <h2 id="api-keys-heading">API keys</h2>
    <p class="muted">Send a key as <code>Authorization: Bearer &lt;key&gt;</code>. Its calls count against your plan's API calls.</p>
    <div class="banner warn" role="alert" data-role="flash" hidden></div>
    ${newKeyPanel()}
    <form class="create-key" data-testid="create-key" method="post" action="/billing" data-feedback>
      <label>Name <input type="text" name="name" required maxlength="${KEY_NAME.max}" placeholder="e.g. CI server" autocomplete="off"></label>
      <button type="submit">Create API key</button>
      <span class="field-error" data-role="error" role="alert" hidden></span>
    </form>
    <div class="table-wrap">${apiKeysTable(keys)}</div>
  </section>`;
}

/**
 * The review step, filled by the script: what a change does (plans before and after, the lines,
 * what is due today, the new price from when, the card charged) and its Confirm. A native dialog:
 * focus moves into it and back, Escape closes it.
 */
function reviewDialog(): SafeHtml {
  return html`<dialog class="review" id="review" aria-labelledby="review-title" data-testid="review">
    <form method="dialog">
      <h2 id="review-title" data-role="title">Review</h2>
      <div data-role="body"></div>
      <div class="stepper-row" data-role="seats" hidden>
        <label for="review-seats">Seats</label>
        <span class="stepper">
          <button type="button" class="secondary" data-step="-1" aria-label="One seat fewer" aria-controls="review-seats">−</button>
          <input id="review-seats" type="number" name="seats" min="1" max="1" step="1" value="1" inputmode="numeric">
          <button type="button" class="secondary" data-step="1" aria-label="One seat more" aria-controls="review-seats">+</button>
        </span>
      </div>
      <p class="field-error" data-role="error" role="alert" hidden></p>
      <p class="actions">
        <button type="submit" value="cancel" class="secondary" data-role="cancel">Go back</button>
        <button type="submit" value="confirm" data-role="confirm">Confirm</button>
      </p>
    </form>
  </dialog>`;
}

/**
 * Renaming an API key, opened by its Rename button (the script fills in the name): a native dialog
 * like the review's (focus moves in and back, Escape cancels). The name is checked in the page
 * against the API's own limits (`ApiKeyName`: trimmed, 1 to `data-max` characters) before it is
 * sent; the API's refusal is said under the field. No `maxlength`: a pasted name that is too long is
 * refused with a sentence rather than cut silently. Save comes first: Enter in the field saves.
 */
function renameKeyDialog(): SafeHtml {
  return html`<dialog class="review rename-key" id="rename-key" aria-labelledby="rename-key-title" data-testid="rename-key">
    <form method="dialog" novalidate>
      <h2 id="rename-key-title">Rename API key</h2>
      <p class="field">
        <label for="rename-key-name">New name</label>
        <input id="rename-key-name" type="text" name="name" required data-min="${KEY_NAME.min}" data-max="${KEY_NAME.max}" autocomplete="off" aria-describedby="rename-key-hint rename-key-error">
        <span id="rename-key-hint" class="muted">Up to ${KEY_NAME.max} characters.</span>
      </p>
      <p id="rename-key-error" class="field-error" data-role="error" role="alert" hidden></p>
      <p class="actions">
        <button type="submit" value="save" data-role="confirm">Save name</button>
        <button type="submit" value="cancel" class="secondary" data-role="cancel">Cancel</button>
      </p>
    </form>
  </dialog>`;
}

/** The answer to a form submitted without the script (the page's forms need it): says so, changes nothing. */
export function renderNeedsScriptPage(): string {
  return renderDocument(
    'JavaScript needed',
    html`<main id="main" class="narrow"><h1>JavaScript needed</h1>
      <p>This change is made by the billing page's script, which did not run. Nothing was changed.</p>
      <p>Turn JavaScript on, then go back to <a href="/billing">Billing</a>.</p></main>`,
  );
}

/** A page a team member is refused (billing is for the team's owners and admins): a page, not JSON. */
export function renderForbiddenPage(message: string): string {
  return renderDocument(
    'Not allowed',
    html`<main id="main" class="narrow"><h1>Not allowed</h1>
      <p data-testid="forbidden">${message}</p>
      <p><a href="/billing">Back to Billing</a></p></main>`,
  );
}
