// The billing page: the account switcher, current plan and status, plan cards, subscribe / change /
// cancel / resume, "Manage billing" (portal), a team's members and invitations, usage bars, API keys
// and invoices. Server-rendered from the same AccountView as GET /api/me; the buttons are wired by
// /static/billing.js. Billing actions and invoices are for the account's owners and admins
// (`canManageBilling`, as the API decides); a team's members see the plan and usage only.
import { isCurrentSubscriptionStatus, isInGoodStanding, isPaymentFailedStatus, type SubscriptionStatus } from '@billing/shared/model/subscription-status.js';
import type { AccountListEntry, TeamView } from '@billing/shared/accounts/teams.js';
import { formatMoney } from '@billing/shared/money/format-money.js';
import type { InvoicePage } from '@billing/shared/ports/billing-gateway.js';
import { FEATURE_NAMES } from '@billing/shared/plans/catalog.js';
import type { ApiKeySummary, UsageSummary } from '../ports/usage-view.js';
import type { AccountView } from '../routes/account-view.js';
import type { PlanView } from '../routes/plans-view.js';
import { accountSwitcher } from './account-switcher.js';
import { formatDate } from './format.js';
import { html, renderDocument, type SafeHtml } from './html.js';
import { teamSection } from './team-section.js';

export interface BillingPageModel {
  account: AccountView;
  plans: PlanView[];
  /** null when Stripe could not be reached: the rest of the page still renders. */
  invoices: InvoicePage | null;
  apiKeys: ApiKeySummary[];
  hasBillingAccount: boolean;
  /** `?checkout=` after returning from Stripe Checkout. */
  checkoutOutcome: 'success' | 'open' | 'expired' | 'canceled' | null;
  devSignOut: boolean;
  /** The signed-in identity may open the admin revenue view. */
  showAdminLink: boolean;
  /** The accounts the user can act for, for the switcher: their personal account first. */
  accounts: AccountListEntry[];
  /** The active team's seats, members and invitations; null for a personal account. */
  team: TeamView | null;
  /** The app's public origin: an invitation's acceptance link is shown in full, to be copied. */
  publicBaseUrl: string;
}


export function renderBillingPage(model: BillingPageModel): string {
  const { account } = model;
  const sub = account.subscription;
  const live = sub !== null && isCurrentSubscriptionStatus(sub.status);
  const manage = account.account.canManageBilling;
  const me = account.user.email ?? account.user.id;
  return renderDocument(
    'Billing',
    html`<main>
      <header class="top">
        <h1>Billing</h1>
        ${accountSwitcher(model.accounts, account.account.id, me)}
        <span class="who">${me}</span>
        ${model.showAdminLink ? html`<a href="/admin" data-testid="admin-link">Revenue</a>` : null}
        ${model.devSignOut ? html`<form method="post" action="/dev/sign-out"><button type="submit" class="link">Sign out</button></form>` : null}
      </header>
      <div id="flash" class="banner warn" role="alert" hidden></div>
      ${checkoutBanner(model.checkoutOutcome, account)} ${statusBanners(account, manage)} ${account.usage.map((u) => quotaBanner(u, manage))}
      <section class="current" data-testid="current-plan">
        <h2>Current plan</h2>
        <p><strong data-testid="plan-name">${account.plan.name}</strong> <span class="status" data-testid="plan-status">${statusLabel(account)}</span></p>
        ${priceLine(account, model.plans)}
        ${manage
          ? html`${seatsForm(account, model.plans, live)}
            <p class="actions">
              ${model.hasBillingAccount ? html`<button data-action="portal">Manage billing</button>` : null}
              ${live && sub && scheduledEnd(sub) === null ? html`<button data-action="cancel" class="secondary">Cancel subscription</button>` : null}
              ${live && sub && scheduledEnd(sub) !== null ? html`<button data-action="resume">Resume subscription</button>` : null}
            </p>`
          : html`<p class="muted" data-testid="managed-by">Billing is managed by the team's owners and admins.</p>`}
      </section>
      ${manage
        ? html`<section class="plans" id="plans">
            <h2>Plans</h2>
            <div class="cards">${model.plans.filter((p) => p.prices.length > 0).map((p) => planCard(p, account, live))}</div>
          </section>`
        : null}
      ${model.team ? teamSection(model.team, { userId: account.user.id, role: account.account.role }, model.publicBaseUrl, account.usage) : null}
      <section class="usage">
        <h2>Usage</h2>
        ${account.usage.length ? account.usage.map(usageBar) : html`<p class="muted">No usage recorded yet.</p>`}
      </section>
      <section class="api-keys" id="api-keys">
        <h2>API keys</h2>
        <p class="muted">Send a key as <code>Authorization: Bearer &lt;key&gt;</code>. Its calls count against your plan's API calls.</p>
        <div class="banner warn" role="alert" data-role="flash" hidden></div>
        ${newKeyPanel()}
        <form class="create-key" data-testid="create-key">
          <label>Name <input type="text" name="name" required maxlength="100" placeholder="e.g. CI server" autocomplete="off"></label>
          <button type="submit">Create API key</button>
        </form>
        <div class="table-wrap">${apiKeysTable(model.apiKeys)}</div>
      </section>
      ${manage
        ? html`<section class="invoices">
            <h2>Invoices</h2>
            <div class="table-wrap">${invoicesTable(model.invoices)}</div>
            ${model.invoices?.hasMore ? html`<p class="muted" data-testid="older-invoices">Older invoices are in <button data-action="portal" class="link">Manage billing</button>.</p>` : null}
          </section>`
        : null}
    </main>`,
  );
}

function checkoutBanner(outcome: BillingPageModel['checkoutOutcome'], account: AccountView): SafeHtml | null {
  switch (outcome) {
    case 'success': {
      // Says what the stored subscription says: Checkout's return can come before its events.
      const status = account.subscription?.status;
      if (status === 'trialing') return html`<p class="banner ok" data-testid="checkout-banner">Thank you! Your free trial has started.</p>`;
      if (status && isCurrentSubscriptionStatus(status)) return html`<p class="banner ok" data-testid="checkout-banner">Thank you! Your subscription is active.</p>`;
      return html`<p class="banner ok" data-testid="checkout-banner">Thank you! Your subscription is being set up: reload this page in a moment.</p>`;
    }
    case 'open':
      return html`<p class="banner">Your payment is still being processed.</p>`;
    case 'expired':
      return html`<p class="banner warn">That checkout session expired. Please try again.</p>`;
    case 'canceled':
      return html`<p class="banner">Checkout canceled: nothing was charged.</p>`;
    case null:
      return null;
  }
}

/** `manage`: the viewer can act on billing; a team's member is told who can instead. */
function statusBanners(account: AccountView, manage: boolean): SafeHtml[] {
  const sub = account.subscription;
  if (!sub) return [];
  const out: SafeHtml[] = [];
  if (!manage && (sub.paymentIssue || isPaymentFailedStatus(sub.status))) {
    out.push(html`<p class="banner warn" data-testid="payment-problem">The last payment did not go through. The team's owners and admins can settle it in Manage billing.</p>`);
  } else if (sub.paymentIssue === 'action_required') {
    // Strong customer authentication (3D Secure): the card is fine, the bank wants the payer to
    // confirm. Stripe's hosted invoice page (the invoice's "View" link) or the portal does it.
    out.push(
      html`<p class="banner warn" data-testid="payment-action">Your bank asks you to confirm your last payment. Open the unpaid invoice below (View), or
        <button data-action="portal" class="link">Manage billing</button>, to confirm it.</p>`,
    );
  } else if (isPaymentFailedStatus(sub.status) || sub.paymentIssue) {
    out.push(
      html`<p class="banner warn" data-testid="past-due">Your last payment failed. ${account.inGracePeriod ? 'Access continues for a few days. ' : ''}Update your payment method in
        <button data-action="portal" class="link">Manage billing</button>.</p>`,
    );
  }
  // A trial set to cancel when it ends needs one line, not "Trial ends on X" above "Ends on X".
  if (sub.status === 'trialing' && sub.trialEnd && !endsBy(sub, sub.trialEnd)) out.push(html`<p class="banner" data-testid="trial">Trial ends on ${formatDate(sub.trialEnd)}</p>`);
  const endsOn = isCurrentSubscriptionStatus(sub.status) ? scheduledEnd(sub) : null;
  if (endsOn !== null) out.push(html`<p class="banner" data-testid="ends-on">Ends on ${formatDate(endsOn)}</p>`);
  if (sub.status === 'paused') out.push(html`<p class="banner warn" data-testid="paused">Your subscription is paused: its features are off until it resumes.</p>`);
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    out.push(manage ? html`<p class="banner" data-testid="ended">Your subscription has ended. Choose a plan below to subscribe again.</p>` : html`<p class="banner" data-testid="ended">The subscription has ended.</p>`);
  }
  return out;
}

/**
 * A quota used up: further use is refused (429) until the quota month resets. Said at the top, since the
 * API's refusal sends the caller here (its `upgradeUrl`).
 */
function quotaBanner(u: UsageSummary, manage: boolean): SafeHtml | null {
  if (typeof u.limit !== 'number' || u.limit === 0 || u.used < u.limit) return null;
  const until = u.periodEnd ? ` until the quota resets on ${formatDate(u.periodEnd)}` : '';
  const larger = manage ? 'a larger plan raises the quota now' : "a larger plan, which the team's owners and admins can choose, raises the quota now";
  return html`<p class="banner warn" data-testid="quota-reached" data-feature="${u.feature}">${FEATURE_NAMES[u.feature]}: ${manage ? 'you have' : 'the team has'} used all ${u.limit.toLocaleString('en-US')} of this month. More are refused${until}; ${larger}.</p>`;
}

type ShownSubscription = NonNullable<AccountView['subscription']>;

/**
 * When the subscription is set to end, or null. At period end (`cancelAtPeriodEnd`), or on a date
 * set in the Dashboard or the API (`cancelAt` alone): both end it, and "Resume" undoes both.
 */
function scheduledEnd(sub: ShownSubscription): number | null {
  return sub.cancelAt ?? (sub.cancelAtPeriodEnd ? sub.currentPeriodEnd : null);
}

function statusLabel(account: AccountView): string {
  const sub = account.subscription;
  if (!sub) return 'No subscription';
  const labels: { [K in SubscriptionStatus]: string } = {
    active: 'Active',
    trialing: 'Trial',
    past_due: 'Past due',
    unpaid: 'Unpaid',
    canceled: 'Canceled',
    incomplete: 'Incomplete',
    incomplete_expired: 'Expired',
    paused: 'Paused',
  };
  return labels[sub.status];
}

/**
 * "$20.00 / month · next payment on December 22, 2026" for a current subscription: what the user
 * pays and when (a trial's first payment is due when it ends). The price comes from the catalog;
 * a price outside it (e.g. a grandfathered one) shows only the date.
 */
function priceLine(account: AccountView, plans: readonly PlanView[]): SafeHtml | null {
  const sub = account.subscription;
  if (!sub || !isCurrentSubscriptionStatus(sub.status)) return null;
  const price = plans.flatMap((p) => p.prices).find((p) => p.priceId === sub.priceId);
  const amount = price && (sub.seats === null ? `${formatMoney(price.unitAmount, price.currency)} / ${price.interval}` : `${formatMoney(price.unitAmount * sub.seats, price.currency)} / ${price.interval} (${seatCount(sub.seats)} × ${formatMoney(price.unitAmount, price.currency)})`);
  const parts = [
    ...(amount ? [amount] : []),
    ...(isInGoodStanding(sub.status) && sub.currentPeriodEnd !== null && !endsBy(sub, sub.currentPeriodEnd) ? [`next payment on ${formatDate(sub.currentPeriodEnd)}`] : []),
  ];
  return parts.length ? html`<p class="muted" data-testid="plan-price">${parts.join(' · ')}</p>` : null;
}

const seatCount = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'seat' : 'seats'}`;

/**
 * On a plan priced per seat: the seats paid for, and a form to change them (with proration). Not on
 * a price outside the catalog (the API refuses those; the portal changes them).
 */
function seatsForm(account: AccountView, plans: readonly PlanView[], live: boolean): SafeHtml | null {
  const sub = account.subscription;
  const plan = plans.find((p) => p.prices.some((price) => price.priceId === sub?.priceId));
  const range = plan?.seats;
  if (!live || !sub || sub.seats === null || !range) return null;
  return html`<form class="seats-form" id="seats" data-testid="seats-form">
    <label>Seats <input type="number" name="seats" min="${range.min}" max="${range.max}" step="1" value="${sub.seats}" required></label>
    <button type="submit" class="secondary">Update seats</button>
  </form>`;
}

/** The subscription ends at or before `at`: nothing renews then. */
function endsBy(sub: ShownSubscription, at: number): boolean {
  const end = scheduledEnd(sub);
  return end !== null && end <= at;
}

function planCard(plan: PlanView, account: AccountView, live: boolean): SafeHtml {
  const currentPriceId = account.subscription?.priceId ?? null;
  return html`<article class="card" data-plan="${plan.id}">
    <h3>${plan.name}</h3>
    <p class="muted">${plan.description}</p>
    ${plan.trialDays > 0 && account.trialAvailable ? html`<p class="muted" data-testid="trial-offer">${plan.trialDays}-day free trial</p>` : null}
    <ul>${plan.features.map((f) => html`<li>${FEATURE_NAMES[f]}</li>`)}</ul>
    ${plan.seats && !live ? html`<label class="seats">Seats <input type="number" name="seats" min="${plan.seats.min}" max="${plan.seats.max}" step="1" value="${plan.seats.min}"></label>` : null}
    <ul class="prices">
      ${plan.prices.map((price) => {
        const label = `${formatMoney(price.unitAmount, price.currency)} / ${plan.seats ? 'seat / ' : ''}${price.interval}`;
        if (live && price.priceId === currentPriceId) return html`<li>${label} <button disabled>Current plan</button></li>`;
        return live
          ? html`<li>${label} <button data-action="change-plan" data-lookup-key="${price.lookupKey}" data-change="${plan.name} at ${label}">Switch</button></li>`
          : html`<li>${label} <button data-action="checkout" data-lookup-key="${price.lookupKey}">Subscribe</button></li>`;
      })}
    </ul>
  </article>`;
}

/** One metered feature: used / quota for the current quota month (monthly whatever the billing interval) and when it resets. */
function usageBar(u: UsageSummary): SafeHtml {
  const feature = FEATURE_NAMES[u.feature];
  const name = html`<span class="name">${feature}</span>`;
  // A quota of 0: the plan does not include the feature (a bar of "0 / 0" would say nothing).
  if (u.limit === 0 && u.used === 0) return html`<div class="usage-row" data-feature="${u.feature}">${name}<span class="not-included muted" data-testid="not-included">not included in your plan</span></div>`;
  const limit = u.limit === 'unlimited' ? null : u.limit;
  const pct = limit ? Math.min(100, Math.round((u.used / limit) * 100)) : 0;
  const label = `${feature}: ${limit === null ? 'unlimited' : `${pct}% of this month's quota used`}`;
  return html`<div class="usage-row" data-feature="${u.feature}">
    ${name}
    <span class="count">${u.used.toLocaleString('en-US')} / ${limit === null ? 'unlimited' : limit.toLocaleString('en-US')}</span>
    <progress max="100" value="${pct}" aria-label="${label}"></progress>
    ${u.periodEnd ? html`<span class="resets muted">resets ${formatDate(u.periodEnd)}</span>` : null}
  </div>`;
}

/** Filled and shown by billing.js after a key is created: the secret exists in that one response only. */
function newKeyPanel(): SafeHtml {
  return html`<div class="banner ok new-key" data-testid="new-key" hidden>
    <p>API key <strong data-role="new-key-name"></strong> created. Copy it now: it is not shown again.</p>
    <p class="secret"><code data-testid="new-key-secret"></code> <button type="button" class="secondary" data-role="copy-key">Copy</button></p>
    <button type="button" data-role="done-key">Done</button>
  </div>`;
}

function apiKeysTable(keys: ApiKeySummary[]): SafeHtml {
  if (keys.length === 0) return html`<p class="muted">No API keys.</p>`;
  return html`<table data-testid="api-keys">
    <thead><tr><th>Name</th><th>Key</th><th>Created</th><th>Last used</th><th></th></tr></thead>
    <tbody>${keys.map(
      (k) => html`<tr data-key-id="${k.id}">
        <td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${formatDate(k.createdAt)}</td><td>${k.lastUsedAt ? formatDate(k.lastUsedAt) : 'never'}</td>
        <td class="row-actions"><button class="link" data-action="rename-key" data-key-id="${k.id}" data-key-name="${k.name}">Rename</button>
          <button class="link" data-action="revoke-key" data-key-id="${k.id}" data-key-name="${k.name}">Revoke</button></td>
      </tr>`,
    )}</tbody>
  </table>`;
}

function invoicesTable(page: InvoicePage | null): SafeHtml {
  if (page === null) return html`<p class="muted">Invoices are unavailable right now.</p>`;
  if (page.invoices.length === 0) return html`<p class="muted">No invoices yet.</p>`;
  return html`<table data-testid="invoices">
    <thead><tr><th>Number</th><th>Date</th><th>Amount</th><th>Status</th><th></th></tr></thead>
    <tbody>${page.invoices.map(
      (inv) => html`<tr>
        <td>${inv.number ?? inv.id}</td><td>${formatDate(inv.created)}</td><td>${formatMoney(inv.total, inv.currency)}</td><td>${inv.status ?? ''}</td>
        <td>${inv.hostedInvoiceUrl ? html`<a href="${inv.hostedInvoiceUrl}" rel="noopener">View</a>` : null}
          ${inv.invoicePdf ? html`<a href="/api/invoices/${inv.id}/pdf">PDF</a>` : null}</td>
      </tr>`,
    )}</tbody>
  </table>`;
}
